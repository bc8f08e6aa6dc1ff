// Pictures for the reports, rendered in Node from the journal alone (vega-lite → vega → SVG; no
// browser): per target SLO, the error ratio and the burn rate over the run, the injection window
// shaded, the page and ticket thresholds drawn, when alerts fired and the pager was notified, and
// when the SLI recovered. `gameday chaos verify` renders them again and compares byte for byte.
import {
  durationSeconds,
  loadWindows,
  SEVERITY_LABEL,
  SLO_NAME_LABEL,
  SLO_SERVICE_LABEL,
  type PeriodWindows,
} from '@gameday/slo';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Journal, SloRef } from './journal';
import type { SummaryRow } from './report';

const COLORS = {
  fault: '#f2e6ff',
  page: '#d62728',
  ticket: '#ff7f0e',
  notified: '#9467bd',
  recovered: '#2ca02c',
  line: ['#1f77b4', '#17becf'],
  budget: '#7f7f7f',
};

const CONFIG = {
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 10, titleFontSize: 11, grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 10, titleFontSize: 10, orient: 'right' },
  title: { fontSize: 13, subtitleFontSize: 11, anchor: 'start' },
} as const;

/** File-name part of one SLO's chart: `<journal base>.<service>-<slo>.svg`. */
export function chartSuffix(slo: SloRef): string {
  return `${slo.service}-${slo.name}.svg`.replace(/[^a-z0-9.-]/gi, '-');
}

function windowsFor(slo: SloRef): PeriodWindows | undefined {
  for (const w of loadWindows().values()) if (durationSeconds(w.period) === slo.periodSeconds) return w;
  return undefined;
}

interface Mark {
  s: number;
  label: string;
  kind: 'page' | 'ticket' | 'notified' | 'recovered';
}

/** Alert and recovery moments of one SLO, in seconds since injection. */
function marksOf(j: Journal, slo: SloRef, t0: number): Array<Mark & { color: string }> {
  const marks: Mark[] = [];
  const seen = new Set<string>();
  const ofSlo = (labels: Record<string, string>) =>
    labels[SLO_SERVICE_LABEL] === slo.service && labels[SLO_NAME_LABEL] === slo.name;
  for (const snap of j.alerts) {
    for (const a of snap.prometheus) {
      if (a.state !== 'firing' || !ofSlo(a.labels)) continue;
      const severity = a.labels[SEVERITY_LABEL] === 'critical' ? 'page' : 'ticket';
      if (seen.has(severity)) continue;
      seen.add(severity);
      marks.push({ s: snap.t - t0, label: `${severity} fired`, kind: severity });
    }
  }
  const notified = j.notifications.find(
    (n) => n.status === 'firing' && n.alerts.some((a) => ofSlo(a.labels)),
  );
  if (notified) {
    marks.push({
      s: Date.parse(notified.received_at) / 1000 - t0,
      label: `${notified.receiver} notified`,
      kind: 'notified',
    });
  }
  const v = j.verdict;
  if (v.recoverySeconds !== null && j.timeline.removedAt !== undefined) {
    marks.push({
      s: j.timeline.removedAt + v.recoverySeconds - t0,
      label: `recovered (${Math.round(v.recoverySeconds)} s)`,
      kind: 'recovered',
    });
  }
  return marks.map((m) => ({ ...m, s: round(m.s), color: COLORS[m.kind] }));
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** The vega-lite spec of one SLO's chart; null when the journal has no sample of it. */
export function sloChartSpec(j: Journal, slo: SloRef): TopLevelSpec | null {
  const t0 = j.timeline.injectedAt ?? j.timeline.startedAt;
  const end = j.timeline.removedAt ?? j.timeline.endedAt;
  const queries = j.queries.filter(
    (q) => q.slo === slo.id && (q.purpose === 'burn' || q.purpose === 'recovery'),
  );
  const points: Array<{ s: number; series: string; ratio: number; burn: number }> = [];
  for (const q of queries) {
    const series = `${q.purpose === 'burn' ? 'burn window' : 'recovery window'} (${q.windowSeconds} s)`;
    for (const smp of j.samples) {
      if (smp.q !== q.id || smp.v === null) continue;
      points.push({ s: round(smp.t - t0), series, ratio: smp.v, burn: round(smp.v / slo.budget) });
    }
  }
  if (points.length === 0) return null;
  const windows = windowsFor(slo);
  const thresholds = windows
    ? [
        ...[...new Set(windows.page.map((w) => w.factor))].map((f) => ({
          factor: f,
          color: COLORS.page,
          label: `page ${f}×`,
        })),
        ...[...new Set(windows.ticket.map((w) => w.factor))].map((f) => ({
          factor: f,
          color: COLORS.ticket,
          label: `ticket ${f}×`,
        })),
      ]
    : [];
  const marks = marksOf(j, slo, t0);
  const fault = [{ from: 0, to: round(end - t0) }];
  const x = { field: 's', type: 'quantitative', title: 'seconds since injection' } as const;
  const faultLayer = {
    data: { values: fault },
    mark: { type: 'rect', color: COLORS.fault },
    encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
  } as const;
  // Colours straight from the data (scale: null), on stroke and fill: the lines keep `color` to themselves.
  const markColor = { field: 'color', type: 'nominal', legend: null, scale: null } as const;
  const markLayers = marks.length
    ? [
        {
          data: { values: marks },
          mark: { type: 'rule', strokeWidth: 1.5 },
          encoding: { x: { field: 's', type: 'quantitative' }, stroke: markColor },
        },
        {
          data: { values: marks },
          mark: { type: 'text', angle: 270, align: 'right', baseline: 'bottom', dx: -4, dy: -2, fontSize: 9 },
          encoding: {
            x: { field: 's', type: 'quantitative' },
            y: { value: 0 },
            text: { field: 'label' },
            fill: markColor,
          },
        },
      ]
    : [];
  const seriesColor = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { range: COLORS.line },
    legend: { orient: 'top', direction: 'horizontal', labelLimit: 400 },
  } as const;

  /** One series per window (burn, recovery) over the run, as steps between samples. */
  const line = (y: Record<string, unknown>) => ({
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
    encoding: { x, y, color: seriesColor },
  });

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: `${slo.id}: error ratio and burn rate`,
      subtitle: `${j.experiment.metadata.name}: ${j.experiment.spec.fault.type} on ${j.experiment.spec.target.service}, shaded while injected; verdict ${j.verdict.status}`,
    },
    config: CONFIG,
    data: { values: points },
    vconcat: [
      {
        width: 560,
        height: 130,
        layer: [
          faultLayer,
          line({ field: 'ratio', type: 'quantitative', title: 'error ratio', axis: { format: '.1%' } }),
          {
            data: {
              values: [{ budget: slo.budget }],
            },
            mark: { type: 'rule', strokeDash: [4, 3], color: COLORS.budget },
            encoding: { y: { field: 'budget', type: 'quantitative' } },
          },
          ...markLayers,
        ],
      },
      {
        width: 560,
        height: 150,
        layer: [
          faultLayer,
          line({ field: 'burn', type: 'quantitative', title: 'burn rate (×)', scale: { type: 'symlog' } }),
          ...(thresholds.length
            ? [
                {
                  data: { values: thresholds },
                  mark: { type: 'rule', strokeDash: [6, 4] },
                  encoding: {
                    y: { field: 'factor', type: 'quantitative' },
                    stroke: markColor,
                  },
                },
                {
                  data: { values: thresholds },
                  mark: { type: 'text', align: 'left', dx: 3, dy: -5, fontSize: 9 },
                  encoding: {
                    x: { value: 0 },
                    y: { field: 'factor', type: 'quantitative' },
                    text: { field: 'label' },
                    fill: markColor,
                  },
                },
              ]
            : []),
          ...markLayers,
        ],
      },
    ],
  } as TopLevelSpec;
}

/** The game day at a glance: budget consumed per experiment, coloured by verdict. */
export function summaryChartSpec(rows: SummaryRow[]): TopLevelSpec {
  const values = rows.map((r) => ({
    experiment: r.experiment,
    verdict: r.verdict.status,
    budget: r.verdict.budgetConsumed ?? 0,
    label: `${r.verdict.status}${r.verdict.detectionSeconds !== null ? `, detected in ${Math.round(r.verdict.detectionSeconds)} s` : ''}${r.verdict.recoverySeconds !== null ? `, recovered in ${Math.round(r.verdict.recoverySeconds)} s` : ''}`,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: 'Game day: error budget consumed per experiment',
      subtitle: 'share of the target SLO’s period budget; colour: verdict',
    },
    config: CONFIG,
    data: { values },
    width: 420,
    height: { step: 22 },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'experiment', type: 'nominal', sort: null, title: null },
          // Room on the right for each bar's label.
          x: {
            field: 'budget',
            type: 'quantitative',
            title: 'budget consumed',
            axis: { format: '.2%' },
            scale: { domain: [0, Math.max(0.0001, ...values.map((v) => v.budget)) * 2] },
          },
          color: {
            field: 'verdict',
            type: 'nominal',
            scale: {
              domain: ['passed', 'failed', 'refused', 'error', 'interrupted'],
              range: ['#2ca02c', '#d62728', '#ff7f0e', '#7f7f7f', '#bcbd22'],
            },
            legend: { orient: 'bottom', direction: 'horizontal' },
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 9 },
        encoding: {
          y: { field: 'experiment', type: 'nominal', sort: null },
          x: { field: 'budget', type: 'quantitative' },
          text: { field: 'label' },
        },
      },
    ],
  } as TopLevelSpec;
}

/** vega-lite → SVG, deterministic (no canvas, no clock, no locale-dependent formats). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', logLevel: vega.Warn });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}

/** Every SLO chart of a journal: file suffix and SVG. */
export async function journalCharts(
  j: Journal,
): Promise<Array<{ suffix: string; slo: SloRef; svg: string }>> {
  const out: Array<{ suffix: string; slo: SloRef; svg: string }> = [];
  for (const slo of j.slos) {
    const spec = sloChartSpec(j, slo);
    if (spec) out.push({ suffix: chartSuffix(slo), slo, svg: await renderSvg(spec) });
  }
  return out;
}
