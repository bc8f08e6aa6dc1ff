// One dashboard per service (uid service-<service>): RED by route, runtime, dependencies, traces
// and logs — what on-call opens after the SLO dashboard says which service burns.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  EXEMPLAR_TRACE_LABEL,
  HTTP_DURATION_METRIC as HTTP,
  HTTP_LABELS,
  LOG_SERVICE_LABEL,
  METRICS,
  RUNTIME_METRICS,
  SERVICE_JOB_LABEL,
  type ServiceEntry,
} from '@gameday/telemetry/contract';
import { board } from '../board';
import { COLORS, PLAYER_ROUTES, RATE, SIZE } from '../defaults';
import { dashboardLink, slosOf, type BoardInput } from '../model';
import { SLO_VARIABLE, UID } from '../naming';
import {
  labelValuesVariable,
  link,
  logql,
  logsPanel,
  prom,
  row,
  statPanel,
  timeseriesPanel,
  traceql,
  tracesPanel,
} from '../panels';

const LEVELS = ['error', 'warn', 'info', 'debug'];

export function serviceBoard(input: BoardInput, svc: ServiceEntry): dashboard.DashboardBuilder {
  const job = `${SERVICE_JOB_LABEL}="${svc.name}"`;
  const sel = `${job},${PLAYER_ROUTES},${HTTP_LABELS.route}=~"$route"`;
  const rate = (metric: string, matchers = sel) => `rate(${metric}{${matchers}}[${RATE}])`;
  const quantile = (q: number, by = '') =>
    `histogram_quantile(${q}, sum by (le${by ? `, ${by}` : ''}) (${rate(`${HTTP}_bucket`)}))`;
  const slos = slosOf(input, svc.name);

  const b = board({
    uid: UID.service(svc.name),
    title: `gameday / service / ${svc.name}`,
    description: `${svc.name}: ${svc.description}. Requests, errors and latency by route, the Node.js runtime, its dependencies, traces and logs.`,
    tags: ['service', svc.name],
  })
    .withVariable(
      labelValuesVariable('route', 'Route', `${HTTP}_count{${job},${PLAYER_ROUTES}}`, HTTP_LABELS.route),
    )
    .withVariable(
      new dashboard.CustomVariableBuilder('level')
        .label('Log level')
        .values(LEVELS.join(','))
        .multi(true)
        .includeAll(true)
        .allValue('.+')
        .current({ text: 'All', value: '$__all', selected: true }),
    );
  if (slos.length > 0) {
    b.link(
      link(
        `SLOs of ${svc.name}`,
        dashboardLink(UID.slo(svc.name), { [SLO_VARIABLE]: slos[0]!.name }),
        `Error budgets and burn rates of ${svc.name}`,
      ),
    );
  }

  b.withRow(row('Requests, errors, latency (RED)'))
    .withPanel(
      statPanel({
        title: 'Requests/s',
        description: 'Player requests per second (probes and scrapes left out).',
        w: SIZE.quarter,
        unit: 'reqps',
        queries: [prom(`sum(${rate(`${HTTP}_count`)})`, { legend: 'requests/s' })],
        graph: true,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Errors (5xx)',
        description: 'Share of player requests answered with a 5xx: what the availability SLO counts.',
        w: SIZE.quarter,
        unit: 'percentunit',
        decimals: 2,
        thresholds: [
          { value: 0.001, color: COLORS.warn },
          { value: 0.01, color: COLORS.bad },
        ],
        queries: [
          prom(
            // No 5xx at all is 0%, not "no data".
            `(sum(${rate(`${HTTP}_count`, `${sel},${HTTP_LABELS.status}=~"5.."`)}) or vector(0)) / sum(${rate(`${HTTP}_count`)})`,
            { legend: '5xx' },
          ),
        ],
        graph: true,
      }),
    )
    .withPanel(
      statPanel({
        title: 'p99 latency',
        description: '99th percentile of request duration over all selected routes.',
        w: SIZE.quarter,
        unit: 's',
        thresholds: [
          { value: 0.25, color: COLORS.warn },
          { value: 1, color: COLORS.bad },
        ],
        queries: [prom(quantile(0.99), { legend: 'p99' })],
        graph: true,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Instances up',
        description: 'Scrape targets of this service answering Prometheus.',
        w: SIZE.quarter,
        thresholds: [{ value: 1, color: COLORS.ok }],
        baseColor: COLORS.bad,
        queries: [prom(`sum(up{${job}})`, { legend: 'up' })],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Requests/s by route',
        description: 'Player requests per second, one series per route template.',
        unit: 'reqps',
        min: 0,
        stack: true,
        queries: [
          prom(`sum by (${HTTP_LABELS.route}) (${rate(`${HTTP}_count`)})`, {
            legend: `{{${HTTP_LABELS.route}}}`,
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Errors/s by status class',
        description:
          '4xx are the client’s doing and do not burn the budget; 5xx do. A 503 with Retry-After means a dependency is down.',
        unit: 'reqps',
        min: 0,
        stack: true,
        queries: ['4', '5'].map((c) =>
          prom(`sum(${rate(`${HTTP}_count`, `${sel},${HTTP_LABELS.status}=~"${c}.."`)}) or vector(0)`, {
            legend: `${c}xx`,
          }),
        ),
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Latency p50 / p95 / p99',
        description: `Request duration percentiles. The dots are exemplars: sampled requests, each linked to its trace (${EXEMPLAR_TRACE_LABEL}).`,
        unit: 's',
        min: 0,
        queries: [
          prom(quantile(0.5), { legend: 'p50' }),
          prom(quantile(0.95), { legend: 'p95' }),
          prom(quantile(0.99), { legend: 'p99', exemplar: true }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'p99 latency by route',
        description: 'The slowest routes stand out here.',
        unit: 's',
        min: 0,
        legendCalcs: ['mean', 'max'],
        queries: [prom(quantile(0.99, HTTP_LABELS.route), { legend: `{{${HTTP_LABELS.route}}}` })],
      }),
    );

  const runtime = (name: string) => `${name}{${job}}`;
  b.withRow(row('Node.js runtime'))
    .withPanel(
      timeseriesPanel({
        title: 'Event-loop lag',
        description:
          'How late timers fire: everything the process does waits this long. p99 above 100 ms is felt by players.',
        w: SIZE.third,
        unit: 's',
        min: 0,
        thresholds: [{ value: 0.1, color: COLORS.bad }],
        thresholdLines: true,
        queries: [
          prom(`max by (instance) (${runtime(RUNTIME_METRICS.eventLoopLagP99)})`, {
            legend: 'p99 {{instance}}',
          }),
          prom(`max by (instance) (${runtime(RUNTIME_METRICS.eventLoopLagP50)})`, {
            legend: 'p50 {{instance}}',
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Heap and resident memory',
        description: 'V8 heap in use and allocated, and the process’s resident set.',
        w: SIZE.third,
        unit: 'bytes',
        min: 0,
        queries: [
          prom(`sum by (instance) (${runtime(RUNTIME_METRICS.heapUsed)})`, {
            legend: 'heap used {{instance}}',
          }),
          prom(`sum by (instance) (${runtime(RUNTIME_METRICS.heapTotal)})`, {
            legend: 'heap total {{instance}}',
          }),
          prom(`sum by (instance) (${runtime(RUNTIME_METRICS.residentMemory)})`, {
            legend: 'resident {{instance}}',
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'GC time and CPU',
        description: 'Share of a core spent in garbage collection (by kind) and in total.',
        w: SIZE.third,
        unit: 'percentunit',
        min: 0,
        queries: [
          prom(`sum by (kind) (rate(${RUNTIME_METRICS.gcDuration}_sum{${job}}[${RATE}]))`, {
            legend: 'GC {{kind}}',
          }),
          prom(`sum by (instance) (rate(${RUNTIME_METRICS.cpuSeconds}{${job}}[${RATE}]))`, {
            legend: 'CPU {{instance}}',
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Restarts',
        description:
          'Process starts in the window (a crash loop or a deploy). On the local stack the supervisor restarts crashed services; in the cluster, Kubernetes does.',
        w: SIZE.full,
        h: SIZE.statHeight + 2,
        min: 0,
        decimals: 0,
        bars: true,
        queries: [
          prom(`sum by (instance) (changes(${runtime(RUNTIME_METRICS.processStart)}[$__interval]))`, {
            legend: 'starts {{instance}}',
          }),
        ],
      }),
    );

  b.withRow(row('Dependencies'));
  const deps = dependencyPanels(svc, job);
  for (const p of deps) b.withPanel(p);

  b.withRow(row('Telemetry')).withPanel(
    timeseriesPanel({
      title: 'Spans exported and dropped',
      description:
        'Spans the trace backend accepted, and spans lost on the way (a slow or absent backend fills the bounded queue).',
      w: SIZE.full,
      h: SIZE.statHeight + 2,
      unit: 'ops',
      min: 0,
      queries: [
        prom(`sum(rate(${METRICS.spansExported}{${job}}[${RATE}]))`, { legend: 'exported' }),
        prom(`sum by (reason) (rate(${METRICS.spansDropped}{${job}}[${RATE}]))`, {
          legend: 'dropped ({{reason}})',
        }),
      ],
    }),
  );

  const stream = `{${LOG_SERVICE_LABEL}="${svc.name}"} | json | level=~"$level"`;
  b.withRow(row('Logs and traces'))
    .withPanel(
      timeseriesPanel({
        title: 'Log lines by level',
        description: 'Log volume of the service by level (Loki).',
        w: SIZE.full,
        h: SIZE.statHeight + 2,
        min: 0,
        bars: true,
        stack: true,
        queries: [logql(`sum by (level) (count_over_time(${stream} [$__auto]))`, { legend: '{{level}}' })],
      }),
    )
    .withPanel(
      logsPanel({
        title: `Logs of ${svc.name}`,
        description: `Log lines of ${svc.name} at the selected levels. Each line's trace_id opens its trace in Tempo.`,
        query: logql(stream, { maxLines: 500 }),
      }),
    )
    .withPanel(
      tracesPanel({
        title: 'Failed traces',
        description: `Recent traces with a failed span of ${svc.name} (Tempo, TraceQL).`,
        w: SIZE.half,
        query: traceql(`{ resource.service.name = "${svc.name}" && status = error }`),
      }),
    )
    .withPanel(
      tracesPanel({
        title: 'Slow traces',
        description: `Recent traces with a span of ${svc.name} slower than 1 s (Tempo, TraceQL).`,
        w: SIZE.half,
        query: traceql(`{ resource.service.name = "${svc.name}" && duration > 1s }`),
      }),
    );
  return b;
}

/** What the service depends on, from the catalogue: its database pool, Kafka, upstreams. */
function dependencyPanels(svc: ServiceEntry, job: string) {
  const panels = [
    timeseriesPanel({
      title: 'Dependencies reachable',
      description:
        'Readiness checks of the service’s own dependencies: 1 reachable, 0 down (then /readyz answers 503).',
      w: SIZE.half,
      min: 0,
      max: 1,
      decimals: 0,
      queries: [prom(`min by (dependency) (${METRICS.dependencyUp}{${job}})`, { legend: '{{dependency}}' })],
    }),
  ];
  if (svc.database) {
    panels.push(
      timeseriesPanel({
        title: `PostgreSQL pool (${svc.database})`,
        description:
          'Connections in use and idle against the pool’s maximum; requests waiting for a connection mean the pool is saturated.',
        w: SIZE.half,
        min: 0,
        queries: [
          prom(`sum by (state) (${METRICS.dbPoolConnections}{${job}})`, { legend: '{{state}}' }),
          prom(`sum(${METRICS.dbPoolMax}{${job}})`, { legend: 'max' }),
        ],
      }),
    );
  }
  if (svc.kafka === 'consumer') {
    panels.push(
      timeseriesPanel({
        title: 'Kafka consumer lag by partition',
        description: 'Messages not yet committed by the consumer group, per partition.',
        w: SIZE.half,
        min: 0,
        stack: true,
        queries: [
          prom(`sum by (topic, partition) (${METRICS.consumerLag}{${job}})`, {
            legend: '{{topic}}/{{partition}}',
          }),
        ],
      }),
    );
  }
  if (svc.name === 'events') {
    panels.push(
      timeseriesPanel({
        title: 'Kafka produce',
        description: 'Events acknowledged by Kafka, and events refused (Kafka down answers 503).',
        w: SIZE.half,
        unit: 'ops',
        min: 0,
        queries: [
          prom(`sum(rate(${METRICS.eventsIngested}{${job}}[${RATE}]))`, { legend: 'acknowledged' }),
          prom(`sum by (reason) (rate(${METRICS.eventsRejected}{${job}}[${RATE}]))`, {
            legend: 'refused ({{reason}})',
          }),
        ],
      }),
    );
  } else if (svc.kafka === 'producer') {
    panels.push(
      timeseriesPanel({
        title: 'Outbox to Kafka',
        description:
          'Messages the transactional outbox published to Kafka, failed publishes, and messages waiting (grows while Kafka is away; nothing is lost).',
        w: SIZE.half,
        min: 0,
        queries: [
          prom(`sum(rate(${METRICS.outboxPublished}{${job}}[${RATE}]))`, { legend: 'published/s' }),
          prom(`sum(rate(${METRICS.outboxPublishFailures}{${job}}[${RATE}]))`, { legend: 'failed/s' }),
          prom(`max(${METRICS.outboxPending}{${job}})`, { legend: 'pending' }),
        ],
      }),
    );
  }
  if (svc.name === 'gateway') {
    panels.push(
      timeseriesPanel({
        title: 'Upstream calls by outcome',
        description:
          'Requests the gateway forwarded, by upstream service and outcome (ok, error, timeout, unavailable).',
        w: SIZE.half,
        unit: 'reqps',
        min: 0,
        queries: [
          prom(`sum by (upstream, outcome) (rate(${METRICS.gatewayUpstream}{${job}}[${RATE}]))`, {
            legend: '{{upstream}} {{outcome}}',
          }),
        ],
      }),
      timeseriesPanel({
        title: 'Rate limited',
        description: 'Requests refused with 429 by a gateway rate limit, by scope.',
        w: SIZE.half,
        unit: 'reqps',
        min: 0,
        queries: [
          prom(`sum by (scope) (rate(${METRICS.gatewayRateLimited}{${job}}[${RATE}]))`, {
            legend: '{{scope}}',
          }),
        ],
      }),
    );
  }
  // Keep the grid full: an odd count leaves the last panel full width.
  if (panels.length % 2 === 1) panels[panels.length - 1]!.span(SIZE.full);
  return panels;
}
