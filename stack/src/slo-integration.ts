// What the stack takes from the SLO package: the Prometheus rule files, the local Alertmanager
// configuration, and each SLO's burn rate and remaining budget (ARCHITECTURE.md §4).

import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  generateFromSpecs,
  linksFromEnv,
  localAlertmanagerConfig,
  paths,
  readSloStatus as readFromPrometheus,
  readSpecSources,
  ruleFiles as sloRuleFiles,
} from '@gameday/slo';

/** Absolute paths of the checked-in rule files (generated SLO rules, infrastructure alerts). */
export function ruleFiles(root: string): string[] {
  return sloRuleFiles(root);
}

/**
 * The rule files the local stack's Prometheus loads: the SLO rules generated from slo/specs as
 * they are checked in, but with the period groups at the stack's own evaluation interval (5 s)
 * instead of 4m, so the budget, the period ratio and the long windows follow a local game day
 * within seconds (a local stack holds minutes of data: their sums cost nothing). Written under
 * `dir`; the infrastructure alerts are loaded from the repository.
 */
export function localRuleFiles(
  root: string,
  dir: string,
  intervalSeconds: number,
  env: NodeJS.ProcessEnv,
): string[] {
  const generated = generateFromSpecs(readSpecSources(root), {
    skipTests: true,
    periodInterval: `${intervalSeconds}s`,
    links: linksFromEnv(env),
  });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const file of generated.files) {
    if (!file.path.startsWith(`${paths.generatedRulesDir}/`) || !file.path.endsWith('.slo.rules.yml'))
      continue;
    const path = join(dir, file.path.slice(paths.generatedRulesDir.length + 1));
    writeFileSync(path, file.content);
    files.push(path);
  }
  const infrastructure = join(root, paths.infrastructureRules);
  return [...files.sort(), ...(existsSync(infrastructure) ? [infrastructure] : [])];
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
