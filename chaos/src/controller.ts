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

  private now(): number {
    return Math.round(this.o.now?.() ?? Date.now()) / 1000;
  }

  async run(file: string, experiment: Experiment): Promise<Journal> {
    const runId = `gameday-${experiment.metadata.name}-${randomBytes(3).toString('hex')}`.slice(0, 63);
    const spec = experiment.spec;
    const h = spec.hypothesis;
    const events: JournalEvent[] = [];
    const queries: QueryRecord[] = [];
    const samples: SampleRecord[] = [];
    const alerts: AlertSnapshot[] = [];
    const resources: Journal['resources'] = [];
    const timeline: Timeline = { startedAt: this.now(), endedAt: 0 };
    let phase: Phase = 'preflight';
    let outcome = 'completed' as Outcome;
    let reason: string | undefined;
    let slos: SloRef[] = [];
    let exampleTraces: ExampleTraceRecord[] | undefined;
    let exampleTracesError: string | undefined;
    // What players saw while the fault was on: errors (and, for latency faults, the slowest
    // requests) of the target service that started between injection and removal, from the trace
    // backend. Asked once the fault is gone (a slow backend cannot hold the fault), beside the
    // recovery watch; never fails the run.
    let tracesAsked: Promise<void> | undefined;
    const collectTraces = () => {
      if (!this.o.traces || timeline.injectedAt === undefined || tracesAsked) return;
      const end = timeline.removedAt ?? this.now();
      tracesAsked = askTraces(timeline.injectedAt, end);
    };
    const askTraces = async (injectedAt: number, end: number) => {
      const f = spec.fault;
      const slowest = f.type === 'http-latency' || (f.type === 'network' && f.action === 'latency');
      try {
        exampleTraces = await this.o.traces!({
          service: spec.target.service,
          startUs: Math.floor(injectedAt * 1e6),
          endUs: Math.ceil(end * 1e6),
          slowest,
        });
        log(
          exampleTraces.length
            ? `example traces: ${exampleTraces.map((t) => `${t.traceId} (${t.reason})`).join(', ')}`
            : `no ${slowest ? 'failed or slow' : 'failed'} traces of ${spec.target.service} sampled while the fault was on`,
        );
      } catch (err) {
        exampleTracesError = (err as Error).message;
        log(`no example traces: ${exampleTracesError}`);
      }
    };
    const log = (message: string) => {
      events.push({ t: this.now(), phase, message });
      this.o.progress?.(`[${experiment.metadata.name}] ${phase}: ${message}`);
    };
    const enter = (p: Phase, message: string) => {
      phase = p;
      log(message);
    };
    const checkInterrupt = () => {
      if (this.o.signal?.aborted) throw new Interrupted('interrupted (Ctrl-C)');
    };

    const query = (purpose: QueryPurpose, slo: SloRef, windowSeconds: number): QueryRecord => {
      const id = `${purpose}:${slo.id}`;
      let q = queries.find((x) => x.id === id);
      if (!q) {
        q = {
          id,
          purpose,
          slo: slo.id,
          windowSeconds,
          promql: this.o.slos.errorRatio(slo.id, promWindow(windowSeconds)),
        };
        queries.push(q);
      }
      return q;
    };
    const evaluate = async (q: QueryRecord, t: number) => {
      const v = await this.o.prometheus.scalar(q.promql, t);
      samples.push({ q: q.id, t, v });
      return v;
    };
    const sample = async () => {
      const t = this.now();
      const qs: QueryRecord[] = [];
      for (const slo of slos) {
        qs.push(query('burn', slo, h.maxBurnRate?.window ?? 60));
        qs.push(query('recovery', slo, h.recoveryWindow));
        if (spec.abort) qs.push(query('abort', slo, spec.abort.window));
      }
      const unique = [...new Map(qs.map((q) => [q.id, q])).values()];
      const [, prom, am, snap] = await Promise.all([
        Promise.all(unique.map((q) => evaluate(q, t))),
        this.o.prometheus.alerts(),
        this.o.alertmanager?.alerts().catch(() => undefined),
        this.o.engine.snapshot().catch((err: Error) => [{ resource: 'engine', status: err.message }]),
      ]);
      alerts.push({
        t,
        prometheus: prom.filter((a) => a.state !== 'inactive'),
        ...(am ? { alertmanager: am.filter((a) => a.state === 'active') } : {}),
      });
      for (const s of snap) resources.push({ t, ...s });
    };
    const tickUntil = async (end: number, each?: () => boolean | void) => {
      while (this.now() < end) {
        checkInterrupt();
        const began = this.now();
        await sample();
        if (each?.()) return;
        const wait = Math.min(spec.sampleInterval, end - this.now()) - (this.now() - began);
        await sleep(Math.max(0, Math.max(wait, 0.05)) * 1000, this.o.signal);
      }
    };

    // attempted: inject() was called (remove() must run, even if it failed half-way);
    // holding: the fault stays until removed (not a one-shot kill).
    let attempted = false;
    let holding = false;
    let annotation: number | undefined;
    const faultName = spec.fault.type;
    const rollback = async (why: string) => {
      if (!attempted) return;
      attempted = false;
      log(holding ? `rolling back (${why})` : `ending the experiment (${why})`);
      // Whatever remove() did, the gauge, the annotation and the leftover check still happen.
      const removal = await this.o.engine.remove().then(
        () => undefined,
        (err: Error) => err,
      );
      timeline.removedAt ??= this.now();
      await this.o.active?.set(experiment.metadata.name, faultName, false).catch(() => undefined);
      if (annotation !== undefined && holding)
        await this.o.annotations?.end(annotation, timeline.removedAt).catch(() => undefined);
      const left = await this.o.engine.leftovers();
      if (left.length) {
        throw new Error(
          `rollback left faults behind: ${left.join('; ')}${removal ? ` (${removal.message})` : ''} — run \`gameday chaos cleanup\``,
        );
      }
      if (removal) throw removal;
      log('rolled back: nothing left injected');
    };

    try {
      // Preflight: the SLOs exist in Prometheus, the engine can act, the budget is not already burning.
      slos = this.o.slos.resolve(experiment);
      log(`SLOs: ${slos.map((s) => s.id).join(', ')}; engine ${this.o.engine.name}; run id ${runId}`);
      await this.o.prometheus.ready();
      for (const slo of slos) {
        const objective = await this.o.prometheus.scalar(this.o.slos.objectiveQuery(slo.id), this.now());
        if (objective === null) {
          throw new Error(
            `Prometheus has no rules for SLO ${slo.id}: load alerts/generated/${slo.service}.slo.rules.yml (the local stack does)`,
          );
        }
      }
      await this.o.engine.preflight(experiment, runId);
      // Budget-gated admission; with admissionWaitSeconds, wait for the burn to settle first.
      const admitBy = this.now() + (this.o.admissionWaitSeconds ?? 0);
      for (;;) {
        checkInterrupt();
        const t0 = this.now();
        const burning: string[] = [];
        for (const slo of slos) {
          const v = await evaluate(query('admission', slo, h.admission.window), t0);
          if (v !== null && v / slo.budget > h.admission.maxBurnRate) {
            burning.push(
              `${slo.id} burns ${(v / slo.budget).toFixed(2)}× over ${formatSeconds(h.admission.window)} (limit ${h.admission.maxBurnRate}×)`,
            );
          }
        }
        const snapshot: AlertSnapshot = {
          t: t0,
          prometheus: (await this.o.prometheus.alerts()).filter((a) => a.state !== 'inactive'),
        };
        alerts.push(snapshot);
        if (h.admission.refuseWhenAlertFiring) {
          const firing = firingSloAlerts(
            snapshot,
            new Set(slos.map((s) => s.service)),
            h.admission.alertSeverities,
          );
          if (firing.length) burning.push(`SLO alert firing: ${firing.join(', ')}`);
        }
        if (burning.length === 0) break;
        const why = `the error budget is already burning: ${burning.join('; ')}`;
        if (this.now() >= admitBy) throw new Refused(why);
        log(`waiting up to ${formatSeconds(admitBy - this.now())} for admission: ${why}`);
        await sleep(Math.min(15, Math.max(1, admitBy - this.now())) * 1000, this.o.signal);
      }
      log('admitted: target SLOs are within budget and no SLO alert fires');

      enter('baseline', `sampling the steady state for ${formatSeconds(spec.baseline)}`);
      await tickUntil(this.now() + spec.baseline);

      enter('inject', this.o.engine.describe(experiment, runId));
      checkInterrupt();
      holding = !isOneShot(spec.fault);
      attempted = true;
      await this.o.engine.inject(experiment, runId);
      timeline.injectedAt = this.now();
      if (!holding) timeline.removedAt = timeline.injectedAt;
      await this.o.active?.set(experiment.metadata.name, faultName, true).catch(() => undefined);
      annotation = await this.o.annotations
        ?.start(
          `chaos: ${experiment.metadata.name} (${faultName} on ${spec.target.service})`,
          ['gameday', 'chaos', experiment.metadata.name, faultName],
          timeline.injectedAt,
        )
        .catch(() => undefined);
      if (annotation !== undefined && !holding)
        await this.o.annotations?.end(annotation, timeline.injectedAt).catch(() => undefined);

      enter('observe', `fault active; watching for ${formatSeconds(spec.duration)}`);
      const abort = spec.abort;
      let lastProgress = timeline.injectedAt;
      await tickUntil(timeline.injectedAt + spec.duration, () => {
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
          log(
            `+${formatSeconds(lastProgress - timeline.injectedAt!)}: burn ${burns.join(', ')}; ${firing.length ? `firing ${firing.join(', ')}` : 'no SLO alert firing'}`,
          );
        }
        if (!abort) return false;
        for (const slo of slos) {
          const s = series(samples, `abort:${slo.id}`).filter((x) => x.t >= timeline.injectedAt!);
          const at = guardTrip(s, slo.budget, abort.burnRate, abort.for);
          if (at !== undefined) {
            outcome = 'aborted';
            timeline.abortedAt = at;
            reason = `${slo.id} burnt faster than ${abort.burnRate}× for ${formatSeconds(abort.for)}`;
            return true;
          }
        }
        return false;
      });

      enter('recover', outcome === 'aborted' ? `abort guard tripped: ${reason}` : 'removing the fault');
      await rollback(outcome === 'aborted' ? 'abort guard' : 'duration elapsed');
      if (timeline.removedAt === undefined) timeline.removedAt = this.now();
      collectTraces();
      if (outcome !== 'aborted') {
        // Watch until every SLI met its objective again and held it for a recovery window, and every
        // expected alert fired (or its time ran out); never longer than the hypothesis allows.
        const removed = timeline.removedAt;
        const alertDeadline = Math.max(
          0,
          ...h.expectAlert.map((x) => timeline.injectedAt! + (x.within ?? 0) + 60),
        );
        const cap = Math.max(
          removed + (h.recoveryWithin ?? 60) + h.recoveryWindow + 2 * spec.sampleInterval,
          alertDeadline,
        );
        const hold = h.recoveryWindow + spec.sampleInterval;
        await tickUntil(cap, () => {
          const now = this.now();
          const stable = slos.every((slo) => {
            const at = recoveredAt(series(samples, `recovery:${slo.id}`), slo.budget, removed);
            return at !== undefined && now - Math.max(at, removed) >= hold;
          });
          const alertsDone = h.expectAlert.every(
            (x) =>
              firstFiring(alerts, x, timeline.injectedAt!) !== undefined &&
              (this.o.receivers === undefined || now > timeline.injectedAt! + (x.within ?? 0) + 45),
          );
          return stable && (h.expectAlert.length === 0 || alertsDone || now > alertDeadline);
        });
        const recovered = slos.map((slo) =>
          recoveredAt(series(samples, `recovery:${slo.id}`), slo.budget, removed),
        );
        log(
          recovered.every((x) => x !== undefined)
            ? `SLIs back within objective after ${formatSeconds(Math.max(...recovered.map((x) => x! - removed)))}`
            : 'not every SLI recovered while watched',
        );
      }

      enter('verify', 'measuring the error budget spent and checking the hypothesis');
      const tEnd = this.now();
      for (const slo of slos) {
        const q: QueryRecord = {
          id: `budget:${slo.id}`,
          purpose: 'budget',
          slo: slo.id,
          windowSeconds: Math.max(1, Math.round(tEnd - timeline.injectedAt)),
          promql: '',
        };
        q.promql = this.o.slos.errorRatio(slo.id, promWindow(q.windowSeconds));
        queries.push(q);
        await evaluate(q, tEnd);
      }
    } catch (err) {
      if (err instanceof Refused) {
        outcome = 'refused';
        reason = err.message;
      } else if (err instanceof Interrupted || this.o.signal?.aborted) {
        outcome = 'interrupted';
        reason = 'interrupted (Ctrl-C)';
      } else {
        outcome = 'error';
        reason = (err as Error).message;
      }
      log(reason);
      try {
        await rollback(outcome);
      } catch (rollbackErr) {
        outcome = 'error';
        reason = `${reason}; ${(rollbackErr as Error).message}`;
        log((rollbackErr as Error).message);
      }
    }

    // After an error or Ctrl-C the fault is gone too (or the run says it is not): ask now.
    collectTraces();
    await tracesAsked;
    const receiversSeen =
      this.o.receivers && timeline.injectedAt !== undefined
        ? (await this.o.receivers.notifications().catch(() => [])).filter(
            (n) => Date.parse(n.received_at) / 1000 >= timeline.startedAt,
          )
        : [];
    timeline.endedAt = this.now();
    phase = 'report';
    const evidence = {
      version: JOURNAL_VERSION,
      runId,
      file,
      experiment,
      engine: this.o.engine.name,
      dryRun: false,
      timeline,
      outcome,
      ...(reason ? { reason } : {}),
      slos,
      queries,
      samples,
      alerts,
      notifications: receiversSeen,
      resources,
      events,
      ...(exampleTraces !== undefined ? { exampleTraces } : {}),
      ...(exampleTracesError !== undefined ? { exampleTracesError } : {}),
    } satisfies Omit<Journal, 'verdict'>;
    const verdict = computeVerdict(evidence);
    log(`${verdict.status.toUpperCase()}: ${verdict.summary}`);
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
}
