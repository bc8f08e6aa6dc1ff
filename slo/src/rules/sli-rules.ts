import { durationSeconds } from '../duration';
import type { Slo } from '../model';
import { PERIOD_GROUP_INTERVAL, record, SUMMED_FROM } from '../naming';
import { sliWindows, type PeriodWindows } from '../windows';
import { sliQueries } from './sli-queries';
import { selectorOf, sloLabels } from './labels';
import type { RecordingRule } from './types';

/**
 * Whether the SLO's long windows and period are summed from the period group's increments: every
 * HTTP SLI, and a ratio SLI whose queries are rate() or increase() of counters.
 */
export function summable(slo: Slo): boolean {
  return sliQueries(slo.sli).totalIncrease(PERIOD_GROUP_INTERVAL) !== undefined;
}

function summed(slo: Slo, window: string): boolean {
  return durationSeconds(window) >= durationSeconds(SUMMED_FROM) && summable(slo);
}

/**
 * The error ratio over a window, summed from the period group's increments: bad over total,
 * each summed across the window. The increments telescope into each counter's exact increase, so
 * the quotient is the raw-counter ratio weighted by traffic, at the cost of reading two series
 * with one sample every PERIOD_GROUP_INTERVAL instead of every raw series at every scrape.
 */
export function summedErrorRatio(slo: Slo, window: string, interval = PERIOD_GROUP_INTERVAL): string {
  const sel = selectorOf(slo);
  return (
    `sum_over_time(${record.sliBadIncrease(interval)}${sel}[${window}])\n/\n` +
    `sum_over_time(${record.sliTotalIncrease(interval)}${sel}[${window}])`
  );
}

/** Events per second over a window, from the increments (each counts PERIOD_GROUP_INTERVAL's events). */
function summedTotalRate(slo: Slo, window: string, interval: string): string {
  const sel = selectorOf(slo);
  return `avg_over_time(${record.sliTotalIncrease(interval)}${sel}[${window}]) / ${durationSeconds(interval)}`;
}

/** The windows the low-traffic guard compares over: the long windows of the page pairs. */
function guardedWindows(windows: PeriodWindows): string[] {
  return [...new Set(windows.page.map((w) => w.longWindow))];
}

/**
 * The alert group's SLI: the error ratio over every window the alerts read. The fast page's
 * windows read the raw counters; from SUMMED_FROM up they are summed from the period group's
 * increments (the raw counters again when the SLI cannot be counted that way).
 */
export function sliRecordingRules(
  slo: Slo,
  windows: PeriodWindows,
  interval = PERIOD_GROUP_INTERVAL,
): RecordingRule[] {
  const queries = sliQueries(slo.sli);
  const labels = sloLabels(slo);
  const rules: RecordingRule[] = sliWindows(windows)
    .filter((w) => w !== windows.period)
    .map((w) => ({
      record: record.sliError(w),
      expr: summed(slo, w) ? summedErrorRatio(slo, w, interval) : queries.errorRatio(w),
      labels,
    }));
  if (slo.minRequestsPerSecond !== undefined) {
    for (const w of guardedWindows(windows)) {
      rules.push({
        record: record.sliTotal(w),
        expr: summed(slo, w) ? summedTotalRate(slo, w, interval) : queries.totalRate(w),
        labels,
      });
    }
  }
  return rules;
}

/**
 * The period group's SLI: the bad and total events since its previous evaluation (numerator and
 * denominator apart, never their ratio), then the period ratio summed from them. An SLI that
 * cannot be counted that way reads its raw queries over the whole period here, as before.
 */
export function periodSliRecordingRules(slo: Slo, interval = PERIOD_GROUP_INTERVAL): RecordingRule[] {
  const queries = sliQueries(slo.sli);
  const labels = sloLabels(slo);
  const bad = queries.badIncrease(interval);
  const total = queries.totalIncrease(interval);
  if (bad === undefined || total === undefined) {
    return [{ record: record.sliError(slo.period), expr: queries.errorRatio(slo.period), labels }];
  }
  return [
    { record: record.sliBadIncrease(interval), expr: bad, labels },
    { record: record.sliTotalIncrease(interval), expr: total, labels },
    { record: record.sliError(slo.period), expr: summedErrorRatio(slo, slo.period, interval), labels },
  ];
}

/**
 * The previous generation's SLI, every window read from the raw counters, the period included:
 * exact, and what the benchmark measures the summed rules against. Not generated any more: at a
 * 30-day period it reads every raw series for 30 days at every evaluation.
 */
export function rawSliRecordingRules(slo: Slo, windows: PeriodWindows): RecordingRule[] {
  const queries = sliQueries(slo.sli);
  const labels = sloLabels(slo);
  const rules: RecordingRule[] = sliWindows(windows).map((w) => ({
    record: record.sliError(w),
    expr: queries.errorRatio(w),
    labels,
  }));
  if (slo.minRequestsPerSecond !== undefined) {
    for (const w of guardedWindows(windows))
      rules.push({ record: record.sliTotal(w), expr: queries.totalRate(w), labels });
  }
  return rules;
}
