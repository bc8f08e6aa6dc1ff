// The evidence journal: everything a verdict is computed from, written as JSON next to the Markdown
// report. `gameday chaos verify <report.json>` recomputes the verdict from it offline, so a reviewer
// does not have to trust the run: the exact PromQL, the evaluation times, the raw samples, the alert
// snapshots (Prometheus, Alertmanager, receivers) and the engine's resource snapshots are all here.

import type { AlertmanagerAlert, AlertState, Notification } from './observe';
import type { Experiment } from './spec';

export const JOURNAL_VERSION = 1;

/** One SLO the hypothesis is about, as the spec defines it. */
export interface SloRef {
  /** service/slo */
  id: string;
  service: string;
  name: string;
  /** Objective as a ratio (0.999). */
  objective: number;
  /** 1 - objective. */
  budget: number;
  periodSeconds: number;
}

export type QueryPurpose = 'admission' | 'burn' | 'abort' | 'recovery' | 'budget';

export interface QueryRecord {
  /** `<purpose>:<service>/<slo>` */
  id: string;
  purpose: QueryPurpose;
  slo: string;
  /** The range the error ratio is taken over. */
  windowSeconds: number;
  promql: string;
}

/** One evaluation: query id, evaluation time (unix seconds), value (null: no data). */
export interface SampleRecord {
  q: string;
  t: number;
  v: number | null;
}

export interface AlertSnapshot {
  t: number;
  /** Alerts Prometheus has pending or firing. */
  prometheus: AlertState[];
  /** Alerts Alertmanager holds, with the receivers they route to (absent when not reachable). */
  alertmanager?: AlertmanagerAlert[];
}

export interface ResourceSnapshot {
  t: number;
  /** What the engine looked at: a process, a fault switch, a proxy, a Chaos Mesh resource. */
  resource: string;
  status: unknown;
}

export interface ExampleTraceRecord {
  traceId: string;
  reason: 'error' | 'slow';
  /** One line: root span, duration, spans, services, error spans. */
  summary: string;
  /** Where the trace was read (Jaeger's query API), to open it while it is kept. */
  url: string;
  waterfall: string;
}

export interface JournalEvent {
  t: number;
  phase: Phase;
  message: string;
}

export type Phase = 'preflight' | 'baseline' | 'inject' | 'observe' | 'recover' | 'verify' | 'report';

export type Outcome = 'completed' | 'aborted' | 'interrupted' | 'refused' | 'error';

export interface Timeline {
  startedAt: number;
  injectedAt?: number;
  removedAt?: number;
  abortedAt?: number;
  endedAt: number;
}

export interface Check {
  name: string;
  slo?: string;
  passed: boolean;
  expected: string;
  observed: string;
}

export type VerdictStatus = 'passed' | 'failed' | 'refused' | 'error' | 'interrupted';

export interface Verdict {
  status: VerdictStatus;
  exitCode: 0 | 1 | 2;
  /** One line: why. */
  summary: string;
  checks: Check[];
  /** The largest share of a period's error budget spent by one target SLO (0.01 = 1%). */
  budgetConsumed: number | null;
  maxBurnRate: number | null;
  /** Seconds from injection until the first SLO alert of a target service fired. */
  detectionSeconds: number | null;
  /** Seconds from fault removal until every target SLI met its objective again (and stayed). */
  recoverySeconds: number | null;
  alertsFired: string[];
}

export interface Journal {
  version: typeof JOURNAL_VERSION;
  runId: string;
  file: string;
  experiment: Experiment;
  engine: 'local' | 'kubernetes';
  dryRun: boolean;
  timeline: Timeline;
  outcome: Outcome;
  /** Why the run was refused, aborted or failed to run. */
  reason?: string;
  slos: SloRef[];
  queries: QueryRecord[];
  samples: SampleRecord[];
  alerts: AlertSnapshot[];
  /** Receiver notifications received since the start (local stack's webhook sink). */
  notifications: Notification[];
  resources: ResourceSnapshot[];
  events: JournalEvent[];
  /**
   * Example traces of the target service while the fault was on (errors, and the slowest for
   * latency faults), with their waterfalls: what players saw. Evidence only; the verdict does not
   * read them. Absent when no trace backend was configured.
   */
  exampleTraces?: ExampleTraceRecord[];
  /** Why there are no example traces (the trace backend did not answer). */
  exampleTracesError?: string;
  /** The verdict as computed when the run ended (verify recomputes and compares). */
  verdict: Verdict;
}
