// Reports: the JSON evidence journal and a Markdown page for people, written side by side; and the
// game-day summary table.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSeconds } from './duration';
import type { Journal, Verdict } from './journal';

const iso = (t: number | undefined) => (t === undefined ? '—' : new Date(t * 1000).toISOString());
const pct = (r: number | null) => (r === null ? 'n/a' : `${(r * 100).toFixed(r < 0.001 ? 4 : 2)}%`);
const secs = (s: number | null) => (s === null ? 'n/a' : formatSeconds(s));

export function markdownReport(j: Journal): string {
  const v = j.verdict;
  const e = j.experiment;
  const lines = [
    `# Chaos experiment ${e.metadata.name}: ${v.status.toUpperCase()}`,
    '',
    e.metadata.description ? `${e.metadata.description.trim()}\n` : '',
    `**Verdict:** ${v.summary} (exit ${v.exitCode})`,
    '',
    '| | |',
    '|---|---|',
    `| spec | \`${j.file}\` |`,
    `| run id | \`${j.runId}\` |`,
    `| engine | ${j.engine} |`,
    `| fault | ${e.spec.fault.type} on ${e.spec.target.service} for ${formatSeconds(e.spec.duration)} |`,
    `| SLOs | ${j.slos.map((s) => `${s.id} (${(s.objective * 100).toFixed(3).replace(/\.?0+$/, '')}%)`).join(', ')} |`,
    `| started | ${iso(j.timeline.startedAt)} |`,
    `| injected | ${iso(j.timeline.injectedAt)} |`,
    `| removed | ${iso(j.timeline.removedAt)} |`,
    `| ended | ${iso(j.timeline.endedAt)} |`,
    `| budget consumed | ${pct(v.budgetConsumed)} of the period's error budget |`,
    `| max burn rate | ${v.maxBurnRate === null ? 'n/a' : `${v.maxBurnRate.toFixed(2)}×`} |`,
    `| detection time | ${secs(v.detectionSeconds)} |`,
    `| recovery time | ${secs(v.recoverySeconds)} |`,
    `| alerts that started firing | ${v.alertsFired.length ? v.alertsFired.map((a) => `\`${a}\``).join(', ') : 'none'} |`,
    '',
    '## Checks',
    '',
    '| check | SLO | expected | observed | result |',
    '|---|---|---|---|---|',
    ...v.checks.map(
      (c) =>
        `| ${c.name} | ${c.slo ?? ''} | ${c.expected} | ${c.observed} | ${c.passed ? 'pass' : '**FAIL**'} |`,
    ),
    ...(v.checks.length === 0 ? ['| — | | | | |'] : []),
    '',
    ...exampleTraces(j),
    '## Timeline',
    '',
    ...j.events.map((ev) => `- ${iso(ev.t)} **${ev.phase}** ${ev.message}`),
    '',
    '## Queries',
    '',
    'Every sample is in the JSON journal beside this file; `gameday chaos verify <journal>.json` recomputes the verdict from it.',
    '',
    ...j.queries.map(
      (q) =>
        `- \`${q.id}\` (${formatSeconds(q.windowSeconds)} window):\n\n  \`\`\`promql\n  ${q.promql.replace(/\n/g, '\n  ')}\n  \`\`\``,
    ),
    '',
  ];
  return lines.join('\n');
}

/** What players saw: up to three traces of the target while the fault was on, as waterfalls. */
function exampleTraces(j: Journal): string[] {
  if (j.exampleTraces === undefined && j.exampleTracesError === undefined) return [];
  const out = ['## Example traces', ''];
  if (j.exampleTracesError) out.push(`The trace backend did not answer: ${j.exampleTracesError}`, '');
  else if (!j.exampleTraces?.length)
    out.push(
      `No failed or slow trace of ${j.experiment.spec.target.service} was sampled while the fault was on.`,
      '',
    );
  for (const t of j.exampleTraces ?? []) {
    out.push(
      `### \`${t.traceId}\` (${t.reason === 'error' ? 'failed' : 'slow'})`,
      '',
      `${t.summary}. Open it with \`npx gameday trace ${t.traceId}\` (or ${t.url}) while the trace backend keeps it.`,
      '',
      '```text',
      t.waterfall.trimEnd(),
      '```',
      '',
    );
  }
  return out;
}

/** Writes <dir>/<started>-<name>.json and .md; returns both paths. */
export function writeReport(dir: string, journal: Journal): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date(journal.timeline.startedAt * 1000).toISOString().replace(/[:.]/g, '-');
  const base = join(dir, `${stamp}-${journal.experiment.metadata.name}`);
  writeFileSync(`${base}.json`, JSON.stringify(journal, null, 1) + '\n');
  writeFileSync(`${base}.md`, markdownReport(journal));
  return { json: `${base}.json`, markdown: `${base}.md` };
}

export interface SummaryRow {
  experiment: string;
  verdict: Verdict;
  report?: string;
}

/** The game-day table: experiment, verdict, budget consumed, detection, recovery, alerts fired. */
export function summaryTable(rows: SummaryRow[]): string {
  const header = '| experiment | verdict | budget consumed | detection | recovery | alerts fired | report |';
  const lines = [header, '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const v = r.verdict;
    lines.push(
      `| ${r.experiment} | ${v.status === 'passed' ? 'passed' : `${v.status}: ${v.summary.replace(/^(hypothesis failed|refused to start|could not run): /, '').replace(/\|/g, '\\|')}`} | ${pct(v.budgetConsumed)} | ${secs(v.detectionSeconds)} | ${secs(v.recoverySeconds)} | ${v.alertsFired.join(', ') || 'none'} | ${r.report ?? ''} |`,
    );
  }
  return lines.join('\n') + '\n';
}
