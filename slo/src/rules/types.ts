/** Prometheus rule-file shapes, in the key order Prometheus documents them. */
export type Labels = Record<string, string>;

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Labels;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Labels;
  annotations: Labels;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  name: string;
  /** Evaluation interval; the global one when absent. */
  interval?: string;
  rules: Rule[];
}
