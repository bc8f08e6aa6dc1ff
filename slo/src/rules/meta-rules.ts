import { durationSeconds } from '../duration';
import type { Slo } from '../model';
import { CURRENT_BURN_WINDOW, record } from '../naming';
import { errorBudget, selectorOf, sloLabels } from './labels';
import type { RecordingRule } from './types';

/** Objective, budget and period: what dashboards, `npm start` and chaos preflight read. */
export function metadataRecordingRules(slo: Slo): RecordingRule[] {
  const labels = sloLabels(slo);
  return [
    { record: record.objective, expr: `vector(${Number((slo.objective / 100).toPrecision(10))})`, labels },
    { record: record.errorBudget, expr: `vector(${errorBudget(slo)})`, labels },
    { record: record.timePeriodDays, expr: `vector(${durationSeconds(slo.period) / 86400})`, labels },
  ];
}

/** The burn rate over the last 5 minutes, in the alert group with the 5m window it reads. */
export function currentBurnRecordingRules(slo: Slo): RecordingRule[] {
  return [
    {
      record: record.currentBurnRate,
      expr: `${record.sliError(CURRENT_BURN_WINDOW)}${selectorOf(slo)}\n/ ${errorBudget(slo)}`,
      labels: sloLabels(slo),
    },
  ];
}

/**
 * The period's burn rate and the budget left, from the period ratio of the same group. Budgets
 * are written in, not read from `slo:error_budget:ratio`, so neither group waits for the other.
 */
export function periodBudgetRecordingRules(slo: Slo): RecordingRule[] {
  const labels = sloLabels(slo);
  const sel = selectorOf(slo);
  return [
    {
      record: record.periodBurnRate,
      expr: `${record.sliError(slo.period)}${sel}\n/ ${errorBudget(slo)}`,
      labels,
    },
    { record: record.periodErrorBudgetRemaining, expr: `1 - ${record.periodBurnRate}${sel}`, labels },
  ];
}
