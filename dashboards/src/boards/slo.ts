// One SLO dashboard per service (uid slo-<service>, variable slo_name): exactly what every
// SLOErrorBudgetBurn alert's dashboard_url opens. From Sloth's view: SLI and burn rate per alert
// window, budget remaining over the period. From Pyrra's: the page and ticket thresholds drawn on the
// burn rates, the objective and budget side by side, and the alert's own state over time.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  ALERT_NAME,
  record,
  runbookUrl,
  SEVERITY_LABEL,
  SLO_NAME_LABEL,
  SLO_SERVICE_LABEL,
  sliWindows,
  type AlertWindow,
  type Period,
  type Slo,
} from '@gameday/slo';
import { board } from '../board';
import { COLORS, SIZE } from '../defaults';
import { dashboardLink, slosOf, type BoardInput } from '../model';
import { SLO_VARIABLE, UID } from '../naming';
import {
  link,
  prom,
  row,
  stateTimelinePanel,
  statPanel,
  textPanel,
  timeseriesPanel,
  valueText,
} from '../panels';

export function sloBoard(input: BoardInput, service: string): dashboard.DashboardBuilder {
  const slos = slosOf(input, service);
  if (slos.length === 0) throw new Error(`service "${service}" has no SLO: no SLO dashboard to generate`);
  const sel = `${SLO_SERVICE_LABEL}="${service}",${SLO_NAME_LABEL}="$${SLO_VARIABLE}"`;
  const periods = [...new Set(slos.map((s) => s.period))];

  const b = board({
    uid: UID.slo(service),
    title: `gameday / SLO / ${service}`,
    description: `Error budgets of ${service}: SLI, burn rate per alert window with the page and ticket thresholds, budget remaining and alert state. Every SLOErrorBudgetBurn alert of ${service} links here with its SLO selected.`,
    tags: ['slo', service],
  })
    .withVariable(
      new dashboard.CustomVariableBuilder(SLO_VARIABLE)
        .label('SLO')
        .description(`The SLOs of ${service} (slo/specs/${service}.yaml)`)
        .values(slos.map((s) => s.name).join(','))
        .multi(false)
        .includeAll(false)
        .current({ text: slos[0]!.name, value: slos[0]!.name, selected: true }),
    )
    .link(
      link(
        `Service ${service}`,
        dashboardLink(UID.service(service)),
        `RED, runtime, dependencies and logs of ${service}`,
      ),
    );

  const periodSli = periods.map((p) => `${record.sliError(p)}{${sel}}`).join(' or ');
  b.withRow(row(`$${SLO_VARIABLE}`))
    .withPanel(
      statPanel({
        title: 'Objective',
        description: 'The share of good events the SLO promises over its period.',
        w: SIZE.sixth,
        unit: 'percentunit',
        decimals: 3,
        baseColor: COLORS.info,
        queries: [prom(`${record.objective}{${sel}}`, { legend: 'objective' })],
      }),
    )
    .withPanel(
      statPanel({
        title: 'SLI over the period',
        description: 'The share of good events over the SLO period so far (compare with the objective).',
        w: SIZE.sixth,
        unit: 'percentunit',
        decimals: 3,
        queries: [prom(`1 - (${periodSli})`, { legend: 'SLI' })],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Error budget remaining',
        description:
          'Share of the period’s error budget left: 100% untouched, 0 spent, below 0 the SLO is breached.',
        w: SIZE.sixth,
        unit: 'percentunit',
        decimals: 1,
        background: true,
        baseColor: COLORS.bad,
        thresholds: [
          { value: 0, color: COLORS.warn },
          { value: 0.25, color: COLORS.ok },
        ],
        queries: [prom(`${record.periodErrorBudgetRemaining}{${sel}}`, { legend: 'remaining' })],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Burn rate now (5m)',
        description: '1 spends exactly the budget over the period; above the page factor it pages.',
        w: SIZE.sixth,
        decimals: 2,
        unit: 'x',
        thresholds: burnThresholds(input, periods[0]!),
        queries: [prom(`${record.currentBurnRate}{${sel}}`, { legend: 'burn rate' })],
        graph: true,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Burn rate over the period',
        description: 'Average burn rate since the period began: above 1 the SLO will not be met.',
        w: SIZE.sixth,
        decimals: 2,
        unit: 'x',
        thresholds: [{ value: 1, color: COLORS.bad }],
        queries: [prom(`${record.periodBurnRate}{${sel}}`, { legend: 'period burn rate' })],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Error budget',
        description: 'The share of events allowed to be bad over the period (1 − objective).',
        w: SIZE.sixth,
        unit: 'percentunit',
        decimals: 3,
        baseColor: COLORS.info,
        queries: [prom(`${record.errorBudget}{${sel}}`, { legend: 'budget' })],
      }),
    );

  const windows = [...new Set(periods.flatMap((p) => sliWindows(input.windows.get(p)!)))].filter(
    (w) => !periods.includes(w as Period),
  );
  b.withPanel(
    timeseriesPanel({
      title: 'SLI error ratio over the alert windows',
      description:
        'Share of bad events over each window the alerts look at; the dashed line is the error budget. Short windows react, long windows confirm.',
      w: SIZE.full,
      unit: 'percentunit',
      min: 0,
      legendCalcs: ['lastNotNull', 'max'],
      queries: [
        ...windows.map((w) => prom(`${record.sliError(w)}{${sel}}`, { legend: w })),
        prom(`${record.errorBudget}{${sel}}`, { legend: 'error budget' }),
      ],
    }),
  );

  for (const period of periods) {
    const pw = input.windows.get(period)!;
    const suffix = periods.length > 1 ? ` (${period} SLOs)` : '';
    for (const [kind, list, color] of [
      ['page', pw.page, COLORS.page],
      ['ticket', pw.ticket, COLORS.ticket],
    ] as const) {
      b.withPanel(
        timeseriesPanel({
          title: `Burn rate, ${kind} windows${suffix}`,
          description:
            `Burn rate over each window of the ${kind === 'page' ? 'critical (paging)' : 'warning (ticket)'} alerts. ` +
            `An alert fires when both windows of a pair are above their factor (dashed): ${describePairs(list)}.`,
          w: SIZE.half,
          unit: 'x',
          min: 0,
          thresholds: [...new Set(list.map((w) => w.factor))]
            .sort((a, c) => a - c)
            .map((f) => ({ value: f, color })),
          baseColor: 'transparent',
          thresholdLines: true,
          queries: [...new Set(list.flatMap((w) => [w.shortWindow, w.longWindow]))].map((w) =>
            prom(
              `${record.sliError(w)}{${sel}} / on(${SLO_SERVICE_LABEL}, ${SLO_NAME_LABEL}) ${record.errorBudget}{${sel}}`,
              { legend: w },
            ),
          ),
        }),
      );
    }
  }

  b.withPanel(
    timeseriesPanel({
      title: 'Error budget remaining over the period',
      description: 'How the budget was spent: steps down are incidents, a slope is a steady leak.',
      w: SIZE.half,
      unit: 'percentunit',
      thresholds: [
        { value: 0, color: COLORS.warn },
        { value: 0.25, color: COLORS.ok },
      ],
      baseColor: COLORS.bad,
      thresholdLines: true,
      queries: [prom(`${record.periodErrorBudgetRemaining}{${sel}}`, { legend: 'remaining' })],
    }),
  ).withPanel(
    stateTimelinePanel({
      title: 'Alert state',
      description: `${ALERT_NAME} for this SLO: pending, then firing; critical pages, warning opens a ticket.`,
      w: SIZE.half,
      queries: [
        prom(`max by (${SEVERITY_LABEL}, alertstate) (ALERTS{alertname="${ALERT_NAME}",${sel}})`, {
          legend: `{{${SEVERITY_LABEL}}} {{alertstate}}`,
        }),
      ],
      mappings: valueText([{ value: '1', text: 'active', color: COLORS.bad }]),
    }),
  );

  b.withRow(row(`SLOs of ${service}`)).withPanel(
    textPanel({
      title: 'SLO catalogue',
      description: `Every SLO of ${service}, from slo/specs/${service}.yaml.`,
      h: 3 + slos.length * 1,
      markdown: catalogue(input, slos),
    }),
  );
  return b;
}

/** Colours of a burn rate: orange from the slowest ticket factor, red from the fastest page factor. */
function burnThresholds(input: BoardInput, period: Period) {
  const w = input.windows.get(period)!;
  return [
    { value: Math.min(...w.ticket.map((t) => t.factor)), color: COLORS.ticket },
    { value: Math.max(...w.page.map((p) => p.factor)), color: COLORS.page },
  ];
}

function describePairs(list: AlertWindow[]): string {
  return list.map((w) => `${w.shortWindow} and ${w.longWindow} above ${w.factor}`).join('; ');
}

function catalogue(input: BoardInput, slos: Slo[]): string {
  const lines = [
    '| SLO | objective | period | what it promises | runbook |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const s of slos) {
    const url = runbookUrl(s, { runbookBaseUrl: input.runbookBaseUrl, grafanaUrl: '' });
    lines.push(
      `| [${s.name}](${dashboardLink(UID.slo(s.service), { [SLO_VARIABLE]: s.name })}) | ${s.objective}% | ${s.period} | ${s.description.replace(/\|/g, '\\|')} | [runbook](${url}) |`,
    );
  }
  return lines.join('\n');
}
