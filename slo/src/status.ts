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
  /** The SLO period (slo:time_period:days), in seconds. */
  periodSeconds: number;
  /**
   * How much history Prometheus holds (now − its oldest sample), which the period ratio is taken
   * over; NaN when Prometheus does not scrape itself. Minutes of data make a 30-day budget figure
   * meaningless: see `formatBudget`.
   */
  dataSeconds: number;
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
    const [objectives, current, hour, remaining, days, history] = await Promise.all([
      query(prometheusUrl, record.objective, options.signal),
      query(prometheusUrl, record.currentBurnRate, options.signal),
      query(prometheusUrl, `${record.sliError('1h')} / ${on} ${record.errorBudget}`, options.signal),
      query(prometheusUrl, record.periodErrorBudgetRemaining, options.signal),
      query(prometheusUrl, record.timePeriodDays, options.signal),
      query(prometheusUrl, 'time() - min(prometheus_tsdb_lowest_timestamp_seconds)', options.signal),
    ]);
    const dataSeconds = history[0] ? Number(history[0].value[1]) : NaN;
    const key = (s: VectorSample): string => `${s.metric[SLO_SERVICE_LABEL]}/${s.metric[SLO_NAME_LABEL]}`;
    const valueOf = (samples: VectorSample[]): Map<string, number> =>
      new Map(samples.map((s) => [key(s), Number(s.value[1])]));
    const [c, h, r, d] = [valueOf(current), valueOf(hour), valueOf(remaining), valueOf(days)];
    return objectives
      .map((s) => ({
        service: s.metric[SLO_SERVICE_LABEL] ?? '',
        slo: s.metric[SLO_NAME_LABEL] ?? '',
        objective: Number(s.value[1]),
        burnRate: c.get(key(s)) ?? NaN,
        burnRate1h: h.get(key(s)) ?? NaN,
        budgetRemaining: r.get(key(s)) ?? NaN,
        periodSeconds: (d.get(key(s)) ?? NaN) * 86_400,
        dataSeconds,
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

/** Below this much history the period's budget figure is held back: it would extrapolate minutes. */
export const MIN_BUDGET_DATA_SECONDS = 3600;

function span(seconds: number): string {
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))}m`;
  if (seconds < 2 * 86_400) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

/**
 * The remaining budget with how much of the period it is measured over: held back ("12m of data")
 * while Prometheus has less than an hour, "73.1% (5d of 30d)" until it has the whole period.
 */
export function formatBudget(remaining: number, dataSeconds: number, periodSeconds: number): string {
  if (!Number.isFinite(remaining)) return 'no data';
  if (Number.isFinite(dataSeconds) && dataSeconds < MIN_BUDGET_DATA_SECONDS)
    return `— (${span(dataSeconds)} of data)`;
  const value = pct(remaining, 1);
  if (Number.isFinite(dataSeconds) && Number.isFinite(periodSeconds) && dataSeconds < periodSeconds)
    return `${value} (${span(dataSeconds)} of ${span(periodSeconds)})`;
  return value;
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
    formatBudget(r.budgetRemaining, r.dataSeconds, r.periodSeconds),
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
