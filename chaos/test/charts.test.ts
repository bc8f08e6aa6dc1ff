// Report charts: drawn from the journal alone, the same bytes every time (golden files), embedded in
// the Markdown report and the game day's SUMMARY.md, and checked again by `gameday chaos verify`.
// The fixture is the journal of a real run of chaos/experiments/09-casino-errors.yaml on the local
// stack (critical page fired, pager notified, SLI recovered). UPDATE_GOLDEN=1 rewrites the goldens.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chartSuffix, journalCharts, renderSvg, sloChartSpec, summaryChartSpec } from '../src/charts';
import type { Journal } from '../src/journal';
import { writeReport, writeSummary } from '../src/report';
import { verifyJournal } from '../src/run';

const fixtures = join(__dirname, 'fixtures');
const golden = join(__dirname, 'golden');
const journal = JSON.parse(readFileSync(join(fixtures, 'journal-casino-errors.json'), 'utf8')) as Journal;

function matchesGolden(name: string, actual: string): void {
  const file = join(golden, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(golden, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(existsSync(file)).toBe(true);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gameday-charts-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('report charts', () => {
  it('draw each target SLO from the journal, byte for byte the golden file', async () => {
    const charts = await journalCharts(journal);
    expect(charts.map((c) => c.suffix)).toEqual(journal.slos.map(chartSuffix));
    for (const c of charts) matchesGolden(`casino-errors.${c.suffix}`, c.svg);
  });

  it('show the injection window, the budget, the page and ticket thresholds, alerts, the pager and recovery', async () => {
    const slo = journal.slos.find((s) => s.id === 'casino/availability')!;
    const svg = (await journalCharts(journal)).find((c) => c.slo.id === slo.id)!.svg;
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('casino/availability: error ratio and burn rate');
    for (const text of [
      'page 14.4×',
      'page 6×',
      'ticket 3×',
      'ticket 1×',
      'page fired',
      'pager notified',
      'seconds since injection',
    ])
      expect(svg).toContain(text);
    expect(svg).toMatch(/recovered \(\d+ s\)/);
    expect(svg).toContain('#f2e6ff'); // the shaded injection window
    // A chart is data, not decoration: another journal draws another picture.
    const changed: Journal = {
      ...journal,
      samples: journal.samples.map((s) => ({ ...s, v: s.v === null ? null : s.v / 2 })),
    };
    expect(await renderSvg(sloChartSpec(changed, slo)!)).not.toBe(svg);
  });

  it('are written beside the report and embedded in it', async () => {
    const paths = await writeReport(dir, journal);
    expect(paths.charts.map((p) => basename(p))).toEqual(
      journal.slos.map((s) => `${basename(paths.json, '.json')}.${chartSuffix(s)}`),
    );
    const md = readFileSync(paths.markdown, 'utf8');
    for (const p of paths.charts) expect(md).toContain(`](${basename(p)})`);
    expect(md).toContain('## Charts');
  });

  it('`gameday chaos verify` renders them again and fails (exit 2) when one was edited', async () => {
    const paths = await writeReport(dir, journal);
    let out = '';
    let err = '';
    const io = { stdout: (s: string) => (out += s), stderr: (s: string) => (err += s) };
    expect(await verifyJournal(paths.json, io)).toBe(journal.verdict.exitCode);
    expect(out).toContain(`${paths.charts.length} chart(s) render the same`);
    writeFileSync(
      paths.charts[0]!,
      readFileSync(paths.charts[0]!, 'utf8').replace('error ratio', 'eror ratio'),
    );
    expect(await verifyJournal(paths.json, io)).toBe(2);
    expect(err).toContain(`${paths.charts[0]} differs from the chart the journal renders`);
  });

  it('the game day’s SUMMARY.md embeds the budget chart and every experiment’s charts', async () => {
    const report = await writeReport(dir, journal);
    const other: Journal = {
      ...journal,
      experiment: {
        ...journal.experiment,
        metadata: { ...journal.experiment.metadata, name: 'kill-accounts' },
      },
      verdict: { ...journal.verdict, status: 'passed', budgetConsumed: 0.0004, detectionSeconds: null },
    };
    const rows = [
      {
        experiment: 'casino-errors',
        verdict: journal.verdict,
        report: report.markdown,
        charts: report.charts,
      },
      { experiment: 'kill-accounts', verdict: other.verdict },
    ];
    const summary = await writeSummary(dir, 'Game day test', rows);
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('![budget consumed per experiment](SUMMARY.svg)');
    for (const c of report.charts) expect(md).toContain(`](${basename(c)})`);
    expect(readdirSync(dir)).toContain('SUMMARY.svg');
    matchesGolden('summary.svg', await renderSvg(summaryChartSpec(rows)));
  });

  it('a report is still written when the journal has no sample to draw', async () => {
    const empty: Journal = { ...journal, samples: [] };
    const paths = await writeReport(dir, empty);
    expect(paths.charts).toEqual([]);
    expect(readFileSync(paths.markdown, 'utf8')).not.toContain('## Charts');
    expect(JSON.parse(readFileSync(paths.json, 'utf8'))).toEqual(empty);
  });
});
