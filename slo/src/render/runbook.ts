// A runbook skeleton for a new SLO. It is written once and then belongs to people: the generator
// never overwrites it, so it is specific enough to be useful on day one and meant to be edited.
import { durationSeconds, humanDuration } from '../duration';
import { badEventsOf, dashboardUrl, formatSeconds, scopeOf, type Links } from '../describe';
import type { Slo } from '../model';
import {
  ALERT_NAME,
  CURRENT_BURN_WINDOW,
  HTTP_METRIC,
  leMatcher,
  record,
  SLO_NAME_LABEL,
  SLO_SERVICE_LABEL,
  sloId,
  sloSelector,
} from '../naming';
import { httpMatchers } from '../rules/sli-queries';
import { errorBudget } from '../rules/labels';
import type { PeriodWindows } from '../windows';

// The local stack (`npm start`) keeps logs in VictoriaLogs and traces in Jaeger; runbooks show their
// queries beside the production LogQL and TraceQL.
const LOCAL_VICTORIALOGS_URL = 'http://127.0.0.1:9428';
const LOCAL_JAEGER_URL = 'http://127.0.0.1:16686';

export function renderRunbook(slo: Slo, windows: PeriodWindows, links: Links): string {
  const id = sloId(slo.service, slo.name);
  const sel = sloSelector(slo.service, slo.name);
  const on = `on(${SLO_SERVICE_LABEL}, ${SLO_NAME_LABEL})`;
  const budget = errorBudget(slo);
  const budgetMinutes = Math.round((durationSeconds(slo.period) / 60) * budget);
  const [quick, slowPage] = windows.page;
  const { sli } = slo;
  const matchers = sli.kind === 'ratio' ? `job="${slo.service}"` : httpMatchers(sli).join(',');

  const sliQueries =
    sli.kind === 'ratio'
      ? [
          '# The SLI itself (from the spec), over the last 5 minutes',
          sli.bad !== undefined
            ? `${sli.bad} / ${sli.total}`.replace(/\{\{\s*\.?window\s*\}\}/g, '5m')
            : `1 - (${sli.good} / ${sli.total})`.replace(/\{\{\s*\.?window\s*\}\}/g, '5m'),
        ]
      : sli.kind === 'http-availability'
        ? [
            '# Which routes and status codes fail',
            `sum by (http_route, http_response_status_code) (rate(${HTTP_METRIC}_count{${matchers},http_response_status_code=~"5.."}[5m]))`,
            '# Is one instance worse than the others?',
            `sum by (instance) (rate(${HTTP_METRIC}_count{${matchers},http_response_status_code=~"5.."}[5m])) / sum by (instance) (rate(${HTTP_METRIC}_count{${matchers}}[5m]))`,
          ]
        : [
            '# p99 latency per route (compare with the threshold)',
            `histogram_quantile(0.99, sum by (le, http_route) (rate(${HTTP_METRIC}_bucket{${matchers}}[5m])))`,
            `# Share of requests slower than ${formatSecondsPlain(sli.threshold)} per route`,
            `1 - sum by (http_route) (rate(${HTTP_METRIC}_bucket{${matchers},${leMatcher(sli.threshold)}}[5m])) / sum by (http_route) (rate(${HTTP_METRIC}_count{${matchers}}[5m]))`,
          ];

  // LogsQL needs quotes around a value that is not one word (service names may contain "-").
  const logsqlService = /^\w+$/.test(slo.service) ? slo.service : `"${slo.service}"`;
  const slow = sli.kind === 'http-latency' ? formatSeconds(sli.threshold) : undefined;
  const traceql = [
    `{ resource.service.name = "${slo.service}" && status = error }`,
    ...(slow ? [`{ resource.service.name = "${slo.service}" && duration > ${slow} }`] : []),
  ];
  const jaeger = [
    `# failed traces of ${slo.service}, last 15 minutes`,
    `npx gameday traces --service ${slo.service} --errors --since 15m`,
    ...(slow
      ? [
          `# traces with a ${slo.service} span slower than ${slow}`,
          `npx gameday traces --service ${slo.service} --min-duration ${slow} --since 15m`,
        ]
      : []),
  ];

  return `<!-- Runbook skeleton written by \`gameday slo generate\` for the new SLO ${id}. It is yours now:
     the generator never overwrites this file. Replace the generic parts with what you learn. -->
# ${id} is burning its error budget (${ALERT_NAME})

## What this alert means

\`${ALERT_NAME}${sel}\` fires when ${badEventsOf(slo)}
are eating the error budget too fast. ${slo.description ? `The SLO: ${slo.description} ` : ''}The objective is **${slo.objective}%** over a
rolling **${slo.period}**, so the budget is ${Number((budget * 100).toPrecision(6))}% of events — about ${budgetMinutes} minutes of full outage per ${slo.period}.

- **critical** (pages): more than ${quick?.factor}× the budget rate over ${quick?.shortWindow} and ${quick?.longWindow}, or more than
  ${slowPage?.factor}× over ${slowPage?.shortWindow} and ${slowPage?.longWindow}. At ${quick?.factor}× the whole budget is gone in ${humanDuration(durationSeconds(slo.period) / (quick?.factor ?? 1))}.
- **warning** (ticket): a slower burn (${windows.ticket.map((w) => `${w.factor}× over ${w.shortWindow} and ${w.longWindow}`).join(', ')}). Handle it in working hours.
${slo.minRequestsPerSecond !== undefined ? `- Below ${slo.minRequestsPerSecond} requests per second it does not page (low-traffic guard); it still opens tickets.\n` : ''}
## Player impact

Players calling ${scopeOf(slo)} see ${sli.kind === 'http-latency' ? 'slow responses' : 'failed requests'}. The gateway SLOs
show what reaches players end to end: if they burn too, players notice it across the game.

## Dashboard

Open ${dashboardUrl(slo, links)} (SLO dashboard of ${slo.service}, this SLO selected).

## How to read burn rate and remaining budget

A burn rate of 1 spends exactly the budget over ${slo.period}; 2 spends it in half the time; 0.5 leaves half of it.

\`\`\`promql
# Current burn rate (${CURRENT_BURN_WINDOW}) and over the last hour
${record.currentBurnRate}${sel}
${record.sliError('1h')}${sel} / ${on} ${record.errorBudget}${sel}
# Share of the ${slo.period} budget left: 1 = untouched, 0 = spent, below 0 = SLO breached
${record.periodErrorBudgetRemaining}${sel}
# Budget spent over the last 6 hours, as a share of the ${slo.period} budget
${record.sliError('6h')}${sel} / ${on} ${record.errorBudget}${sel} * 6 / (24 * ${durationSeconds(slo.period) / 86400})
\`\`\`

If the burn rate is falling back under 1 and the budget left is comfortable, the incident may be over:
confirm, then let the alert resolve.

## Diagnosis

1. Is it still happening? Look at \`${record.currentBurnRate}${sel}\`: above ${quick?.factor} means it is ongoing.
2. Where does it fail?

   \`\`\`promql
   ${sliQueries.join('\n   ')}
   # Did a dependency go away? (1 = reachable)
   gameday_dependency_up{job="${slo.service}"}
   # Did the service restart or deploy recently?
   changes(process_start_time_seconds{job="${slo.service}"}[1h])
   \`\`\`

3. What do the logs say?

   \`\`\`logql
   {service="${slo.service}"} | json | level="error"
   sum by (message) (count_over_time({service="${slo.service}"} | json | level="error" [15m]))
   \`\`\`

   On the local stack (\`npm start\`), from VictoriaLogs (the \`curl\` counts messages like the \`sum by\`):

   \`\`\`sh
   npx gameday logs --service ${slo.service} --level error --since 15m
   curl -s ${LOCAL_VICTORIALOGS_URL}/select/logsql/query --data-urlencode 'query=_time:15m service:${logsqlService} level:error | stats by (_msg) count() hits | sort by (hits desc) | limit 10'
   \`\`\`

   Copy a \`trace_id\` from an error line and open it in Tempo (or \`{service=~".+"} | json | trace_id="<id>"\`)
   to see which hop failed. Without a log line to start from, search Tempo with TraceQL:

   \`\`\`traceql
   ${traceql.join('\n   ')}
   \`\`\`

   On the local stack (\`npm start\`): \`gameday trace\` prints the trace as a waterfall with its log lines
   interleaved, \`gameday logs --trace\` only its log lines; \`gameday traces\` searches Jaeger
   (${LOCAL_JAEGER_URL}) for a service's traces.

   \`\`\`sh
   npx gameday trace <trace_id>
   npx gameday logs --trace <trace_id>
   ${jaeger.join('\n   ')}
   \`\`\`

## Mitigation

- A deploy in the last hour lines up with the start of the burn: roll it back (\`git revert\` the change and
  let ArgoCD sync, or \`argocd app rollback ${slo.service}\`).
- A dependency is down (\`gameday_dependency_up == 0\`): follow the PostgresUnavailable runbook; the service
  answers 503 with Retry-After meanwhile.
- One instance is bad: restart it; if it comes back bad, take it out of rotation.
- Overload (latency and errors grow with traffic): scale out, or tighten rate limits at the gateway.

## Escalation

If the burn rate is not falling 30 minutes after you start, or the remaining budget goes below 0, page the
${slo.service} owners (see apps/${slo.service}/README.md) and post in the incident channel. After the
incident, record the budget spent in the postmortem.
`;
}

function formatSecondsPlain(seconds: number): string {
  return `${seconds}s`;
}
