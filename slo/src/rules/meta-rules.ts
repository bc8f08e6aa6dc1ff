import { durationSeconds } from '../duration';
import type { Slo } from '../model';
import { CURRENT_BURN_WINDOW, record, SLO_NAME_LABEL, SLO_SERVICE_LABEL } from '../naming';
import { errorBudget, selectorOf, sloLabels } from './labels';
import type { RecordingRule } from './types';

/** Objective, budget and the current burn rate: what dashboards, `npm start` and chaos verdicts read. */
export function metadataRecordingRules(slo: Slo): RecordingRule[] {
  const labels = sloLabels(slo);
  const sel = selectorOf(slo);
  const on = `on(${SLO_SERVICE_LABEL}, ${SLO_NAME_LABEL})`;
  return [
    { record: record.objective, expr: `vector(${Number((slo.objective / 100).toPrecision(10))})`, labels },
    { record: record.errorBudget, expr: `vector(${errorBudget(slo)})`, labels },
    { record: record.timePeriodDays, expr: `vector(${durationSeconds(slo.period) / 86400})`, labels },
    {
      record: record.currentBurnRate,
      expr: `${record.sliError(CURRENT_BURN_WINDOW)}${sel}\n/ ${on}\n${record.errorBudget}${sel}`,
      labels,
    },
  ];
}

/**
 * The period's burn rate and the budget left, from the period ratio of the same group. The budget
 * is written in, not read from `slo:error_budget:ratio`, so the period group depends on no other.
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
