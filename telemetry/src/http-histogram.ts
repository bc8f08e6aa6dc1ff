// The standard HTTP duration histogram (DESIGN §3). Its samples live in a prom-client Histogram (the
// one source of truth, observed on every request); only its exposition is done here, because it is
// most of every scrape: prom-client's generic formatting of 50 routes × 5 status codes (250 series
// of 17 samples) took ~30 ms per scrape at p99. Here each series' label text is encoded once and a
// scrape is written straight into one buffer (see `npm run bench -- metrics`).
import { Histogram } from 'prom-client';

export const HTTP_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
export const HTTP_DURATION_METRIC = 'http_server_request_duration_seconds';
const HELP = 'Duration of HTTP server requests.';

type HttpLabel = 'http_request_method' | 'http_route' | 'http_response_status_code';

/** prom-client's per-series state (Histogram#hashMap values). */
interface PromSeries {
  labels: Record<HttpLabel, string | number>;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
  /** Keyed by upper bound; "-1" holds the exemplar of values above the largest bound (+Inf). */
  bucketExemplars?: Record<
    string,
    { labelSet: Record<string, string>; value: number; timestamp: number } | null
  >;
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

const NO_EXEMPLAR: Record<string, string> = {};

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
  /** The prom-client histogram holding the samples. */
  readonly metric = new Histogram<HttpLabel>({
    name: HTTP_DURATION_METRIC,
    help: HELP,
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: HTTP_DURATION_BUCKETS,
    enableExemplars: true,
    // Not in a registry: ServiceMetrics renders this family itself, ahead of the registry's output.
    registers: [],
  });
  private readonly text = new Map<string, SeriesText>();

  observe(method: string, route: string, status: number, seconds: number, traceId?: string): void {
    this.metric.observe({
      labels: { http_request_method: method, http_route: route, http_response_status_code: status },
      value: seconds,
      exemplarLabels: traceId === undefined ? NO_EXEMPLAR : { trace_id: traceId },
    });
  }

  /** The metric family as exposition text; OpenMetrics adds exemplars to bucket lines. */
  render(openMetrics: boolean): Buffer {
    const series = Object.entries(
      (this.metric as unknown as { hashMap: Record<string, PromSeries> }).hashMap,
    );
    const texts: SeriesText[] = [];
    let size = HEADER.length;
    for (const [hash, s] of series) {
      let t = this.text.get(hash);
      if (t === undefined) {
        t = new SeriesText(s.labels);
        this.text.set(hash, t);
      }
      texts.push(t);
      size +=
        t.prefixBytes +
        (HTTP_DURATION_BUCKETS.length + 3) * (NUMBER_ROOM + (openMetrics ? EXEMPLAR_ROOM : 0));
    }
    const buf = Buffer.allocUnsafe(size);
    let off = HEADER.copy(buf, 0);
    for (let n = 0; n < series.length; n++) {
      const s = series[n]![1];
      const t = texts[n]!;
      let cumulative = 0;
      for (let i = 0; i <= HTTP_DURATION_BUCKETS.length; i++) {
        const bound = i < HTTP_DURATION_BUCKETS.length ? HTTP_DURATION_BUCKETS[i]! : -1;
        cumulative = bound === -1 ? s.count : cumulative + (s.bucketValues[bound] ?? 0);
        off += t.bucketPrefixes[i]!.copy(buf, off);
        off = writeUint(buf, off, cumulative);
        const e = openMetrics ? s.bucketExemplars?.[bound] : undefined;
        if (e)
          off += buf.write(` # {trace_id="${e.labelSet.trace_id}"} ${e.value} ${e.timestamp}`, off, 'latin1');
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
