// Derives `promtool test rules` cases from each SLO: the spec says what must page, what must only
// open a ticket and what must stay quiet, and these cases drive the real histogram (or the ratio
// SLI's counters) through the whole generated rule chain to prove it.
import { durationSeconds, formatDuration, humanDuration, round } from '../duration';
import { badEventsOf, formatSeconds } from '../describe';
import type { ServiceSlos, Slo } from '../model';
import {
  ALERT_NAME,
  GENERATED_HEADER,
  HTTP_METHOD_LABEL,
  HTTP_METRIC,
  HTTP_ROUTE_LABEL,
  HTTP_STATUS_LABEL,
  record,
  SERVICE_SELECTOR_LABEL,
  SEVERITY_LABEL,
  SLO_NAME_LABEL,
  SLO_SERVICE_LABEL,
  type Severity,
} from '../naming';
import { errorBudget } from '../rules/labels';
import type { PeriodWindows } from '../windows';
import { toYaml } from './yaml';

/**
 * Detection cases scrape and evaluate every 15s (the local stack's and kube-prometheus-stack's
 * interval) to pin the paging time to the scrape. The long cases use 1m: promtool evaluates every
 * rule at every step, and at 15s hours of history would make the suite take minutes.
 */
export const DETECTION_INTERVAL_SECONDS = 15;
export const LONG_INTERVAL_SECONDS = 60;
/**
 * Healthy history before an outage. The 1h window must be full for the workbook's detection time to
 * hold; half of the 6h window keeps its pair from firing first (it would on a near-empty window).
 */
const BASELINE_SECONDS = 3 * 3600;
const PROBE_ROUTE = '/api/v1/slo-probe';

type EventClass = 'good' | 'bad' | 'client';

interface Counter {
  series: string;
  counts: EventClass[];
}

interface Phase {
  seconds: number;
  rps: number;
  bad: number;
  client?: number;
}

interface Check {
  expr: string;
  eval_time: string;
  exp_samples: Array<{ labels: string; value: number }>;
}

interface Scenario {
  title: string;
  /** Scrape and evaluation interval, seconds. */
  interval: number;
  phases: Phase[];
  checks: Check[];
}

export interface PromtoolTestFiles {
  /** Test file name (next to the rule file) → content. */
  files: Array<{ name: string; content: string }>;
  /** SLOs no case could be derived for (a ratio SLI without testSeries). */
  untested: Slo[];
}

/** Counter series that count the SLI's good, bad and client-error events, or undefined when unknown. */
function countersOf(slo: Slo): Counter[] | undefined {
  const { sli } = slo;
  if (sli.kind === 'ratio') {
    if (!sli.testSeries) return undefined;
    const { good, bad, total } = sli.testSeries;
    if (total !== undefined) {
      // A histogram: the bucket counts the good events, _count all of them.
      return [
        { series: total.trim(), counts: ['good', 'bad'] },
        { series: good.trim(), counts: ['good'] },
      ];
    }
    return [
      { series: good.trim(), counts: ['good'] },
      { series: bad!.trim(), counts: ['bad'] },
    ];
  }
  const labels = (status: string): string =>
    [
      `${SERVICE_SELECTOR_LABEL}="${sli.job}"`,
      `${HTTP_ROUTE_LABEL}="${sli.routes[0] ?? PROBE_ROUTE}"`,
      `${HTTP_METHOD_LABEL}="${sli.methods[0] ?? 'GET'}"`,
      `${HTTP_STATUS_LABEL}="${status}"`,
    ].join(',');
  const count = (status: string): string => `${HTTP_METRIC}_count{${labels(status)}}`;
  if (sli.kind === 'http-availability') {
    return [
      { series: count('200'), counts: ['good'] },
      { series: count('500'), counts: ['bad'] },
      { series: count('429'), counts: ['client'] },
      { series: count('404'), counts: ['client'] },
    ];
  }
  // Latency: a bad event is a successful but slow request, counted in _count and not in le=threshold.
  const bucket = `${HTTP_METRIC}_bucket{${labels('200')},le="${String(sli.threshold)}"}`;
  return [
    { series: count('200'), counts: ['good', 'bad'] },
    { series: bucket, counts: ['good'] },
  ];
}

function num(value: number): string {
  return String(round(value, 12));
}

/** Numbers in case titles: three significant digits are enough to read. */
function pretty(value: number): string {
  return String(round(value, 3));
}

/** promtool's expanding notation for a counter over consecutive phases. */
function values(counter: Counter, phases: Phase[], interval: number): string {
  const parts: string[] = [];
  let value = 0;
  phases.forEach((phase, i) => {
    const share =
      (counter.counts.includes('good') ? 1 - phase.bad - (phase.client ?? 0) : 0) +
      (counter.counts.includes('bad') ? phase.bad : 0) +
      (counter.counts.includes('client') ? (phase.client ?? 0) : 0);
    const step = phase.rps * share * interval;
    const samples = phase.seconds / interval;
    if (i === 0) {
      parts.push(`0+${num(step)}x${samples}`);
      value = step * samples;
    } else {
      parts.push(`${num(value + step)}+${num(step)}x${samples - 1}`);
      value += step * samples;
    }
  });
  return parts.join(' ');
}

function alertsOf(slo: Slo, severity?: Severity): string {
  const sev = severity ? `,${SEVERITY_LABEL}="${severity}"` : '';
  return `ALERTS{alertname="${ALERT_NAME}",alertstate="firing"${sev},${SLO_SERVICE_LABEL}="${slo.service}",${SLO_NAME_LABEL}="${slo.name}"}`;
}

function firing(slo: Slo, severity: Severity): { labels: string; value: number } {
  return {
    labels: `ALERTS{alertname="${ALERT_NAME}",alertstate="firing",${SEVERITY_LABEL}="${severity}",${SLO_NAME_LABEL}="${slo.name}",${SLO_SERVICE_LABEL}="${slo.service}"}`,
    value: 1,
  };
}

/** A recorded value rounded in PromQL, so float noise (0.5000000000000092) does not fail an exact comparison. */
function roundedCheck(slo: Slo, name: string, seconds: number, value: number): Check {
  const labels = `${SLO_NAME_LABEL}="${slo.name}",${SLO_SERVICE_LABEL}="${slo.service}"`;
  return check(`round(${name}{${labels}}, 0.0001)`, seconds, [
    { labels: `{${labels}}`, value: round(value, 4) },
  ]);
}

function check(expr: string, seconds: number, exp: Check['exp_samples']): Check {
  return { expr, eval_time: formatDuration(seconds), exp_samples: exp };
}

function scenarios(slo: Slo, windows: PeriodWindows): Scenario[] {
  const budget = errorBudget(slo);
  const guard = slo.minRequestsPerSecond;
  const rps = Math.max(1, 4 * (guard ?? 0));
  const all = [...windows.page, ...windows.ticket];
  const out: Scenario[] = [];

  // Detection time (workbook): with every event bad, the long window crosses factor × budget after
  // longWindow × factor × budget. The first scrape after it pages; the one before must not. Minutes-long
  // detection times (99% objectives) are pinned at 1m resolution, which keeps the suite fast.
  const detection = Math.min(...windows.page.map((w) => durationSeconds(w.longWindow) * w.factor * budget));
  const S = detection < 300 ? DETECTION_INTERVAL_SECONDS : LONG_INTERVAL_SECONDS;
  const notYet = S * Math.floor((detection - 0.01 * S) / S);
  const paged = S * Math.ceil((detection + 0.01 * S) / S);
  const pagedMinute = 60 * Math.ceil(paged / 60);
  const incident =
    slo.sli.kind === 'http-availability'
      ? 'a full outage (every request a 5xx)'
      : slo.sli.kind === 'http-latency'
        ? `every request slower than ${formatSeconds(slo.sli.threshold)}`
        : 'every event bad';
  out.push({
    title:
      `${incident} pages within the detection time of ${humanDuration(detection)} ` +
      `(${formatDuration(paged)} after it starts), and not at ${formatDuration(notYet)}`,
    interval: S,
    phases: [
      { seconds: BASELINE_SECONDS, rps, bad: 0 },
      { seconds: paged + 300, rps, bad: 1 },
    ],
    checks: [
      check(alertsOf(slo, 'critical'), BASELINE_SECONDS + notYet, []),
      check(alertsOf(slo, 'critical'), BASELINE_SECONDS + paged, [firing(slo, 'critical')]),
    ],
  });

  // A burn below every paging factor never pages, however long it lasts; it may open a ticket.
  const minPage = Math.min(...windows.page.map((w) => w.factor));
  const slow = round(Math.min(2, minPage / 3), 6);
  const slowEnd = 3 * 3600;
  const ticketed = windows.ticket.some((w) => slow > w.factor * 1.05);
  const ticketClear = windows.ticket.every((w) => slow > w.factor * 1.05 || slow < w.factor * 0.95);
  out.push({
    title: `a steady ${pretty(slow)}× burn (${pretty(slow * budget * 100)}% of ${badEventsOf(slo)}) never pages${ticketed ? ' but opens a ticket' : ''}`,
    interval: LONG_INTERVAL_SECONDS,
    phases: [{ seconds: slowEnd, rps, bad: slow * budget }],
    checks: [
      check(alertsOf(slo, 'critical'), 3600, []),
      check(alertsOf(slo, 'critical'), slowEnd / 2, []),
      check(alertsOf(slo, 'critical'), slowEnd, []),
      ...(ticketClear
        ? [check(alertsOf(slo, 'warning'), slowEnd, ticketed ? [firing(slo, 'warning')] : [])]
        : []),
    ],
  });

  // Half the lowest factor stays inside the budget: nothing fires and half the budget is left.
  const quiet = round(Math.min(...all.map((w) => w.factor)) / 2, 6);
  const quietEnd = 3 * 3600;
  out.push({
    title: `${pretty(quiet * budget * 100)}% of ${badEventsOf(slo)} (${pretty(quiet)}× the budget rate) fires nothing and leaves ${pretty((1 - quiet) * 100)}% of the budget`,
    interval: LONG_INTERVAL_SECONDS,
    phases: [{ seconds: quietEnd, rps, bad: quiet * budget }],
    checks: [
      check(alertsOf(slo), 3600, []),
      check(alertsOf(slo), quietEnd, []),
      roundedCheck(slo, record.currentBurnRate, quietEnd, quiet),
      roundedCheck(slo, record.periodErrorBudgetRemaining, quietEnd, 1 - quiet),
    ],
  });

  if (guard !== undefined) {
    const low = guard / 2;
    out.push({
      title: `${incident} at ${pretty(low)} requests per second, under the low-traffic guard of ${pretty(guard)}, never pages`,
      interval: LONG_INTERVAL_SECONDS,
      phases: [
        { seconds: 3600, rps: low, bad: 0 },
        { seconds: 2 * 3600, rps: low, bad: 1 },
      ],
      checks: [
        check(alertsOf(slo, 'critical'), 3600 + pagedMinute, []),
        check(alertsOf(slo, 'critical'), 3600 + 1800, []),
        check(alertsOf(slo, 'critical'), 3 * 3600, []),
      ],
    });
  }

  if (slo.sli.kind === 'http-availability') {
    out.push({
      title: 'answering every request with 429 or 404 burns no budget: client errors never fire',
      interval: LONG_INTERVAL_SECONDS,
      phases: [
        { seconds: 3600, rps, bad: 0 },
        { seconds: 2 * 3600, rps, bad: 0, client: 1 },
      ],
      checks: [check(alertsOf(slo), 3600 + 5 * 60, []), check(alertsOf(slo), 3 * 3600, [])],
    });
  }
  return out;
}

/**
 * The promtool test files for one service, checked in next to its rule file: one per interval
 * (promtool has one evaluation interval per file).
 */
export function renderPromtoolTests(
  service: ServiceSlos,
  windowsOf: (slo: Slo) => PeriodWindows,
  ruleFile: string,
  fileName: (kind: 'detection' | 'long') => string,
  groupEvalOrder: string[],
): PromtoolTestFiles {
  const untested: Slo[] = [];
  const byInterval = new Map<number, string[]>();
  for (const slo of service.slos) {
    const counters = countersOf(slo);
    if (!counters) {
      untested.push(slo);
      continue;
    }
    for (const scenario of scenarios(slo, windowsOf(slo))) {
      const group = {
        interval: formatDuration(scenario.interval),
        input_series: counters.map((c) => ({
          series: c.series,
          values: values(c, scenario.phases, scenario.interval),
        })),
        promql_expr_test: scenario.checks,
      };
      const body = toYaml([group])
        .trimEnd()
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n');
      const list = byInterval.get(scenario.interval) ?? [];
      list.push(`  # ${slo.service}/${slo.name}: ${scenario.title}.\n${body}`);
      byInterval.set(scenario.interval, list);
    }
  }
  const files: PromtoolTestFiles['files'] = [];
  for (const [interval, groups] of [...byInterval].sort((a, b) => a[0] - b[0])) {
    const detection = interval === DETECTION_INTERVAL_SECONDS;
    const content = [
      GENERATED_HEADER,
      `# Source: ${service.source}`,
      `# promtool unit tests derived from each SLO (${detection ? 'detection times, at scrape resolution' : 'long-running cases'}).`,
      '# Run: promtool test rules alerts/generated/*.test.yml',
      `# Series are scraped and rules evaluated every ${formatDuration(interval)}. The SLO alerts have no "for:",`,
      '# so an alert fires at the first evaluation where both of its windows cross the threshold.',
      '# promtool evaluates every group at every step, whatever its interval, in group_eval_order: the',
      '# period groups first, so the day-long windows read the base rates of the same step.',
      toYaml({
        rule_files: [ruleFile],
        evaluation_interval: formatDuration(interval),
        group_eval_order: groupEvalOrder,
      }).trimEnd(),
      'tests:',
      groups.join('\n\n'),
      '',
    ].join('\n');
    files.push({ name: fileName(detection ? 'detection' : 'long'), content });
  }
  return { files, untested };
}
