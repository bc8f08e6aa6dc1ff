// The status the stack prints: a table of components with their scrape-target health, and each
// SLO's burn rate and remaining budget, both read from Prometheus.

import { formatBudget } from '@gameday/slo';
import type { SloRow } from './slo-integration';
import { stateFileIn } from './state-file';
import type { ComponentRecord, StackState } from './state-file';

export interface TargetHealth {
  health: string;
  last_error: string;
  last_scrape: string;
}

interface ActiveTarget {
  labels: { job: string };
  health: string;
  lastError: string;
  lastScrape: string;
}

/** Scrape-target health by job from Prometheus's /api/v1/targets (the worst target of each job). */
export async function readTargets(prometheusUrl: string): Promise<Record<string, TargetHealth>> {
  const res = await fetch(`${prometheusUrl}/api/v1/targets?state=active`, {
    signal: AbortSignal.timeout(3_000),
  });
  if (!res.ok) throw new Error(`GET ${prometheusUrl}/api/v1/targets answered ${res.status}`);
  const body = (await res.json()) as { data: { activeTargets: ActiveTarget[] } };
  const rank = (h: string) => (h === 'down' ? 2 : h === 'unknown' ? 1 : 0);
  const out: Record<string, TargetHealth> = {};
  for (const t of body.data.activeTargets) {
    const prev = out[t.labels.job];
    if (!prev || rank(t.health) > rank(prev.health)) {
      out[t.labels.job] = { health: t.health, last_error: t.lastError, last_scrape: t.lastScrape };
    }
  }
  return out;
}

/** A table with left-aligned columns; no dependency for twenty lines of padding. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

const percent = (v: number | null, digits = 1) =>
  v === null ? 'no data yet' : `${(v * 100).toFixed(digits)}%`;
const burn = (v: number | null) => (v === null ? 'no data yet' : `${v.toFixed(2)}×`);
const budget = (s: SloRow) =>
  s.budget_remaining === null
    ? 'no data yet'
    : formatBudget(s.budget_remaining, s.data_seconds ?? NaN, s.period_seconds ?? NaN);

export function renderSlos(slos: SloRow[]): string {
  if (slos.length === 0) {
    return 'SLOs: no data yet (Prometheus has not evaluated the SLO recording rules; are alerts/generated/*.slo.rules.yml there?)';
  }
  return renderTable(
    ['slo', 'objective', 'burn 5m', 'burn 1h', 'budget left'],
    slos.map((s) => [
      `${s.service}/${s.slo}`,
      percent(s.objective, 2),
      burn(s.burn_rate),
      burn(s.burn_rate_1h),
      budget(s),
    ]),
  );
}

function componentRow(c: ComponentRecord): string[] {
  const state = c.reason && c.state !== 'ready' ? `${c.state} (${c.reason})` : c.state;
  return [
    c.name,
    c.kind,
    c.pid === null ? '–' : String(c.pid),
    c.url ?? '–',
    c.restarts > 0 ? String(c.restarts) : c.kind === 'supervisor' ? '–' : '0',
    c.scrape ?? '–',
    state,
  ];
}

export function renderStatus(state: StackState): string {
  const components = renderTable(
    ['component', 'kind', 'pid', 'url', 'restarts', 'scrape', 'state'],
    state.components.map(componentRow),
  );
  const slos = renderSlos(state.slos);
  return [
    components,
    '',
    slos,
    '',
    `Prometheus    ${state.prometheus.url}/targets`,
    `Alertmanager  ${state.alertmanager.url}`,
    ...(state.traces
      ? [
          `Traces        ${state.traces.url} (Jaeger query API; OTLP in ${state.traces.otlp})   npx gameday trace <trace_id>`,
        ]
      : []),
    ...(state.logs
      ? [`Logs          ${state.logs.url} (VictoriaLogs, LogsQL)   npx gameday logs --since 10m`]
      : []),
    `Alerts        ${state.stack.alerts}   metrics ${state.stack.metrics}`,
    `State         ${stateFileIn(state.home)}   logs ${state.home}/logs/`,
  ].join('\n');
}

/** One line for the periodic re-print: name:state, restarts and scrape health only where notable. */
export function renderCompact(state: StackState): string {
  const parts = state.components
    .filter((c) => c.state !== 'skipped')
    .map((c) => {
      const notes = [
        c.restarts > 0 ? `${c.restarts}↻` : '',
        c.scrape && c.scrape !== 'up' ? `scrape ${c.scrape}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      return `${c.name} ${c.state}${notes ? ` (${notes})` : ''}`;
    });
  const slos = state.slos.length
    ? state.slos.map((s) => `${s.service}/${s.slo} burn ${burn(s.burn_rate)} budget ${budget(s)}`)
    : ['SLOs: no data yet'];
  return [parts.join(' · '), slos.join(' · ')].join('\n        ');
}
