// Prometheus metrics for a service: the standard HTTP histogram (ARCHITECTURE.md §3), default process metrics,
// `gameday_*` domain metrics, and the /metrics handler (Prometheus text or OpenMetrics with exemplars).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { HttpHistogram } from './http-histogram';
import { spanExportStats } from './tracing/span-export';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from 'prom-client';
import type { Request, Response } from 'express';

export { HTTP_DURATION_BUCKETS, HTTP_DURATION_METRIC } from './http-histogram';
/** The route label of requests that matched no route: unknown paths collapse into this one series. */
export const UNMATCHED_ROUTE = 'unmatched';

const OPENMETRICS = Registry.OPENMETRICS_CONTENT_TYPE;
const PROMETHEUS_TEXT = Registry.PROMETHEUS_CONTENT_TYPE;
const DOMAIN_PREFIX = 'gameday_';

export class ServiceMetrics {
  /**
   * One registry in OpenMetrics mode, so domain metrics may keep exemplars too. Plain-text scrapes
   * get the same samples converted (see `render`).
   */
  readonly registry: Registry<typeof OPENMETRICS>;
  private readonly http = new HttpHistogram();

  constructor(
    readonly service: string,
    options: { defaultMetrics?: boolean } = {},
  ) {
    this.registry = new Registry<typeof OPENMETRICS>();
    this.registry.setContentType(OPENMETRICS);
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    registerSpanExportMetrics(this.registry);
  }

  /** Records one HTTP request. `traceId` (a sampled trace) becomes the bucket's exemplar. */
  observeHttp(method: string, route: string, status: number, seconds: number, traceId?: string): void {
    this.http.observe(method, route, status, seconds, traceId);
  }

  counter<T extends string>(config: Omit<CounterConfiguration<T>, 'registers'>): Counter<T> {
    checkDomainName(config.name);
    return new Counter({ ...config, registers: [this.registry] });
  }

  gauge<T extends string>(config: Omit<GaugeConfiguration<T>, 'registers'>): Gauge<T> {
    checkDomainName(config.name);
    return new Gauge({ ...config, registers: [this.registry] });
  }

  histogram<T extends string>(config: Omit<HistogramConfiguration<T>, 'registers'>): Histogram<T> {
    checkDomainName(config.name);
    return new Histogram({ ...config, registers: [this.registry] });
  }

  /**
   * Renders every metric. OpenMetrics (with exemplars) when `openMetrics` is true, otherwise the
   * Prometheus text format 0.0.4, derived from the OpenMetrics rendering.
   */
  async render(openMetrics: boolean): Promise<{ contentType: string; body: Buffer }> {
    const { contentType, chunks } = await this.renderChunks(openMetrics);
    return { contentType, body: Buffer.concat(chunks) };
  }

  /** The exposition as chunks in order (the HTTP histogram, then the registry), without copying them together. */
  async renderChunks(openMetrics: boolean): Promise<{ contentType: string; chunks: Buffer[] }> {
    const om = await this.registry.metrics();
    const http = this.http.render(openMetrics);
    const rest = Buffer.from(openMetrics ? om : `\n${openMetricsToText(om)}`);
    return { contentType: openMetrics ? OPENMETRICS : PROMETHEUS_TEXT, chunks: [http, rest] };
  }

  /** Express handler for GET /metrics; negotiates OpenMetrics from the Accept header like Prometheus does. */
  handler() {
    return async (req: Request, res: Response): Promise<void> => {
      const accept = req.headers.accept ?? '';
      const { contentType, chunks } = await this.renderChunks(
        accept.includes('application/openmetrics-text'),
      );
      res.setHeader('Content-Type', contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader(
        'Content-Length',
        chunks.reduce((n, c) => n + c.length, 0),
      );
      res.cork();
      for (const chunk of chunks) res.write(chunk);
      res.end();
    };
  }
}

/** What span export delivered and lost (span-export.ts): flat while tracing is off or not exporting. */
function registerSpanExportMetrics(registry: Registry<typeof OPENMETRICS>): void {
  new Counter({
    name: 'gameday_telemetry_spans_exported_total',
    help: 'Spans the trace backend accepted.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(spanExportStats.exported);
    },
  });
  new Counter({
    name: 'gameday_telemetry_spans_dropped_total',
    help: 'Spans lost on the way to the trace backend: queue_full (the backend is slow or away and the bounded queue filled), export_failed (it refused the batch or did not answer).',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ reason: 'queue_full' }, spanExportStats.droppedQueueFull);
      this.inc({ reason: 'export_failed' }, spanExportStats.droppedExportFailed);
    },
  });
}

function checkDomainName(name: string): void {
  if (!name.startsWith(DOMAIN_PREFIX)) {
    throw new Error(`domain metric "${name}" must be named ${DOMAIN_PREFIX}* (ARCHITECTURE.md §3)`);
  }
}

/**
 * OpenMetrics → Prometheus text 0.0.4: drop exemplars and `# EOF`, and give counters back their
 * `_total` in HELP/TYPE (OpenMetrics names the family without it). Sample lines are identical.
 */
export function openMetricsToText(om: string): string {
  const lines = om.split('\n');
  const out: string[] = [];
  let pendingHelp: string | undefined;
  for (const line of lines) {
    if (line === '# EOF' || line === '') continue;
    if (line.startsWith('# HELP ')) {
      pendingHelp = line;
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ', 4);
      const family = type === 'counter' ? `${name}_total` : name;
      if (out.length > 0) out.push('');
      if (pendingHelp !== undefined) {
        out.push(`# HELP ${family}${pendingHelp.slice(7 + (name?.length ?? 0))}`);
        pendingHelp = undefined;
      }
      out.push(`# TYPE ${family} ${type}`);
      continue;
    }
    const hash = line.indexOf(' # {');
    out.push(hash === -1 ? line : line.slice(0, hash));
  }
  out.push('');
  return out.join('\n');
}
