// The controller: preflight → baseline → inject → observe → recover → verify → report.
//
// It samples the target SLOs' error ratios at exact evaluation times (instant queries with time=),
// the alerts Prometheus and Alertmanager hold and the engine's resources, and keeps every sample in
// the journal. Whatever happens after injection — the abort guard trips, an error, Ctrl-C — the
// fault is removed and the engine confirms nothing is left behind before the report is written.

import { randomBytes } from 'node:crypto';
import type { Engine } from './engine';
import { formatSeconds } from './duration';
import { promWindow } from './duration';
import type {
  AlertSnapshot,
  ExampleTraceRecord,
  Journal,
  JournalEvent,
  Outcome,
  Phase,
  QueryPurpose,
  QueryRecord,
  SampleRecord,
  SloRef,
  Timeline,
} from './journal';
import { JOURNAL_VERSION } from './journal';
import type { Alertmanager, Prometheus, ReceiverSink } from './observe';
import type { ChaosResult } from '@gameday/telemetry/chaos-metrics';
import type { SloCatalogue } from './slos';
import type { Experiment } from './spec';
import { isOneShot } from './spec';
import { computeVerdict, firingSloAlerts, firstFiring, guardTrip, recoveredAt, series } from './verdict';

/** Shows that a fault is active: the gauge gameday_chaos_experiment_active{experiment,fault}. */
export interface ActiveFaultSink {
  set(experiment: string, fault: string, active: boolean): Promise<void>;
  /** A finished run's verdict and measurements (gameday_chaos_experiment_*: the game-day dashboard). */
  result?(result: ChaosResult): Promise<void>;
}

/** Grafana region annotations (start at injection, end at removal). */
export interface Annotations {
  start(text: string, tags: string[], at: number): Promise<number | undefined>;
  end(id: number, at: number): Promise<void>;
}

/** Finds example traces of a service in a time window (the trace backend; signals' findExampleTraces). */
export type TraceEvidence = (q: {
  service: string;
  startUs: number;
  endUs: number;
  slowest: boolean;
}) => Promise<ExampleTraceRecord[]>;

export interface ControllerOptions {
  engine: Engine;
  prometheus: Prometheus;
  alertmanager?: Alertmanager;
  receivers?: ReceiverSink;
  slos: SloCatalogue;
  active?: ActiveFaultSink;
  annotations?: Annotations;
  /** Example traces for the report, asked for while the fault is still on. */
  traces?: TraceEvidence;
  /** Ctrl-C: aborts the run, rolls back, writes the report. */
  signal?: AbortSignal;
  progress?: (line: string) => void;
  /** Instead of refusing at once while the target SLOs burn, wait up to this long (game days). */
  admissionWaitSeconds?: number;
  /** The clock (unix ms); Date.now by default. */
  now?: () => number;
}

class Interrupted extends Error {}
class Refused extends Error {}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export class Controller {
  constructor(private readonly o: ControllerOptions) {}

  async run(file: string, experiment: Experiment): Promise<Journal> {
    const run = new ExperimentRun(this.o, file, experiment);
    try {
      await run.preflight();
      await run.admit();
      await run.baseline();
      await run.inject();
      await run.observe();
      await run.recover();
      await run.verify();
    } catch (err) {
      await run.fail(err);
    }
    return run.report();
  }
}

/** One run of one experiment: the evidence gathered so far, and one method per phase. */
class ExperimentRun {
  private readonly runId: string;
  private readonly spec: Experiment['spec'];
  private readonly h: Experiment['spec']['hypothesis'];
  private readonly faultName: string;
  private readonly events: JournalEvent[] = [];
  private readonly queries: QueryRecord[] = [];
  private readonly samples: SampleRecord[] = [];
  private readonly alerts: AlertSnapshot[] = [];
  private readonly resources: Journal['resources'] = [];
  private readonly timeline: Timeline;
  private phase: Phase = 'preflight';
  private outcome: Outcome = 'completed';
  private reason: string | undefined;
  private slos: SloRef[] = [];
  private exampleTraces: ExampleTraceRecord[] | undefined;
  private exampleTracesError: string | undefined;
  // What players saw while the fault was on: errors (and, for latency faults, the slowest
  // requests) of the target service that started between injection and removal, from the trace
  // backend. Asked once the fault is gone (a slow backend cannot hold the fault), beside the
  // recovery watch; never fails the run.
  private tracesAsked: Promise<void> | undefined;
  // attempted: inject() was called (remove() must run, even if it failed half-way);
  // holding: the fault stays until removed (not a one-shot kill).
  private attempted = false;
  private holding = false;
  private annotation: number | undefined;

  constructor(
    private readonly o: ControllerOptions,
    private readonly file: string,
    private readonly experiment: Experiment,
  ) {
    this.runId = `gameday-${experiment.metadata.name}-${randomBytes(3).toString('hex')}`.slice(0, 63);
    this.spec = experiment.spec;
    this.h = this.spec.hypothesis;
    this.timeline = { startedAt: this.now(), endedAt: 0 };
    this.faultName = this.spec.fault.type;
  }

  /** Preflight: the SLOs exist in Prometheus and the engine can act. */
  async preflight(): Promise<void> {
    this.slos = this.o.slos.resolve(this.experiment);
    this.log(
      `SLOs: ${this.slos.map((s) => s.id).join(', ')}; engine ${this.o.engine.name}; run id ${this.runId}`,
    );
    await this.o.prometheus.ready();
    for (const slo of this.slos) {
      const objective = await this.o.prometheus.scalar(this.o.slos.objectiveQuery(slo.id), this.now());
      if (objective === null) {
        throw new Error(
          `Prometheus has no rules for SLO ${slo.id}: load alerts/generated/${slo.service}.slo.rules.yml (the local stack does)`,
        );
      }
    }
    await this.o.engine.preflight(this.experiment, this.runId);
  }

  /**
   * Budget-gated admission (still the preflight phase): the budget is not already burning and no SLO
   * alert fires; with admissionWaitSeconds, wait for the burn to settle first.
   */
  async admit(): Promise<void> {
    const { admission } = this.h;
    const admitBy = this.now() + (this.o.admissionWaitSeconds ?? 0);
    for (;;) {
      this.checkInterrupt();
      const t0 = this.now();
      const burning: string[] = [];
      for (const slo of this.slos) {
        const v = await this.evaluate(this.query('admission', slo, admission.window), t0);
        if (v !== null && v / slo.budget > admission.maxBurnRate) {
          burning.push(
            `${slo.id} burns ${(v / slo.budget).toFixed(2)}× over ${formatSeconds(admission.window)} (limit ${admission.maxBurnRate}×)`,
          );
        }
      }
      const snapshot: AlertSnapshot = {
        t: t0,
        prometheus: (await this.o.prometheus.alerts()).filter((a) => a.state !== 'inactive'),
      };
      this.alerts.push(snapshot);
      if (admission.refuseWhenAlertFiring) {
        const firing = firingSloAlerts(
          snapshot,
          new Set(this.slos.map((s) => s.service)),
          admission.alertSeverities,
        );
        if (firing.length) burning.push(`SLO alert firing: ${firing.join(', ')}`);
      }
      if (burning.length === 0) break;
      const why = `the error budget is already burning: ${burning.join('; ')}`;
      if (this.now() >= admitBy) throw new Refused(why);
      this.log(`waiting up to ${formatSeconds(admitBy - this.now())} for admission: ${why}`);
      await sleep(Math.min(15, Math.max(1, admitBy - this.now())) * 1000, this.o.signal);
    }
    this.log('admitted: target SLOs are within budget and no SLO alert fires');
  }

  async baseline(): Promise<void> {
    this.enter('baseline', `sampling the steady state for ${formatSeconds(this.spec.baseline)}`);
    await this.tickUntil(this.now() + this.spec.baseline);
  }

  async inject(): Promise<void> {
    const { experiment, spec, timeline, faultName } = this;
    this.enter('inject', this.o.engine.describe(experiment, this.runId));
    this.checkInterrupt();
    this.holding = !isOneShot(spec.fault);
    this.attempted = true;
    await this.o.engine.inject(experiment, this.runId);
    timeline.injectedAt = this.now();
    if (!this.holding) timeline.removedAt = timeline.injectedAt;
    await this.o.active?.set(experiment.metadata.name, faultName, true).catch(() => undefined);
    this.annotation = await this.o.annotations
      ?.start(
        `chaos: ${experiment.metadata.name} (${faultName} on ${spec.target.service})`,
        ['gameday', 'chaos', experiment.metadata.name, faultName],
        timeline.injectedAt,
      )
      .catch(() => undefined);
    if (this.annotation !== undefined && !this.holding)
      await this.o.annotations?.end(this.annotation, timeline.injectedAt).catch(() => undefined);
  }

  /** Watches the fault for its duration; the abort guard may end it early (outcome 'aborted'). */
  async observe(): Promise<void> {
    const { spec, slos, samples, alerts, timeline } = this;
    const injectedAt = timeline.injectedAt!;
    this.enter('observe', `fault active; watching for ${formatSeconds(spec.duration)}`);
    const abort = spec.abort;
    let lastProgress = injectedAt;
    await this.tickUntil(injectedAt + spec.duration, () => {
      // Long faults show progress: the burn rates and the SLO alerts firing, every 30 s.
      if (this.now() - lastProgress >= 30) {
        lastProgress = this.now();
        const burns = slos.map((slo) => {
          const last = series(samples, `burn:${slo.id}`).at(-1);
          return `${slo.id} ${last?.v == null ? 'no data' : `${(last.v / slo.budget).toFixed(1)}×`}`;
        });
        const firing = alerts.at(-1)
          ? firingSloAlerts(alerts.at(-1)!, new Set(slos.map((x) => x.service)))
          : [];
        this.log(
          `+${formatSeconds(lastProgress - injectedAt)}: burn ${burns.join(', ')}; ${firing.length ? `firing ${firing.join(', ')}` : 'no SLO alert firing'}`,
        );
      }
      if (!abort) return false;
      for (const slo of slos) {
        const s = series(samples, `abort:${slo.id}`).filter((x) => x.t >= injectedAt);
        const at = guardTrip(s, slo.budget, abort.burnRate, abort.for);
        if (at !== undefined) {
          this.outcome = 'aborted';
          timeline.abortedAt = at;
          this.reason = `${slo.id} burnt faster than ${abort.burnRate}× for ${formatSeconds(abort.for)}`;
          return true;
        }
      }
      return false;
    });
  }

  /** Removes the fault and, unless the abort guard tripped, watches the SLIs recover. */
  async recover(): Promise<void> {
    const { spec, h, slos, samples, alerts, timeline } = this;
    const aborted = this.outcome === 'aborted';
    this.enter('recover', aborted ? `abort guard tripped: ${this.reason}` : 'removing the fault');
    await this.rollback(aborted ? 'abort guard' : 'duration elapsed');
    if (timeline.removedAt === undefined) timeline.removedAt = this.now();
    // After an abort nothing is watched: verify() asks for the traces as it begins, so that a trace
    // backend that answers at once still logs in the verify phase.
    if (aborted) return;
    this.collectTraces();
    // Watch until every SLI met its objective again and held it for a recovery window, and every
    // expected alert fired (or its time ran out); never longer than the hypothesis allows.
    const injectedAt = timeline.injectedAt!;
    const removed = timeline.removedAt;
    const alertDeadline = Math.max(0, ...h.expectAlert.map((x) => injectedAt + (x.within ?? 0) + 60));
    const cap = Math.max(
      removed + (h.recoveryWithin ?? 60) + h.recoveryWindow + 2 * spec.sampleInterval,
      alertDeadline,
    );
    const hold = h.recoveryWindow + spec.sampleInterval;
    await this.tickUntil(cap, () => {
      const now = this.now();
      const stable = slos.every((slo) => {
        const at = recoveredAt(series(samples, `recovery:${slo.id}`), slo.budget, removed);
        return at !== undefined && now - Math.max(at, removed) >= hold;
      });
      const alertsDone = h.expectAlert.every(
        (x) =>
          firstFiring(alerts, x, injectedAt) !== undefined &&
          (this.o.receivers === undefined || now > injectedAt + (x.within ?? 0) + 45),
      );
      return stable && (h.expectAlert.length === 0 || alertsDone || now > alertDeadline);
    });
    const recovered = slos.map((slo) =>
      recoveredAt(series(samples, `recovery:${slo.id}`), slo.budget, removed),
    );
    this.log(
      recovered.every((x) => x !== undefined)
        ? `SLIs back within objective after ${formatSeconds(Math.max(...recovered.map((x) => x! - removed)))}`
        : 'not every SLI recovered while watched',
    );
  }

  /** Measures the error budget each SLO spent since injection. */
  async verify(): Promise<void> {
    // Asked here only after an abort (see recover()); otherwise this does nothing.
    this.collectTraces();
    this.enter('verify', 'measuring the error budget spent and checking the hypothesis');
    const injectedAt = this.timeline.injectedAt!;
    const tEnd = this.now();
    for (const slo of this.slos) {
      const q: QueryRecord = {
        id: `budget:${slo.id}`,
        purpose: 'budget',
        slo: slo.id,
        windowSeconds: Math.max(1, Math.round(tEnd - injectedAt)),
        promql: '',
      };
      q.promql = this.o.slos.errorRatio(slo.id, promWindow(q.windowSeconds));
      this.queries.push(q);
      await this.evaluate(q, tEnd);
    }
  }

  /** A refusal, Ctrl-C or an error ends the run: the outcome says which, and the fault comes out. */
  async fail(err: unknown): Promise<void> {
    let reason: string;
    if (err instanceof Refused) {
      this.outcome = 'refused';
      reason = err.message;
    } else if (err instanceof Interrupted || this.o.signal?.aborted) {
      this.outcome = 'interrupted';
      reason = 'interrupted (Ctrl-C)';
    } else {
      this.outcome = 'error';
      reason = (err as Error).message;
    }
    this.reason = reason;
    this.log(reason);
    try {
      await this.rollback(this.outcome);
    } catch (rollbackErr) {
      this.outcome = 'error';
      this.reason = `${reason}; ${(rollbackErr as Error).message}`;
      this.log((rollbackErr as Error).message);
    }
  }

  /** Removes the fault if inject() was called, and checks the engine left nothing behind. */
  private async rollback(why: string): Promise<void> {
    if (!this.attempted) return;
    this.attempted = false;
    const { timeline } = this;
    this.log(this.holding ? `rolling back (${why})` : `ending the experiment (${why})`);
    // Whatever remove() did, the gauge, the annotation and the leftover check still happen.
    const removal = await this.o.engine.remove().then(
      () => undefined,
      (err: Error) => err,
    );
    timeline.removedAt ??= this.now();
    await this.o.active?.set(this.experiment.metadata.name, this.faultName, false).catch(() => undefined);
    if (this.annotation !== undefined && this.holding)
      await this.o.annotations?.end(this.annotation, timeline.removedAt).catch(() => undefined);
    const left = await this.o.engine.leftovers();
    if (left.length) {
      throw new Error(
        `rollback left faults behind: ${left.join('; ')}${removal ? ` (${removal.message})` : ''} — run \`gameday chaos cleanup\``,
      );
    }
    if (removal) throw removal;
    this.log('rolled back: nothing left injected');
  }

  /** The journal: the evidence and its verdict. */
  async report(): Promise<Journal> {
    // After an error or Ctrl-C the fault is gone too (or the run says it is not): ask now.
    this.collectTraces();
    await this.tracesAsked;
    const { experiment, timeline, reason, slos, exampleTraces, exampleTracesError } = this;
    const receiversSeen =
      this.o.receivers && timeline.injectedAt !== undefined
        ? (await this.o.receivers.notifications().catch(() => [])).filter(
            (n) => Date.parse(n.received_at) / 1000 >= timeline.startedAt,
          )
        : [];
    timeline.endedAt = this.now();
    this.phase = 'report';
    const evidence = {
      version: JOURNAL_VERSION,
      runId: this.runId,
      file: this.file,
      experiment,
      engine: this.o.engine.name,
      dryRun: false,
      timeline,
      outcome: this.outcome,
      ...(reason ? { reason } : {}),
      slos,
      queries: this.queries,
      samples: this.samples,
      alerts: this.alerts,
      notifications: receiversSeen,
      resources: this.resources,
      events: this.events,
      ...(exampleTraces !== undefined ? { exampleTraces } : {}),
      ...(exampleTracesError !== undefined ? { exampleTracesError } : {}),
    } satisfies Omit<Journal, 'verdict'>;
    const verdict = computeVerdict(evidence);
    this.log(`${verdict.status.toUpperCase()}: ${verdict.summary}`);
    await this.o.active
      ?.result?.({
        experiment: experiment.metadata.name,
        verdict: verdict.status,
        endedAt: timeline.endedAt,
        budgetConsumed: verdict.budgetConsumed,
        maxBurnRate: verdict.maxBurnRate,
        detectionSeconds: verdict.detectionSeconds,
        recoverySeconds: verdict.recoverySeconds,
      })
      .catch(() => undefined);
    return { ...evidence, verdict };
  }

  private now(): number {
    return Math.round(this.o.now?.() ?? Date.now()) / 1000;
  }

  private log(message: string): void {
    this.events.push({ t: this.now(), phase: this.phase, message });
    this.o.progress?.(`[${this.experiment.metadata.name}] ${this.phase}: ${message}`);
  }

  private enter(phase: Phase, message: string): void {
    this.phase = phase;
    this.log(message);
  }

  private checkInterrupt(): void {
    if (this.o.signal?.aborted) throw new Interrupted('interrupted (Ctrl-C)');
  }

  /** Asks the trace backend for example traces once, in the background (awaited by report()). */
  private collectTraces(): void {
    if (!this.o.traces || this.timeline.injectedAt === undefined || this.tracesAsked) return;
    const end = this.timeline.removedAt ?? this.now();
    this.tracesAsked = this.askTraces(this.timeline.injectedAt, end);
  }

  private async askTraces(injectedAt: number, end: number): Promise<void> {
    const { spec } = this;
    const f = spec.fault;
    const slowest = f.type === 'http-latency' || (f.type === 'network' && f.action === 'latency');
    try {
      this.exampleTraces = await this.o.traces!({
        service: spec.target.service,
        startUs: Math.floor(injectedAt * 1e6),
        endUs: Math.ceil(end * 1e6),
        slowest,
      });
      this.log(
        this.exampleTraces.length
          ? `example traces: ${this.exampleTraces.map((t) => `${t.traceId} (${t.reason})`).join(', ')}`
          : `no ${slowest ? 'failed or slow' : 'failed'} traces of ${spec.target.service} sampled while the fault was on`,
      );
    } catch (err) {
      this.exampleTracesError = (err as Error).message;
      this.log(`no example traces: ${this.exampleTracesError}`);
    }
  }

  /** The query of a purpose and SLO, recorded in the journal the first time it is asked for. */
  private query(purpose: QueryPurpose, slo: SloRef, windowSeconds: number): QueryRecord {
    const id = `${purpose}:${slo.id}`;
    let q = this.queries.find((x) => x.id === id);
    if (!q) {
      q = {
        id,
        purpose,
        slo: slo.id,
        windowSeconds,
        promql: this.o.slos.errorRatio(slo.id, promWindow(windowSeconds)),
      };
      this.queries.push(q);
    }
    return q;
  }

  private async evaluate(q: QueryRecord, t: number): Promise<number | null> {
    const v = await this.o.prometheus.scalar(q.promql, t);
    this.samples.push({ q: q.id, t, v });
    return v;
  }

  /** One sample: every SLO's error ratios, the alerts held and the engine's resources, at one time. */
  private async sample(): Promise<void> {
    const { spec, h } = this;
    const t = this.now();
    const qs: QueryRecord[] = [];
    for (const slo of this.slos) {
      qs.push(this.query('burn', slo, h.maxBurnRate?.window ?? 60));
      qs.push(this.query('recovery', slo, h.recoveryWindow));
      if (spec.abort) qs.push(this.query('abort', slo, spec.abort.window));
    }
    const unique = [...new Map(qs.map((q) => [q.id, q])).values()];
    const [, prom, am, snap] = await Promise.all([
      Promise.all(unique.map((q) => this.evaluate(q, t))),
      this.o.prometheus.alerts(),
      this.o.alertmanager?.alerts().catch(() => undefined),
      this.o.engine.snapshot().catch((err: Error) => [{ resource: 'engine', status: err.message }]),
    ]);
    this.alerts.push({
      t,
      prometheus: prom.filter((a) => a.state !== 'inactive'),
      ...(am ? { alertmanager: am.filter((a) => a.state === 'active') } : {}),
    });
    for (const s of snap) this.resources.push({ t, ...s });
  }

  /** Samples every sampleInterval until `end`, or until `each` (called after each sample) says stop. */
  private async tickUntil(end: number, each?: () => boolean | void): Promise<void> {
    while (this.now() < end) {
      this.checkInterrupt();
      const began = this.now();
      await this.sample();
      if (each?.()) return;
      const wait = Math.min(this.spec.sampleInterval, end - this.now()) - (this.now() - began);
      await sleep(Math.max(0, Math.max(wait, 0.05)) * 1000, this.o.signal);
    }
  }
}
