// Public API of @gameday/slo: specs in, Prometheus rules, PrometheusRules, promtool tests and
// runbooks out; plus what the local stack needs to load them and show SLO status.
export { generateFromSpecs, rawCounterRuleGroup, sloRuleGroups } from './generate';
export { renderRuleFile } from './render/prometheus-rules';
export type { RuleGroup, Rule, RecordingRule, AlertingRule } from './rules/types';
export type { GenerateOptions, GeneratedFile, GenerateResult } from './generate';
export { generateSlos, readSpecSources, linksFromEnv } from './files';
export type { GenerateSlosOptions, GenerateSlosResult, StaleFile } from './files';
export { findGenerated, syncFiles } from './sync';
export type { FileToSync, GeneratedScan, SyncResult } from './sync';
export { parseSpec } from './spec/parse-spec';
export type { SpecSource } from './spec/parse-spec';
export { SpecError, formatProblem } from './errors';
export type { SpecProblem } from './errors';
export { loadWindows, parsePeriodWindows, burnFactor, sliWindows, DEFAULT_WINDOWS_DIR } from './windows';
export { runbookUrl, dashboardUrl, scopeOf, badEventsOf, defaultLinks } from './describe';
export type { Links } from './describe';
export type { AlertWindow, PeriodWindows } from './windows';
export { readSloStatus, formatSloStatus, formatBudget, MIN_BUDGET_DATA_SECONDS } from './status';
export type { SloStatus } from './status';
export { ruleFiles, localAlertmanagerConfig, alertmanagerConfig } from './rule-files';
export * from './model';
export {
  ALERT_NAME,
  DEFAULT_GRAFANA_URL,
  DEFAULT_RUNBOOK_BASE_URL,
  GENERATED_HEADER,
  GRAFANA_URL_ENV,
  HISTOGRAM_BUCKETS,
  RUNBOOK_BASE_URL_ENV,
  paths,
  PERIOD_GROUP_INTERVAL,
  record,
  SUMMED_FROM,
} from './naming';
export { sliQueries } from './rules/sli-queries';
export { durationSeconds } from './duration';
// The SLO alert contract: what the alerts carry, and how every Alertmanager config routes them.
export {
  ALERT_GROUP_BY,
  ALERT_ROUTES,
  INHIBIT_RULE,
  RECEIVER_NAMES,
  RECEIVERS,
  receiverWebhookPath,
  SEVERITIES,
  SEVERITY_LABEL,
  severityMatcher,
  SLO_ALERT_LABELS,
  SLO_NAME_LABEL,
  SLO_SERVICE_LABEL,
  sloId,
  sloSelector,
} from './naming';
export type { AlertRoute, Receiver, Severity } from './naming';
