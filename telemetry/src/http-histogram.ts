// The standard HTTP duration histogram (DESIGN §3), kept and rendered by hand because it sits on the
// hot path of every request and is most of every scrape: a series is found by one string key, its
// buckets are a typed array, each exposition line's label text is encoded once per series, and a
// scrape is written straight into one buffer (no per-line strings). With 50 routes × 5 status codes,
// prom-client's generic formatting took ~30 ms per scrape at p99; see `npm run bench -- metrics` for
// this. Everything else stays in prom-client.

export const HTTP_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
export const HTTP_DURATION_METRIC = 'http_server_request_duration_seconds';
const HELP = 'Duration of HTTP server requests.';

interface Exemplar {
  traceId: string;
  value: number;
  /** Seconds since the epoch, as OpenMetrics wants it. */
  timestamp: number;
}

class Series {
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  readonly counts = new Float64Array(HTTP_DURATION_BUCKETS.length + 1);
  readonly exemplars: (Exemplar | undefined)[] = new Array(HTTP_DURATION_BUCKETS.length + 1);
  sum = 0;
  count = 0;
  readonly bucketPrefixes: Buffer[];
  readonly sumPrefix: Buffer;
  readonly countPrefix: Buffer;
  /** Bytes of all prefixes, to size the scrape buffer. */
  readonly prefixBytes: number;

  constructor(labels: string) {
    const les = [...HTTP_DURATION_BUCKETS.map(String), '+Inf'];
    this.bucketPrefixes = les.map((le) =>
      Buffer.from(`${HTTP_DURATION_METRIC}_bucket{${labels},le="${le}"} `),
    );
    this.sumPrefix = Buffer.from(`${HTTP_DURATION_METRIC}_sum{${labels}} `);
    this.countPrefix = Buffer.from(`${HTTP_DURATION_METRIC}_count{${labels}} `);
    this.prefixBytes =
      this.bucketPrefixes.reduce((n, b) => n + b.length, 0) + this.sumPrefix.length + this.countPrefix.length;
  }
}

const HEADER = Buffer.from(
  `# HELP ${HTTP_DURATION_METRIC} ${HELP}\n# TYPE ${HTTP_DURATION_METRIC} histogram\n`,
);
/** Room for one number and a newline; counts are integers below 2^53 (16 digits). */
const NUMBER_ROOM = 32;
/** Room for ` # {trace_id="…"} value timestamp`. */
const EXEMPLAR_ROOM = 96;
const NEWLINE = 10;

/** Writes a non-negative integer as ASCII digits; returns the new offset. */
function writeUint(buf: Buffer, offset: number, n: number): number {
  if (n < 10) {
    buf[offset] = 48 + n;
    return offset + 1;
  }
  const start = offset;
  while (n > 0) {
    const q = Math.floor(n / 10);
    buf[offset++] = 48 + (n - q * 10);
    n = q;
  }
  // Digits were written least significant first.
  for (let i = start, j = offset - 1; i < j; i++, j--) {
    const t = buf[i]!;
    buf[i] = buf[j]!;
    buf[j] = t;
  }
  return offset;
}

/** Escapes a label value for both exposition formats. */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class HttpHistogram {
  private readonly series = new Map<string, Series>();

  observe(method: string, route: string, status: number, seconds: number, traceId?: string): void {
    const key = `${method}\u0000${route}\u0000${status}`;
    let s = this.series.get(key);
    if (s === undefined) {
      s = new Series(
        `http_request_method="${escapeLabel(method)}",http_route="${escapeLabel(route)}",http_response_status_code="${status}"`,
      );
      this.series.set(key, s);
    }
    let i = 0;
    while (i < HTTP_DURATION_BUCKETS.length && seconds > HTTP_DURATION_BUCKETS[i]!) i++;
    s.counts[i]!++;
    s.sum += seconds;
    s.count++;
    if (traceId !== undefined) s.exemplars[i] = { traceId, value: seconds, timestamp: Date.now() / 1000 };
  }

  /** The metric family as exposition text; OpenMetrics adds exemplars to bucket lines. */
  render(openMetrics: boolean): Buffer {
    let size = HEADER.length;
    for (const s of this.series.values()) {
      size +=
        s.prefixBytes +
        (s.counts.length + 2) * NUMBER_ROOM +
        (openMetrics ? s.counts.length * EXEMPLAR_ROOM : 0);
    }
    const buf = Buffer.allocUnsafe(size);
    let off = HEADER.copy(buf, 0);
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i < s.counts.length; i++) {
        cumulative += s.counts[i]!;
        off += s.bucketPrefixes[i]!.copy(buf, off);
        off = writeUint(buf, off, cumulative);
        const e = openMetrics ? s.exemplars[i] : undefined;
        if (e !== undefined)
          off += buf.write(` # {trace_id="${e.traceId}"} ${e.value} ${e.timestamp}`, off, 'latin1');
        buf[off++] = NEWLINE;
      }
      off += s.sumPrefix.copy(buf, off);
      off += buf.write(String(s.sum), off, 'latin1');
      buf[off++] = NEWLINE;
      off += s.countPrefix.copy(buf, off);
      off = writeUint(buf, off, s.count);
      buf[off++] = NEWLINE;
    }
    return buf.subarray(0, off);
  }
}
