// The home dashboard (uid overview): is anything wrong, and where? Every service's rate, errors and
// p99; every SLO's remaining budget and burn; what fires; chaos experiments as annotations.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { record, SEVERITY_LABEL, SLO_NAME_LABEL, SLO_SERVICE_LABEL } from '@gameday/slo';
import { HTTP_DURATION_METRIC as HTTP, SERVICE_JOB_LABEL } from '@gameday/telemetry/contract';
import { board } from '../board';
import { COLORS, PLAYER_ROUTES, RATE, SIZE } from '../defaults';
import { dashboardLink, type BoardInput } from '../model';
import { SLO_VARIABLE, UID } from '../naming';
import { link, prom, row, statPanel, tablePanel, timeseriesPanel } from '../panels';

export function overviewBoard(input: BoardInput): dashboard.DashboardBuilder {
  const jobs = `${SERVICE_JOB_LABEL}=~"${input.services.map((s) => s.name).join('|')}"`;
  const sel = `${jobs},${PLAYER_ROUTES}`;
  const byJob = `sum by (${SERVICE_JOB_LABEL})`;
  const toService = [
    { title: 'Open the ${__field.labels.job} dashboard', url: `/d/service-\${__field.labels.job}` },
  ];
  const toSlo = [
    {
      title: 'Open the SLO ${__field.labels.slo_service}/${__field.labels.slo_name}',
      url: `/d/slo-\${__field.labels.${SLO_SERVICE_LABEL}}?var-${SLO_VARIABLE}=\${__field.labels.${SLO_NAME_LABEL}}`,
    },
  ];
  const sloCount = input.slos.reduce((n, s) => n + s.slos.length, 0);

  const b = board({
    uid: UID.overview,
    title: 'gameday / overview',
    description: `Home: ${input.services.length} services and ${sloCount} SLOs at a glance. Click a series to open its service or SLO dashboard.`,
    tags: ['overview'],
  });
  for (const s of input.services) {
    b.link(link(s.name, dashboardLink(UID.service(s.name)), `${s.name}: ${s.description}`));
  }

  b.withRow(row('Now'))
    .withPanel(
      statPanel({
        title: 'Player requests/s',
        description: 'Every service’s player requests per second (the gateway’s are what players send).',
        w: SIZE.quarter,
        unit: 'reqps',
        graph: true,
        queries: [
          prom(`sum(rate(${HTTP}_count{${SERVICE_JOB_LABEL}="gateway",${PLAYER_ROUTES}}[${RATE}]))`, {
            legend: 'gateway',
          }),
        ],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Services up',
        description: 'Scrape targets of the services answering Prometheus, of all expected.',
        w: SIZE.quarter,
        thresholds: [{ value: input.services.length, color: COLORS.ok }],
        baseColor: COLORS.bad,
        queries: [prom(`sum(up{${jobs}})`, { legend: 'up' })],
      }),
    )
    .withPanel(
      statPanel({
        title: 'SLOs out of budget',
        description: 'SLOs whose error budget for the period is spent.',
        w: SIZE.quarter,
        thresholds: [{ value: 1, color: COLORS.bad }],
        queries: [
          prom(`count(${record.periodErrorBudgetRemaining} < 0) or vector(0)`, { legend: 'breached' }),
        ],
      }),
    )
    .withPanel(
      statPanel({
        title: 'SLOs burning fast',
        description: 'SLOs whose 5-minute burn rate is above 1 (spending the budget faster than it lasts).',
        w: SIZE.quarter,
        thresholds: [{ value: 1, color: COLORS.warn }],
        queries: [prom(`count(${record.currentBurnRate} > 1) or vector(0)`, { legend: 'burning' })],
      }),
    );

  b.withRow(row('Services'))
    .withPanel(
      timeseriesPanel({
        title: 'Requests/s by service',
        description: 'Player requests per second (probes and scrapes left out).',
        w: SIZE.third,
        unit: 'reqps',
        min: 0,
        dataLinks: toService,
        queries: [prom(`${byJob} (rate(${HTTP}_count{${sel}}[${RATE}]))`, { legend: '{{job}}' })],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Error ratio (5xx) by service',
        description: 'Share of player requests answered with a 5xx.',
        w: SIZE.third,
        unit: 'percentunit',
        min: 0,
        dataLinks: toService,
        queries: [
          prom(
            // A service without 5xx shows 0, not "no data".
            `(${byJob} (rate(${HTTP}_count{${sel},http_response_status_code=~"5.."}[${RATE}])) or ${byJob} (rate(${HTTP}_count{${sel}}[${RATE}])) * 0) / ${byJob} (rate(${HTTP}_count{${sel}}[${RATE}]))`,
            { legend: '{{job}}' },
          ),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'p99 latency by service',
        description: '99th percentile of player request duration.',
        w: SIZE.third,
        unit: 's',
        min: 0,
        dataLinks: toService,
        queries: [
          prom(
            `histogram_quantile(0.99, sum by (le, ${SERVICE_JOB_LABEL}) (rate(${HTTP}_bucket{${sel}}[${RATE}])))`,
            {
              legend: '{{job}}',
            },
          ),
        ],
      }),
    );

  b.withRow(row('SLOs'))
    .withPanel(
      tablePanel({
        title: 'Error budget remaining',
        description:
          'Every SLO’s remaining budget for its period and its burn rate now. Click a row to open the SLO.',
        w: SIZE.half,
        h: SIZE.tallHeight,
        dataLinks: toSlo,
        columns: {
          [SLO_SERVICE_LABEL]: 'service',
          [SLO_NAME_LABEL]: 'SLO',
          'Value #A': 'budget left',
          'Value #B': 'burn rate (5m)',
        },
        sortBy: 'burn rate (5m)',
        queries: [
          prom(`${record.periodErrorBudgetRemaining}`, { instant: true, format: 'table' }),
          prom(`${record.currentBurnRate}`, { instant: true, format: 'table' }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Burn rate by SLO (5m)',
        description: 'Current burn rate of every SLO: 1 spends the budget exactly over the period.',
        w: SIZE.half,
        h: SIZE.tallHeight,
        min: 0,
        unit: 'x',
        thresholds: [{ value: 1, color: COLORS.warn }],
        thresholdLines: true,
        baseColor: 'transparent',
        dataLinks: toSlo,
        queries: [prom(`${record.currentBurnRate}`, { legend: '{{slo_service}}/{{slo_name}}' })],
      }),
    );

  b.withRow(row('Alerts')).withPanel(
    tablePanel({
      title: 'Firing alerts',
      description: 'Alerts firing now (Prometheus ALERTS): critical pages, warning opens a ticket.',
      w: SIZE.full,
      columns: {
        alertname: 'alert',
        [SEVERITY_LABEL]: 'severity',
        [SLO_SERVICE_LABEL]: 'service',
        [SLO_NAME_LABEL]: 'SLO',
        job: 'job',
      },
      queries: [prom(`ALERTS{alertstate="firing"}`, { instant: true, format: 'table' })],
    }),
  );
  return b;
}
