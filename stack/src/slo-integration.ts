// What the stack takes from the SLO package: the Prometheus rule files, the local Alertmanager
// configuration, and each SLO's burn rate and remaining budget (ARCHITECTURE.md §4).

import { existsSync } from 'node:fs';
import {
  localAlertmanagerConfig,
  readSloStatus as readFromPrometheus,
  ruleFiles as sloRuleFiles,
} from '@gameday/slo';

/** Absolute paths of the rule files Prometheus loads (generated SLO rules, infrastructure alerts). */
export function ruleFiles(root: string): string[] {
  return sloRuleFiles(root);
}

/** The checked-in Alertmanager configuration for local runs, when there is one. */
export function alertmanagerConfigPath(root: string): string | undefined {
  const file = localAlertmanagerConfig(root);
  return existsSync(file) ? file : undefined;
}

/** One SLO as stack.json shows it: null where Prometheus has no value yet. */
export interface SloRow {
  service: string;
  slo: string;
  objective: number | null;
  burn_rate: number | null;
  burn_rate_1h: number | null;
  budget_remaining: number | null;
  /** The SLO period and how much history Prometheus holds, in seconds (null: unknown). */
  period_seconds: number | null;
  data_seconds: number | null;
}

const finite = (n: number) => (Number.isFinite(n) ? n : null);

/** Each SLO's objective, burn rates and remaining budget; empty before the recording rules have run. */
export async function readSloStatus(prometheusUrl: string): Promise<SloRow[]> {
  const rows = await readFromPrometheus(prometheusUrl, { signal: AbortSignal.timeout(3_000) });
  return rows.map((r) => ({
    service: r.service,
    slo: r.slo,
    objective: finite(r.objective),
    burn_rate: finite(r.burnRate),
    burn_rate_1h: finite(r.burnRate1h),
    budget_remaining: finite(r.budgetRemaining),
    period_seconds: finite(r.periodSeconds),
    data_seconds: finite(r.dataSeconds),
  }));
}
