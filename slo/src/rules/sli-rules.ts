import type { Slo } from '../model';
import { record } from '../naming';
import { sliWindows, type PeriodWindows } from '../windows';
import { sliQueries } from './sli-queries';
import { sloLabels } from './labels';
import type { RecordingRule } from './types';

/**
 * The error ratio over every window the alerts read, and over the whole period. The period rule
 * reads the raw counters too, so the budget is weighted by traffic (sloth averages 5m ratios).
 */
export function sliRecordingRules(slo: Slo, windows: PeriodWindows): RecordingRule[] {
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
