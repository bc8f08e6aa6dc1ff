// Every name other tools depend on lives here: rule names and labels are the ARCHITECTURE.md §4 contract
// (sloth-compatible), file locations are what the stack, CI and ArgoCD read.

import {
  HTTP_DURATION_BUCKETS,
  HTTP_DURATION_METRIC,
  HTTP_LABELS,
  NON_PLAYER_ROUTES,
  SERVICE_JOB_LABEL,
} from '@gameday/telemetry/contract';

/** The standard HTTP histogram every service exports (ARCHITECTURE.md §3): names from the one contract module. */
export const HTTP_METRIC = HTTP_DURATION_METRIC;
export const HTTP_ROUTE_LABEL = HTTP_LABELS.route;
export const HTTP_METHOD_LABEL = HTTP_LABELS.method;
export const HTTP_STATUS_LABEL = HTTP_LABELS.status;
/** Prometheus scrapes each service with job = the service name. */
export const SERVICE_SELECTOR_LABEL = SERVICE_JOB_LABEL;
/** Buckets of the standard histogram; a latency threshold must be one of them. */
export const HISTOGRAM_BUCKETS = HTTP_DURATION_BUCKETS;
/** Probe and scrape endpoints are not player traffic: they would dilute a service-wide SLI. */
export { NON_PLAYER_ROUTES };

export const SLO_SERVICE_LABEL = 'slo_service';
export const SLO_NAME_LABEL = 'slo_name';
export const SEVERITY_LABEL = 'severity';
/** The one SLO alert (sloth's name); which SLO it is about is in its labels. */
export const ALERT_NAME = 'SLOErrorBudgetBurn';
/** The labels of every SLO alert, in the order people read them (`describeAlert` in chaos). */
export const SLO_ALERT_LABELS = [SEVERITY_LABEL, SLO_SERVICE_LABEL, SLO_NAME_LABEL] as const;
/** Most urgent first: `critical` pages, `warning` opens a ticket. */
export const SEVERITIES = ['critical', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * The Alertmanager contract (ARCHITECTURE.md §4): alerts/alertmanager.yml, alerts/alertmanager.local.yml
 * (hand-written; slo/test/alertmanager.test.ts holds them to these) and the local stack's fallback
 * config and webhook sink (stack/src) all route, group and inhibit on exactly this.
 */
export const RECEIVERS = { critical: 'pager', warning: 'ticket' } as const satisfies Record<Severity, string>;
export type Receiver = (typeof RECEIVERS)[Severity];
export const RECEIVER_NAMES: readonly Receiver[] = SEVERITIES.map((severity) => RECEIVERS[severity]);
export const severityMatcher = (severity: Severity): string => `${SEVERITY_LABEL}="${severity}"`;
/** One notification per SLO (or per service for infrastructure alerts), not one per instance. */
export const ALERT_GROUP_BY: readonly string[] = ['alertname', SLO_SERVICE_LABEL, SLO_NAME_LABEL];
/** route.routes, as Alertmanager spells them: each severity to its receiver. */
export interface AlertRoute {
  receiver: Receiver;
  matchers: string[];
}
export const ALERT_ROUTES: readonly AlertRoute[] = SEVERITIES.map((severity) => ({
  receiver: RECEIVERS[severity],
  matchers: [severityMatcher(severity)],
}));
/** While an SLO pages, its slow-burn ticket is noise: a critical inhibits the warning of the same SLO. */
export const INHIBIT_RULE = {
  source_matchers: [severityMatcher('critical')],
  target_matchers: [severityMatcher('warning')],
  equal: [SLO_SERVICE_LABEL, SLO_NAME_LABEL],
};
/** The local stack's webhook path for a receiver (alerts/alertmanager.local.yml posts there). */
export const receiverWebhookPath = (receiver: Receiver): string => `/alerts/${receiver}`;

/** Accepts gameday's `{{window}}` and sloth's `{{.window}}` spellings. */
export const WINDOW_PLACEHOLDER = /\{\{\s*\.?window\s*\}\}/g;

export const record = {
  sliError: (window: string): string => `slo:sli_error:ratio_rate${window}`,
  /** Not in sloth: the event rate the low-traffic guard compares against. */
  sliTotal: (window: string): string => `slo:sli_total:rate${window}`,
  /**
   * Not in sloth: the SLI's bad and total events counted over the last `interval` (the period
   * group's), the terms the period ratio and the long windows are summed from.
   */
  sliBadIncrease: (interval: string): string => `slo:sli_bad:increase${interval}`,
  sliTotalIncrease: (interval: string): string => `slo:sli_total:increase${interval}`,
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
  timePeriodDays: 'slo:time_period:days',
  currentBurnRate: 'slo:current_burn_rate:ratio',
  periodBurnRate: 'slo:period_burn_rate:ratio',
  periodErrorBudgetRemaining: 'slo:period_error_budget_remaining:ratio',
} as const;

/** The window `slo:current_burn_rate:ratio` is computed over (sloth uses the same). */
export const CURRENT_BURN_WINDOW = '5m';

/**
 * How often the period group runs, and what its increments count: the SLI's bad and total events
 * since its previous evaluation, `x - x offset 4m` for every counter (a reset counts from 0).
 * Consecutive evaluations are exactly this far apart, so the increments of a counter telescope:
 * summed over any window they are its exact increase, whatever the scrape interval. Under
 * Prometheus's 5m lookback, so the group's series never go stale between two evaluations and a
 * missed scrape changes nothing; long enough that a 30-day sum reads 10,800 samples per series
 * (`npm run bench -- slo-scale`: at 2m the period groups took 11–47 ms per evaluation). A multiple
 * of every interval the promtool tests evaluate at (15s, 1m, 2m), so the sums stay exact there.
 */
export const PERIOD_GROUP_INTERVAL = '4m';
/**
 * Windows at least this long are summed from the period group's increments, which lag by up to
 * one interval. Shorter ones (5m, 30m, 1h: the fast page and its short windows) read the raw
 * counters, so a full outage still pages within a minute.
 */
export const SUMMED_FROM = '2h';

export const GENERATED_HEADER = '# Code generated by gameday slo generate. DO NOT EDIT.';

export const DEFAULT_RUNBOOK_BASE_URL = 'https://github.com/gameday-sre/gameday/blob/main';
export const DEFAULT_GRAFANA_URL = 'http://localhost:3000';
export const RUNBOOK_BASE_URL_ENV = 'GAMEDAY_RUNBOOK_BASE_URL';
export const GRAFANA_URL_ENV = 'GAMEDAY_GRAFANA_URL';

/** Paths relative to the repository root. */
export const paths = {
  specsDir: 'slo/specs',
  generatedRulesDir: 'alerts/generated',
  rulesFile: (service: string): string => `alerts/generated/${service}.slo.rules.yml`,
  /** promtool tests: `long` cases evaluate every minute, `detection` cases every 15s. */
  testFile: (service: string, kind: 'detection' | 'long'): string =>
    kind === 'long'
      ? `alerts/generated/${service}.slo.test.yml`
      : `alerts/generated/${service}.slo.${kind}.test.yml`,
  prometheusRuleDir: 'argocd/slo-rules',
  prometheusRuleFile: (service: string): string => `argocd/slo-rules/${service}.yaml`,
  kustomizationFile: 'argocd/slo-rules/kustomization.yaml',
  runbooksDir: 'runbooks',
  runbookFile: (service: string, slo: string): string => `runbooks/slo-${service}-${slo}.md`,
  infrastructureRules: 'alerts/infrastructure.rules.yml',
  alertmanagerConfig: 'alerts/alertmanager.yml',
  alertmanagerLocalConfig: 'alerts/alertmanager.local.yml',
} as const;

export function sloId(service: string, slo: string): string {
  return `${service}/${slo}`;
}

/** The SLO's alert group: its SLI windows, metadata and alerts. */
export function ruleGroupName(service: string, slo: string): string {
  return `slo-${service}-${slo}`;
}

/** The SLO's period group: the increments, the period ratio and the budget, every PERIOD_GROUP_INTERVAL. */
export function periodRuleGroupName(service: string, slo: string): string {
  return `slo-${service}-${slo}-period`;
}

/** Label matchers that select one SLO's recorded series. */
export function sloSelector(service: string, slo: string): string {
  return `{${SLO_SERVICE_LABEL}="${service}",${SLO_NAME_LABEL}="${slo}"}`;
}

/**
 * The matcher of the standard histogram's bucket at `threshold`. prom-client writes `le="1"` for a
 * whole number and Prometheus 2 keeps it; Prometheus 3 normalises it to `le="1.0"` when it
 * scrapes. A whole-number bound matches either spelling; other bounds are spelled alike.
 */
export function leMatcher(threshold: number): string {
  const text = String(threshold);
  return Number.isInteger(threshold) ? `le=~"${text}|${text}\\\\.0"` : `le="${text}"`;
}
