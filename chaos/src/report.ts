// Reports: the JSON evidence journal and a Markdown page for people, written side by side; and the
// game-day summary table.

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { journalCharts, renderSvg, summaryChartSpec } from './charts';
import { formatSeconds } from './duration';
import type { Journal, Verdict } from './journal';

const iso = (t: number | undefined) => (t === undefined ? '—' : new Date(t * 1000).toISOString());
const pct = (r: number | null) => (r === null ? 'n/a' : `${(r * 100).toFixed(r < 0.001 ? 4 : 2)}%`);
const secs = (s: number | null) => (s === null ? 'n/a' : formatSeconds(s));

/** `charts`: file names (beside the report) of the SLO charts, embedded after the summary table. */
export function markdownReport(j: Journal, charts: Array<{ slo: string; file: string }> = []): string {
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
    ...(charts.length
      ? [
          '## Charts',
          '',
          'Error ratio and burn rate of each target SLO over the run, from the samples in the journal. Shaded: the fault was injected. Dashed: the error budget, and the page and ticket burn-rate thresholds. Vertical lines: alerts fired, the pager notified, the SLI recovered.',
          '',
          ...charts.flatMap((c) => [`![${c.slo}](${c.file})`, '']),
        ]
      : []),
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

/** Writes <dir>/<started>-<name>.json, .md and one .<service>-<slo>.svg per target SLO; returns the paths. */
export async function writeReport(
  dir: string,
  journal: Journal,
): Promise<{ json: string; markdown: string; charts: string[] }> {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date(journal.timeline.startedAt * 1000).toISOString().replace(/[:.]/g, '-');
  const base = join(dir, `${stamp}-${journal.experiment.metadata.name}`);
  writeFileSync(`${base}.json`, JSON.stringify(journal, null, 1) + '\n');
  const charts: Array<{ slo: string; file: string }> = [];
  let chartError: string | undefined;
  try {
    for (const c of await journalCharts(journal)) {
      writeFileSync(`${base}.${c.suffix}`, c.svg);
      charts.push({ slo: c.slo.id, file: `${base}.${c.suffix}` });
    }
  } catch (err) {
    // The evidence is written already; a chart that cannot be drawn costs only the picture.
    chartError = (err as Error).message;
  }
  const md = markdownReport(
    journal,
    charts.map((c) => ({ slo: c.slo, file: basename(c.file) })),
  );
  writeFileSync(
    `${base}.md`,
    chartError ? md.replace('## Checks', `_The charts could not be drawn: ${chartError}_\n\n## Checks`) : md,
  );
  return { json: `${base}.json`, markdown: `${base}.md`, charts: charts.map((c) => c.file) };
}

/**
 * The game day's SUMMARY.md: the table, a chart of the budget each experiment consumed, and each
 * experiment's SLO charts. Chart paths are relative to `dir`.
 */
export async function writeSummary(dir: string, title: string, rows: SummaryRow[]): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'SUMMARY.svg'), await renderSvg(summaryChartSpec(rows)));
  const sections = rows.flatMap((r) => {
    const files = r.charts ?? [];
    return files.length
      ? [`### ${r.experiment}`, '', ...files.flatMap((f) => [`![${r.experiment}](${basename(f)})`, ''])]
      : [];
  });
  const text = [
    `# ${title}`,
    '',
    summaryTable(rows),
    '![budget consumed per experiment](SUMMARY.svg)',
    '',
    ...(sections.length ? ['## Charts', '', ...sections] : []),
  ].join('\n');
  const path = join(dir, 'SUMMARY.md');
  writeFileSync(path, text);
  return path;
}

export interface SummaryRow {
  experiment: string;
  verdict: Verdict;
  report?: string;
  /** The report's SLO charts (paths). */
  charts?: string[];
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
