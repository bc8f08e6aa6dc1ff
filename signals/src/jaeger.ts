// Jaeger's query API (the HTTP JSON API its UI reads: /api/traces/{id}, /api/traces?service=…),
// served by Jaeger v2's jaeger_query extension on :16686. Traces come back as flat span lists with
// the service, parent, status and attributes of every span; waterfall.ts draws them.

import { BackendError, get, json, type Backend } from './http';

export type SpanStatus = 'ok' | 'error' | 'unset';
export type AttributeValue = string | number | boolean;

export interface Span {
  traceId: string;
  spanId: string;
  /** Empty for a root span (or a span whose parent lives in another trace). */
  parentSpanId: string;
  service: string;
  name: string;
  /** server, client, producer, consumer, internal */
  kind: string;
  /** Unix microseconds. */
  startUs: number;
  durationUs: number;
  status: SpanStatus;
  attributes: Record<string, AttributeValue>;
  /** Span events (exceptions among them): their time and attributes. */
  events: { timeUs: number; attributes: Record<string, AttributeValue> }[];
}

export interface Trace {
  traceId: string;
  spans: Span[];
}

/** A W3C trace id: 32 lowercase hex digits, not all zero. */
export function isTraceId(id: string): boolean {
  return /^[0-9a-f]{32}$/.test(id) && !/^0+$/.test(id);
}

interface JaegerTag {
  key: string;
  type?: string;
  value: AttributeValue;
}
interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: { refType: string; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags?: JaegerTag[];
  logs?: { timestamp: number; fields?: JaegerTag[] }[];
  processID: string;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}
interface JaegerAnswer {
  data: JaegerTrace[] | null;
  errors?: { code: number; msg: string }[] | null;
}

function tags(list: JaegerTag[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((t) => [t.key, t.value]));
}

/** Jaeger's JSON model → our spans: OTLP status and kind are tags there (otel.status_code, span.kind). */
export function fromJaeger(trace: JaegerTrace): Trace {
  const spans = trace.spans.map((s): Span => {
    const attributes = tags(s.tags);
    const parent = s.references?.find((r) => r.refType === 'CHILD_OF' && r.traceID === s.traceID);
    const statusTag = String(attributes['otel.status_code'] ?? '').toUpperCase();
    const status: SpanStatus =
      statusTag === 'ERROR' || attributes.error === true || attributes.error === 'true'
        ? 'error'
        : statusTag === 'OK'
          ? 'ok'
          : 'unset';
    const kind = String(attributes['span.kind'] ?? 'internal');
    for (const k of [
      'otel.status_code',
      'span.kind',
      'error',
      'internal.span.format',
      'otel.scope.name',
      'otel.scope.version',
    ])
      delete attributes[k];
    return {
      traceId: s.traceID,
      spanId: s.spanID,
      parentSpanId: parent?.spanID ?? '',
      service: trace.processes[s.processID]?.serviceName ?? 'unknown',
      name: s.operationName,
      kind,
      startUs: s.startTime,
      durationUs: s.duration,
      status,
      attributes,
      events: (s.logs ?? []).map((l) => ({ timeUs: l.timestamp, attributes: tags(l.fields) })),
    };
  });
  spans.sort((a, b) => a.startUs - b.startUs);
  return { traceId: trace.traceID, spans };
}

export interface TraceSearch {
  service: string;
  /** Only traces with an error span in this service (among the `limit` newest). */
  errors?: boolean;
  /** Only traces with a span of this service at least this long (microseconds). */
  minDurationUs?: number;
  /** Unix microseconds. */
  startUs: number;
  endUs: number;
  limit?: number;
}

export const JAEGER_HINT =
  'Start the local stack (npm start) or pass the URL of a running Jaeger (--jaeger-url, GAMEDAY_JAEGER_URL).';

export class JaegerClient {
  private readonly backend: Backend;

  constructor(baseUrl: string, timeoutMs = 10_000) {
    this.backend = { what: 'Jaeger (traces)', baseUrl, hint: JAEGER_HINT, timeoutMs };
  }

  get url(): string {
    return this.backend.baseUrl;
  }

  /** The trace, or undefined when Jaeger does not have it. */
  async trace(traceId: string): Promise<Trace | undefined> {
    if (!isTraceId(traceId))
      throw new RangeError(`${JSON.stringify(traceId)} is not a trace id (32 hex digits)`);
    const path = `/api/traces/${traceId}`;
    const answer = await get(this.backend, path);
    if (answer.status === 404) return undefined;
    const body = json<JaegerAnswer>(this.backend, this.backend.baseUrl + path, answer);
    if (answer.status !== 200 || !Array.isArray(body.data)) {
      if (body.errors?.some((e) => e.code === 404)) return undefined;
      throw new BackendError(
        `Jaeger answered ${answer.status} for ${this.backend.baseUrl}${path}: ${JSON.stringify(body.errors ?? body).slice(0, 200)}`,
        this.backend.baseUrl + path,
      );
    }
    const found = body.data.find((t) => t.traceID === traceId) ?? body.data[0];
    return found && found.spans.length > 0 ? fromJaeger(found) : undefined;
  }

  /** Traces of one service in a time range, newest first as Jaeger returns them. */
  async search(q: TraceSearch): Promise<Trace[]> {
    const params = new URLSearchParams({
      service: q.service,
      start: String(Math.floor(q.startUs)),
      end: String(Math.ceil(q.endUs)),
      limit: String(q.limit ?? 20),
    });
    // Not tags={"error":"true"}: Jaeger v2.12's memory store reads that tag as a string and then
    // matches only spans with status OK. Error spans are picked out here instead.
    if (q.minDurationUs !== undefined) params.set('minDuration', `${Math.floor(q.minDurationUs)}us`);
    const path = `/api/traces?${params}`;
    const answer = await get(this.backend, path);
    const body = json<JaegerAnswer>(this.backend, this.backend.baseUrl + path, answer);
    if (answer.status !== 200) {
      // An unknown service is not an error: nothing was traced there yet.
      if (answer.status === 404 || /service.*not found/i.test(JSON.stringify(body.errors ?? ''))) return [];
      throw new BackendError(
        `Jaeger answered ${answer.status} for ${this.backend.baseUrl}${path}: ${JSON.stringify(body.errors ?? body).slice(0, 200)}`,
        this.backend.baseUrl + path,
      );
    }
    const traces = (body.data ?? []).map(fromJaeger);
    return q.errors
      ? traces.filter((t) => t.spans.some((s) => s.service === q.service && s.status === 'error'))
      : traces;
  }

  /** The services Jaeger has seen spans from. */
  async services(): Promise<string[]> {
    const path = '/api/services';
    const answer = await get(this.backend, path);
    const body = json<{ data: string[] | null }>(this.backend, this.backend.baseUrl + path, answer);
    return body.data ?? [];
  }
}
