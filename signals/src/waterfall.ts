// A trace as text: an indented waterfall (offset from the trace's start, service, span name,
// duration, status, key attributes), children under their parent in start order, with the trace's
// log lines interleaved in time order under the span that wrote them. What `gameday trace` prints
// and what chaos reports show as evidence.

import type { AttributeValue, Span, Trace } from './jaeger';
import type { LogLine } from './victorialogs';

/** Attributes worth a glance, in the order shown (stable HTTP, database and messaging semconv). */
const KEY_ATTRIBUTES = [
  'http.request.method',
  'http.route',
  'http.response.status_code',
  'url.path',
  'server.address',
  'db.system',
  'db.system.name',
  'db.query.text',
  'db.statement',
  'messaging.operation',
  'messaging.operation.type',
  'messaging.destination.name',
  'messaging.destination',
  'error.type',
  'exception.message',
  'otel.status_description',
];

const MAX_VALUE = 60;

function short(v: AttributeValue): string {
  const s = String(v).replace(/\s+/g, ' ');
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}

export function formatDuration(us: number): string {
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

function keyAttributes(span: Span): string {
  const shown: string[] = [];
  for (const key of KEY_ATTRIBUTES) {
    const v = span.attributes[key];
    if (v !== undefined && v !== '') shown.push(`${key}=${short(v)}`);
  }
  const exception = span.events.find((e) => e.attributes['exception.message'] !== undefined);
  if (exception && span.attributes['exception.message'] === undefined)
    shown.push(`exception.message=${short(exception.attributes['exception.message']!)}`);
  return shown.join(' ');
}

interface Row {
  depth: number;
  startUs: number;
  span: Span;
}

/** Spans in tree order: roots (and orphans whose parent is missing) first, children by start time. */
export function treeOrder(trace: Trace): Row[] {
  const ids = new Set(trace.spans.map((s) => s.spanId));
  const children = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const s of trace.spans) {
    if (s.parentSpanId && ids.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
      const list = children.get(s.parentSpanId) ?? [];
      list.push(s);
      children.set(s.parentSpanId, list);
    } else roots.push(s);
  }
  const rows: Row[] = [];
  const seen = new Set<string>();
  const visit = (span: Span, depth: number) => {
    if (seen.has(span.spanId)) return;
    seen.add(span.spanId);
    rows.push({ depth, startUs: span.startUs, span });
    for (const c of (children.get(span.spanId) ?? []).sort((a, b) => a.startUs - b.startUs))
      visit(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => a.startUs - b.startUs)) visit(r, 0);
  return rows;
}

export interface TraceSummary {
  traceId: string;
  spans: number;
  services: string[];
  durationUs: number;
  errors: number;
  root: string;
}

export function summarise(trace: Trace): TraceSummary {
  const start = Math.min(...trace.spans.map((s) => s.startUs));
  const end = Math.max(...trace.spans.map((s) => s.startUs + s.durationUs));
  const root = treeOrder(trace)[0]?.span;
  return {
    traceId: trace.traceId,
    spans: trace.spans.length,
    services: [...new Set(trace.spans.map((s) => s.service))].sort(),
    durationUs: end - start,
    errors: trace.spans.filter((s) => s.status === 'error').length,
    root: root ? `${root.service} ${root.name}` : '',
  };
}

function formatLog(line: LogLine): string {
  const time = new Date(line.timeUs / 1000).toISOString().slice(11, 23);
  const extra = ['http_route', 'status', 'error', 'err']
    .filter((k) => line.fields[k] !== undefined)
    .map((k) => `${k}=${short(line.fields[k]!)}`)
    .join(' ');
  return `${time} ${line.level.padEnd(5)} ${line.service}: ${short(line.message)}${extra ? `  ${extra}` : ''}`;
}

/**
 * The waterfall. `logs` are the trace's log lines (any order); each goes after the last row that
 * started before it, indented under its own span when that span is in the trace.
 */
export function renderWaterfall(trace: Trace, logs: LogLine[] = []): string {
  const rows = treeOrder(trace);
  const sum = summarise(trace);
  const start = Math.min(...trace.spans.map((s) => s.startUs));
  const depthOf = new Map(rows.map((r) => [r.span.spanId, r.depth]));
  const serviceWidth = Math.max(...trace.spans.map((s) => s.service.length), 7);
  const out: string[] = [
    `trace ${sum.traceId} · ${sum.spans} span${sum.spans === 1 ? '' : 's'} · ${sum.services.length} service${
      sum.services.length === 1 ? '' : 's'
    } (${sum.services.join(', ')}) · ${formatDuration(sum.durationUs)}${sum.errors ? ` · ${sum.errors} error span${sum.errors === 1 ? '' : 's'}` : ''}`,
  ];
  const pending = [...logs].sort((a, b) => a.timeUs - b.timeUs);
  const flushLogsBefore = (us: number) => {
    while (pending.length && pending[0]!.timeUs < us) {
      const line = pending.shift()!;
      const depth = (depthOf.get(line.spanId) ?? -1) + 1;
      const offset = `+${formatDuration(Math.max(0, line.timeUs - start))}`.padStart(10);
      out.push(`${offset} ${'  '.repeat(depth)}  » ${formatLog(line)}`);
    }
  };
  for (const row of rows) {
    flushLogsBefore(row.startUs);
    const s = row.span;
    const offset = `+${formatDuration(s.startUs - start)}`.padStart(10);
    const status = s.status === 'error' ? 'ERROR' : s.status === 'ok' ? 'ok' : '-';
    const attrs = keyAttributes(s);
    out.push(
      `${offset} ${'  '.repeat(row.depth)}${row.depth ? '└ ' : ''}${s.service.padEnd(serviceWidth)} ${s.name}  ${formatDuration(s.durationUs)}  ${status}${attrs ? `  ${attrs}` : ''}`,
    );
  }
  flushLogsBefore(Number.POSITIVE_INFINITY);
  return out.join('\n') + '\n';
}
