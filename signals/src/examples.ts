// Example traces for a chaos report: while a fault is injected, what did players' requests to the
// target service look like? Up to `limit` traces with an error span in that service and, for
// latency faults, the slowest ones — each with its waterfall, so the evidence shows what players saw
// and survives in the journal after Jaeger has forgotten the trace.

import type { JaegerClient, Trace } from './jaeger';
import type { VictoriaLogsClient } from './victorialogs';
import { renderWaterfall, summarise, type TraceSummary } from './waterfall';

export interface ExampleQuery {
  service: string;
  /** Unix microseconds. */
  startUs: number;
  endUs: number;
  /** Latency faults: the slowest traces too, not only failed ones. */
  slowest?: boolean;
  /** At most this many traces (default 3). */
  limit?: number;
}

export interface ExampleTrace {
  traceId: string;
  /** Why it was picked: an error span in the service, or among its slowest spans. */
  reason: 'error' | 'slow';
  summary: TraceSummary;
  /** The waterfall text (with the trace's log lines when the log backend answered). */
  waterfall: string;
}

/** The longest span of `service` in a trace. */
function slowestSpanUs(trace: Trace, service: string): number {
  return Math.max(0, ...trace.spans.filter((s) => s.service === service).map((s) => s.durationUs));
}

export async function findExampleTraces(
  jaeger: JaegerClient,
  q: ExampleQuery,
  logs?: VictoriaLogsClient,
): Promise<ExampleTrace[]> {
  const limit = q.limit ?? 3;
  const candidates = await jaeger.search({
    service: q.service,
    startUs: q.startUs,
    endUs: q.endUs,
    limit: 200,
  });
  const picked: { trace: Trace; reason: ExampleTrace['reason'] }[] = [];
  const failed = candidates.filter((t) =>
    t.spans.some((s) => s.service === q.service && s.status === 'error'),
  );
  for (const trace of failed.slice(0, limit)) picked.push({ trace, reason: 'error' });
  if (q.slowest) {
    const slow = candidates
      .filter((t) => !picked.some((p) => p.trace.traceId === t.traceId))
      .sort((a, b) => slowestSpanUs(b, q.service) - slowestSpanUs(a, q.service));
    // Latency faults: show the slowest first, keeping at most one error example.
    picked.splice(1);
    for (const trace of slow) {
      if (picked.length >= limit) break;
      picked.push({ trace, reason: 'slow' });
    }
  }
  // The log lines of every example at once: one deadline, not one per trace.
  return Promise.all(
    picked.slice(0, limit).map(async ({ trace, reason }): Promise<ExampleTrace> => {
      const lines = logs
        ? await logs.query(`_time:1d trace_id:=${JSON.stringify(trace.traceId)}`, 200).catch(() => [])
        : [];
      return {
        traceId: trace.traceId,
        reason,
        summary: summarise(trace),
        waterfall: renderWaterfall(trace, lines),
      };
    }),
  );
}
