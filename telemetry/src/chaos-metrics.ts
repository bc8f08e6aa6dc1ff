// What the chaos controller knows, as Prometheus metrics: which experiment has its fault injected
// now, and how each experiment's last run ended (verdict, budget consumed, detection and recovery
// times). The local stack's supervisor holds them for the controller (PUT /chaos/active and
// /chaos/result); on the kubernetes engine the controller serves them itself. The game-day
// dashboard and the chaos annotations read them.
import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import { METRICS } from './contract';

export const CHAOS_VERDICTS = ['passed', 'failed', 'refused', 'error', 'interrupted'] as const;
export type ChaosVerdict = (typeof CHAOS_VERDICTS)[number];

/** One finished run, as the controller reports it. Null: not measured (e.g. no alert fired). */
export interface ChaosResult {
  experiment: string;
  verdict: ChaosVerdict;
  /** Unix seconds. */
  endedAt: number;
  budgetConsumed: number | null;
  maxBurnRate: number | null;
  detectionSeconds: number | null;
  recoverySeconds: number | null;
}

const NAME = /^[a-z0-9-]{1,63}$/;

/** Checks a result from the wire; returns the field that is wrong, or the result. */
export function parseChaosResult(body: unknown): { result: ChaosResult } | { error: string } {
  if (typeof body !== 'object' || body === null) return { error: 'the body must be a JSON object' };
  const b = body as Record<string, unknown>;
  if (typeof b.experiment !== 'string' || !NAME.test(b.experiment))
    return { error: 'experiment must be a lower-case name' };
  if (typeof b.verdict !== 'string' || !(CHAOS_VERDICTS as readonly string[]).includes(b.verdict))
    return { error: `verdict must be one of ${CHAOS_VERDICTS.join(', ')}` };
  if (typeof b.endedAt !== 'number' || !Number.isFinite(b.endedAt) || b.endedAt <= 0)
    return { error: 'endedAt must be a Unix time in seconds' };
  for (const f of ['budgetConsumed', 'maxBurnRate', 'detectionSeconds', 'recoverySeconds'] as const) {
    const v = b[f];
    if (v !== null && (typeof v !== 'number' || !Number.isFinite(v)))
      return { error: `${f} must be a number or null` };
  }
  return { result: b as unknown as ChaosResult };
}

export class ChaosMetrics {
  private readonly active: Gauge<'experiment' | 'fault'>;
  private readonly runs: Counter<'experiment' | 'verdict'>;
  private readonly verdict: Gauge<'experiment' | 'verdict'>;
  private readonly lastRun: Gauge<'experiment'>;
  private readonly measured: Record<
    'budgetConsumed' | 'maxBurnRate' | 'detectionSeconds' | 'recoverySeconds',
    Gauge<'experiment'>
  >;

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.active = new Gauge({
      name: METRICS.chaosExperimentActive,
      help: '1 while a chaos experiment has its fault injected (set by `gameday chaos run`).',
      labelNames: ['experiment', 'fault'],
      registers,
    });
    this.runs = new Counter({
      name: METRICS.chaosRuns,
      help: 'Finished chaos experiment runs, by verdict.',
      labelNames: ['experiment', 'verdict'],
      registers,
    });
    this.verdict = new Gauge({
      name: METRICS.chaosVerdict,
      help: "1 for the verdict of the experiment's last run, 0 for the others.",
      labelNames: ['experiment', 'verdict'],
      registers,
    });
    this.lastRun = new Gauge({
      name: METRICS.chaosLastRun,
      help: "When the experiment's last run ended (Unix time).",
      labelNames: ['experiment'],
      registers,
    });
    const gauge = (name: string, help: string) =>
      new Gauge({ name, help, labelNames: ['experiment'], registers });
    this.measured = {
      budgetConsumed: gauge(
        METRICS.chaosBudgetConsumed,
        "Largest share of a target SLO's period error budget the last run spent (0.01 = 1%).",
      ),
      maxBurnRate: gauge(METRICS.chaosMaxBurnRate, 'Highest burn rate of a target SLO during the last run.'),
      detectionSeconds: gauge(
        METRICS.chaosDetection,
        'Seconds from injection until the first SLO alert of the target fired, in the last run (absent: none fired).',
      ),
      recoverySeconds: gauge(
        METRICS.chaosRecovery,
        'Seconds from fault removal until every target SLI met its objective again, in the last run.',
      ),
    };
  }

  setActive(experiment: string, fault: string, active: boolean): void {
    this.active.set({ experiment, fault }, active ? 1 : 0);
    // The run counters exist from the injection on, at 0: increase() then sees the run that ends.
    for (const v of CHAOS_VERDICTS) this.runs.inc({ experiment, verdict: v }, 0);
  }

  record(r: ChaosResult): void {
    const { experiment } = r;
    // Every verdict's series exists from an experiment's first run on (0 until it happens).
    for (const v of CHAOS_VERDICTS) this.runs.inc({ experiment, verdict: v }, 0);
    this.runs.inc({ experiment, verdict: r.verdict });
    for (const v of CHAOS_VERDICTS) this.verdict.set({ experiment, verdict: v }, v === r.verdict ? 1 : 0);
    this.lastRun.set({ experiment }, r.endedAt);
    for (const [field, gauge] of Object.entries(this.measured)) {
      const value = r[field as keyof typeof this.measured];
      if (value === null) gauge.remove({ experiment });
      else gauge.set({ experiment }, value);
    }
  }
}
