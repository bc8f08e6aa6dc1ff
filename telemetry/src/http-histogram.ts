// The standard HTTP duration histogram (ARCHITECTURE.md §3): observed on every request of every service, and
// most of every scrape. Both are done here rather than by prom-client's generic Histogram:
// - observing through prom-client builds a label object, hashes it (sorting the label names) and
//   allocates an exemplar label set per request; here a series is found by one string key and a
//   sample is three increments;
// - prom-client's generic formatting of 50 routes × 5 status codes (250 series of 17 samples) took
//   ~30 ms per scrape at p99; here each series' label text is encoded once and a scrape is written
//   straight into one buffer (see `npm run bench -- metrics`).
// The exposition is byte for byte what prom-client writes for the same histogram (same bucket
// bounds, `le` labels, exemplar format and timestamps in seconds).

import { EXEMPLAR_TRACE_LABEL, HTTP_DURATION_BUCKETS, HTTP_DURATION_METRIC } from './contract';

export { HTTP_DURATION_BUCKETS, HTTP_DURATION_METRIC };
const HELP = 'Duration of HTTP server requests.';

type HttpLabel = 'http_request_method' | 'http_route' | 'http_response_status_code';

/** The newest sampled observation of one bucket: an OpenMetrics exemplar. */
interface Exemplar {
  traceId: string;
  value: number;
  /** Seconds since the epoch, as prom-client writes it. */
  timestamp: number;
}

/** One label combination's samples. */
class Series {
  /** Observations per bucket, not cumulative; the last slot is above the largest bound (+Inf). */
  readonly counts = new Float64Array(HTTP_DURATION_BUCKETS.length + 1);
  sum = 0;
  count = 0;
  /** Per bucket, like `counts`; created at the first sampled observation. */
  exemplars: (Exemplar | undefined)[] | undefined;
  readonly text: SeriesText;

  constructor(labels: Record<HttpLabel, string | number>) {
    this.text = new SeriesText(labels);
  }
}

/** The encoded label text of one series, built the first time a scrape sees it. */
class SeriesText {
  readonly bucketPrefixes: Buffer[];
  readonly sumPrefix: Buffer;
  readonly countPrefix: Buffer;
  /** Bytes of all prefixes, to size the scrape buffer. */
  readonly prefixBytes: number;

  constructor(labels: Record<HttpLabel, string | number>) {
    const l =
      `http_request_method="${escapeLabel(String(labels.http_request_method))}",` +
      `http_route="${escapeLabel(String(labels.http_route))}",` +
      `http_response_status_code="${escapeLabel(String(labels.http_response_status_code))}"`;
    const les = [...HTTP_DURATION_BUCKETS.map(String), '+Inf'];
    this.bucketPrefixes = les.map((le) => Buffer.from(`${HTTP_DURATION_METRIC}_bucket{${l},le="${le}"} `));
    this.sumPrefix = Buffer.from(`${HTTP_DURATION_METRIC}_sum{${l}} `);
    this.countPrefix = Buffer.from(`${HTTP_DURATION_METRIC}_count{${l}} `);
    this.prefixBytes =
      this.bucketPrefixes.reduce((n, b) => n + b.length, 0) + this.sumPrefix.length + this.countPrefix.length;
  }
}

/** Escapes a label value for both exposition formats. */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
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

export class HttpHistogram {
  /** Keyed by method, route and status joined with NUL (which none of them can contain). */
  private readonly series = new Map<string, Series>();

  observe(method: string, route: string, status: number, seconds: number, traceId?: string): void {
    if (!Number.isFinite(seconds)) throw new TypeError(`Value is not a valid number: ${seconds}`);
    const key = `${method}\0${route}\0${status}`;
    let s = this.series.get(key);
    if (s === undefined) {
      s = new Series({ http_request_method: method, http_route: route, http_response_status_code: status });
      this.series.set(key, s);
    }
    // A value on a bound counts in that bucket (le = "less than or equal").
    let i = 0;
    while (i < HTTP_DURATION_BUCKETS.length && seconds > HTTP_DURATION_BUCKETS[i]!) i++;
    s.counts[i]! += 1;
    s.sum += seconds;
    s.count += 1;
    if (traceId !== undefined) {
      (s.exemplars ??= [])[i] = { traceId, value: seconds, timestamp: Date.now() / 1000 };
    }
  }

  /** Number of label combinations seen (series), for tests. */
  get size(): number {
    return this.series.size;
  }

  /** The metric family as exposition text; OpenMetrics adds exemplars to bucket lines. */
  render(openMetrics: boolean): Buffer {
    let size = HEADER.length;
    const perSeries = (HTTP_DURATION_BUCKETS.length + 3) * (NUMBER_ROOM + (openMetrics ? EXEMPLAR_ROOM : 0));
    for (const s of this.series.values()) size += s.text.prefixBytes + perSeries;
    const buf = Buffer.allocUnsafe(size);
    let off = HEADER.copy(buf, 0);
    for (const s of this.series.values()) {
      const t = s.text;
      let cumulative = 0;
      for (let i = 0; i <= HTTP_DURATION_BUCKETS.length; i++) {
        cumulative += s.counts[i]!;
        off += t.bucketPrefixes[i]!.copy(buf, off);
        off = writeUint(buf, off, cumulative);
        const e = openMetrics ? s.exemplars?.[i] : undefined;
        if (e)
          off += buf.write(
            ` # {${EXEMPLAR_TRACE_LABEL}="${e.traceId}"} ${e.value} ${e.timestamp}`,
            off,
            'latin1',
          );
        buf[off++] = NEWLINE;
      }
      off += t.sumPrefix.copy(buf, off);
      off += buf.write(String(s.sum), off, 'latin1');
      buf[off++] = NEWLINE;
      off += t.countPrefix.copy(buf, off);
      off = writeUint(buf, off, s.count);
      buf[off++] = NEWLINE;
    }
    return buf.subarray(0, off);
  }
}
