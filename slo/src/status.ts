import { record, SLO_NAME_LABEL, SLO_SERVICE_LABEL } from './naming';

export interface SloStatus {
  service: string;
  slo: string;
  /** Objective as a ratio, e.g. 0.999. */
  objective: number;
  /** Burn rate over the last 5 minutes (slo:current_burn_rate:ratio); NaN without traffic. */
  burnRate: number;
  /** Burn rate over the last hour, steadier than the current one. */
  burnRate1h: number;
  /** Share of the period's budget left (slo:period_error_budget_remaining:ratio): 1 untouched, < 0 breached. */
  budgetRemaining: number;
}

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(prometheusUrl: string, promql: string, signal?: AbortSignal): Promise<VectorSample[]> {
  const url = `${prometheusUrl.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(promql)}`;
  const response = await fetch(url, { signal: signal ?? AbortSignal.timeout(5000) });
  const body = (await response.json().catch(() => undefined)) as
    { status: string; error?: string; data?: { resultType: string; result: VectorSample[] } } | undefined;
  if (!response.ok || body?.status !== 'success' || body.data?.resultType !== 'vector') {
    throw new Error(`query ${promql} failed: HTTP ${response.status} ${body?.error ?? ''}`.trim());
  }
  return body.data.result;
}

/**
 * Reads every SLO's objective, burn rates and remaining budget from Prometheus (the generated
 * recording rules must be loaded). Used by `npm start` and `gameday slo status`.
 */
export async function readSloStatus(
  prometheusUrl: string,
  options: { signal?: AbortSignal } = {},
): Promise<SloStatus[]> {
  const on = `on(${SLO_SERVICE_LABEL}, ${SLO_NAME_LABEL})`;
  try {
    const [objectives, current, hour, remaining] = await Promise.all([
      query(prometheusUrl, record.objective, options.signal),
      query(prometheusUrl, record.currentBurnRate, options.signal),
      query(prometheusUrl, `${record.sliError('1h')} / ${on} ${record.errorBudget}`, options.signal),
      query(prometheusUrl, record.periodErrorBudgetRemaining, options.signal),
    ]);
    const key = (s: VectorSample): string => `${s.metric[SLO_SERVICE_LABEL]}/${s.metric[SLO_NAME_LABEL]}`;
    const valueOf = (samples: VectorSample[]): Map<string, number> =>
      new Map(samples.map((s) => [key(s), Number(s.value[1])]));
    const [c, h, r] = [valueOf(current), valueOf(hour), valueOf(remaining)];
    return objectives
      .map((s) => ({
        service: s.metric[SLO_SERVICE_LABEL] ?? '',
        slo: s.metric[SLO_NAME_LABEL] ?? '',
        objective: Number(s.value[1]),
        burnRate: c.get(key(s)) ?? NaN,
        burnRate1h: h.get(key(s)) ?? NaN,
        budgetRemaining: r.get(key(s)) ?? NaN,
      }))
      .sort((a, b) => a.service.localeCompare(b.service) || a.slo.localeCompare(b.slo));
  } catch (err) {
    throw new Error(
      `could not read SLO status from Prometheus at ${prometheusUrl}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

function pct(value: number, digits: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : 'no data';
}

function burn(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'no data';
}

/** A fixed-width table for terminals: one line per SLO. */
export function formatSloStatus(rows: SloStatus[]): string {
  const header = ['SLO', 'objective', 'burn 5m', 'burn 1h', 'budget left'];
  const lines = rows.map((r) => [
    `${r.service}/${r.slo}`,
    pct(r.objective, 2),
    burn(r.burnRate),
    burn(r.burnRate1h),
    pct(r.budgetRemaining, 1),
  ]);
  if (lines.length === 0) return 'no SLOs found in Prometheus (are the generated rules loaded?)';
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines]
    .map((l) =>
      l
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
