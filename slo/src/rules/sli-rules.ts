import { durationSeconds } from '../duration';
import type { Slo } from '../model';
import { BASE_WINDOW, record, SUMMED_FROM } from '../naming';
import { sliWindows, type PeriodWindows } from '../windows';
import { sliQueries } from './sli-queries';
import { selectorOf, sloLabels } from './labels';
import type { RecordingRule } from './types';

/** Whether a window is summed from the base rates rather than read from the raw counters. */
export function summedFromBase(window: string): boolean {
  return durationSeconds(window) >= durationSeconds(SUMMED_FROM);
}

/**
 * The error ratio over a window summed from the recorded base rates: bad over total, each summed
 * across the window. Every base sample counts the events of the 5 minutes before it; sampled at a
 * steady interval, each event is counted as many times in the numerator as in the denominator, so
 * the quotient is weighted by traffic exactly as `rate()` over the raw counters is, at the cost of
 * reading two series instead of every raw series for the whole window.
 */
export function summedErrorRatio(slo: Slo, window: string): string {
  const sel = selectorOf(slo);
  return (
    `sum_over_time(${record.sliBad(BASE_WINDOW)}${sel}[${window}])\n/\n` +
    `sum_over_time(${record.sliTotal(BASE_WINDOW)}${sel}[${window}])`
  );
}

/**
 * The alert group's SLI: the error ratio over every window the alerts read. Windows up to the
 * tickets' short ones read the raw counters; the day-long ones are summed from the base rates the
 * period group records.
 */
export function sliRecordingRules(slo: Slo, windows: PeriodWindows): RecordingRule[] {
  const queries = sliQueries(slo.sli);
  const labels = sloLabels(slo);
  const sel = selectorOf(slo);
  const rules: RecordingRule[] = sliWindows(windows)
    .filter((w) => w !== windows.period)
    .map((w) => ({
      record: record.sliError(w),
      expr: summedFromBase(w) ? summedErrorRatio(slo, w) : queries.errorRatio(w),
      labels,
    }));
  if (slo.minRequestsPerSecond !== undefined) {
    // A guard over the base window itself reads the period group's base rate.
    const guarded = [...new Set(windows.page.map((w) => w.longWindow))].filter((w) => w !== BASE_WINDOW);
    for (const w of guarded) {
      rules.push({
        record: record.sliTotal(w),
        expr: summedFromBase(w)
          ? `avg_over_time(${record.sliTotal(BASE_WINDOW)}${sel}[${w}])`
          : queries.totalRate(w),
        labels,
      });
    }
  }
  return rules;
}

/**
 * The period group's SLI: the bad and total event rates over the base window (numerator and
 * denominator apart, never their ratio), then the period ratio summed from them.
 */
export function periodSliRecordingRules(slo: Slo): RecordingRule[] {
  const queries = sliQueries(slo.sli);
  const labels = sloLabels(slo);
  return [
    { record: record.sliBad(BASE_WINDOW), expr: queries.badRate(BASE_WINDOW), labels },
    { record: record.sliTotal(BASE_WINDOW), expr: queries.totalRate(BASE_WINDOW), labels },
    { record: record.sliError(slo.period), expr: summedErrorRatio(slo, slo.period), labels },
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
    const guarded = [...new Set(windows.page.map((w) => w.longWindow))];
    for (const w of guarded) rules.push({ record: record.sliTotal(w), expr: queries.totalRate(w), labels });
  }
  return rules;
}
