// What the stack takes from the SLO package (@gameday/slo): the Prometheus rule files, the local
// Alertmanager configuration, and each SLO's burn rate and remaining budget. The package is loaded at
// run time and each export is optional: the stack falls back to the checked-in file layout
// (alerts/generated/*.yml, alerts/*.rules.yml, alerts/alertmanager.local.yml) and to querying the
// sloth-compatible recording rules itself (DESIGN §4).

import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

interface SloModule {
  ruleFiles?: (root: string) => string[] | Promise<string[]>;
  alertmanagerConfigPath?: (root: string) => string;
  readSloStatus?: (prometheusUrl: string) => Promise<unknown>;
}

function loadSloModule(): SloModule {
  try {
    return createRequire(__filename)('@gameday/slo') as SloModule;
  } catch {
    return {};
  }
}

function listFiles(dir: string, test: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(test)
    .sort()
    .map((f) => join(dir, f));
}

/** Absolute paths of the rule files Prometheus loads. */
export async function ruleFiles(root: string): Promise<string[]> {
  const slo = loadSloModule();
  if (typeof slo.ruleFiles === 'function') {
    const files = await slo.ruleFiles(root);
    if (Array.isArray(files)) return files.map((f) => (f.startsWith('/') ? f : join(root, f)));
  }
  return [
    ...listFiles(join(root, 'alerts', 'generated'), (f) => /\.ya?ml$/.test(f)),
    ...listFiles(join(root, 'alerts'), (f) => /\.rules\.ya?ml$/.test(f)),
  ];
}

/** The checked-in Alertmanager configuration for local runs, when there is one. */
export function alertmanagerConfigPath(root: string): string | undefined {
  const slo = loadSloModule();
  const file =
    typeof slo.alertmanagerConfigPath === 'function'
      ? slo.alertmanagerConfigPath(root)
      : join(root, 'alerts', 'alertmanager.local.yml');
  return existsSync(file) ? file : undefined;
}

export interface SloStatus {
  service: string;
  slo: string;
  burnRate: number | undefined;
  budgetRemaining: number | undefined;
}

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

async function instantQuery(prometheusUrl: string, query: string): Promise<VectorSample[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`, {
    signal: AbortSignal.timeout(3_000),
  });
  if (!res.ok) throw new Error(`Prometheus answered ${res.status} to ${query}`);
  const body = (await res.json()) as { data?: { result?: VectorSample[] } };
  return body.data?.result ?? [];
}

function asNumber(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Each SLO's current burn rate and remaining period budget. Uses the SLO package's reader when it
 * has one, else the recording rules `slo:current_burn_rate:ratio` and
 * `slo:period_error_budget_remaining:ratio`. An empty list means "no data yet".
 */
export async function readSloStatus(prometheusUrl: string): Promise<SloStatus[]> {
  const slo = loadSloModule();
  if (typeof slo.readSloStatus === 'function') {
    const result = await slo.readSloStatus(prometheusUrl);
    if (Array.isArray(result)) {
      return result.map((r: Record<string, unknown>) => ({
        service: String(r.service ?? r.slo_service ?? r.sloService ?? '?'),
        slo: String(r.slo ?? r.name ?? r.slo_name ?? r.sloName ?? '?'),
        burnRate: asNumber(r.burnRate ?? r.burn_rate ?? r.currentBurnRate),
        budgetRemaining: asNumber(r.budgetRemaining ?? r.budget_remaining ?? r.errorBudgetRemaining),
      }));
    }
  }
  const [burn, budget] = await Promise.all([
    instantQuery(prometheusUrl, 'slo:current_burn_rate:ratio'),
    instantQuery(prometheusUrl, 'slo:period_error_budget_remaining:ratio'),
  ]);
  const rows = new Map<string, SloStatus>();
  const row = (m: Record<string, string>) => {
    const key = `${m.slo_service}/${m.slo_name}`;
    let r = rows.get(key);
    if (!r) {
      r = {
        service: m.slo_service ?? '?',
        slo: m.slo_name ?? '?',
        burnRate: undefined,
        budgetRemaining: undefined,
      };
      rows.set(key, r);
    }
    return r;
  };
  for (const s of burn) row(s.metric).burnRate = asNumber(s.value[1]);
  for (const s of budget) row(s.metric).budgetRemaining = asNumber(s.value[1]);
  return [...rows.values()].sort((a, b) => `${a.service}/${a.slo}`.localeCompare(`${b.service}/${b.slo}`));
}
