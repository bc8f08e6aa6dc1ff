// The experiment spec (ARCHITECTURE.md §5): chaos/experiments/*.yaml. One document per file names a target,
// a fault, how long it lasts and the hypothesis: SLO conditions the run is judged by. Parsing is
// strict (unknown fields are errors) and every problem names the file and the field at fault.
//
//   apiVersion: gameday/v1
//   kind: ChaosExperiment
//   metadata: { name: kill-accounts, description: ... }
//   spec:
//     target: { service: accounts }
//     fault: { type: process-kill }
//     duration: 30s
//     hypothesis:
//       slos: [gateway/availability]
//       maxBudgetConsumed: 2%
//       recoveryWithin: 1m
//       expectNoAlert: [{ alertname: SLOErrorBudgetBurn, labels: { severity: critical } }]

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { SEVERITIES } from '@gameday/slo';
import { z } from 'zod';
import { CLUSTER_EXTERNALS } from './externals';
import { parseDuration } from './duration';

/** What can be wrong with a spec: each problem names the file and the field. */
export interface SpecProblem {
  file: string;
  path: string;
  message: string;
}

export class ExperimentSpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map((p) => `${p.file}: ${p.path || '(document)'}: ${p.message}`).join('\n'));
    this.name = 'ExperimentSpecError';
  }
}

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const name = (what: string) =>
  z.string().regex(NAME, `must be a ${what} name: lower-case letters, digits and dashes (a DNS label)`);

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  if (typeof value === 'number') {
    ctx.addIssue({ code: 'custom', message: `${value} has no unit: write it like 30s, 2m or 500ms` });
    return z.NEVER;
  }
  try {
    return parseDuration(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** 50, "50%" or 0.5% — a percentage between 0 and 100, returned as a ratio (0.5). */
const percent = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!m || !(n >= 0 && n <= 100)) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a percentage between 0 and 100 (e.g. 50%)` });
    return z.NEVER;
  }
  return n / 100;
});

/** A positive number of KB/s, bytes or workers. */
const positive = (what: string) => z.number().positive(`${what} must be greater than 0`);

const sloRef = z
  .string()
  .regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'must name an SLO as <service>/<slo>, e.g. gateway/availability');

const labels = z.record(z.string(), z.string());

const alertExpectation = z.strictObject({
  alertname: z.string().min(1, 'must name the alert'),
  labels: labels.default({}),
  /** Firing in Prometheus within this long after injection (expectAlert only). */
  within: duration.optional(),
  /** The Alertmanager receiver that must have been notified (expectAlert; default: any). */
  receiver: z.string().optional(),
});

export const FAULT_TYPES = [
  'process-kill',
  'process-pause',
  'http-error',
  'http-latency',
  'network',
  'kafka-broker-kill',
  'cpu-stress',
  'memory-stress',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

export const NETWORK_ACTIONS = ['latency', 'reset', 'blackhole', 'bandwidth', 'loss'] as const;

const faultSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('process-kill'),
      /** Kill one container instead of the whole pod (kubernetes engine: container-kill). */
      container: z.string().optional(),
      signal: z.enum(['SIGKILL', 'SIGTERM']).default('SIGKILL'),
    }),
    z.strictObject({ type: z.literal('process-pause') }),
    z.strictObject({
      type: z.literal('http-error'),
      percent: percent.default(1), // a default is the parsed value: 1 = 100%
      status: z.number().int().min(500, 'must be a 5xx status').max(599, 'must be a 5xx status').default(503),
      /** A route template of the service (`/api/v1/casino/games/:game/rounds`); all routes when absent. */
      route: z.string().startsWith('/', 'must start with /').optional(),
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
    }),
    z.strictObject({
      type: z.literal('http-latency'),
      delay: duration,
      percent: percent.default(1), // a default is the parsed value: 1 = 100%
      route: z.string().startsWith('/', 'must start with /').optional(),
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
    }),
    z.strictObject({
      type: z.literal('network'),
      action: z.enum(NETWORK_ACTIONS),
      /** Only traffic from this service to the target (an edge); all clients when absent. */
      from: name('service').optional(),
      latency: duration.optional(),
      jitter: duration.optional(),
      /** bandwidth: the rate left, in KB/s. */
      rateKBps: positive('rateKBps').optional(),
      /** loss: the share of packets dropped. */
      percent: percent.optional(),
    }),
    z.strictObject({ type: z.literal('kafka-broker-kill') }),
    z.strictObject({
      type: z.literal('cpu-stress'),
      workers: z.number().int().min(1, 'at least 1 worker').max(64, 'at most 64 workers').default(2),
      load: percent.default(1),
    }),
    z.strictObject({
      type: z.literal('memory-stress'),
      sizeMB: z.number().int().min(1).max(16384, 'at most 16384 MB'),
    }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `unknown fault type ${JSON.stringify((issue.input as { type?: unknown } | undefined)?.type)}; expected one of ${FAULT_TYPES.join(', ')}`
        : undefined,
  },
);
export type Fault = z.output<typeof faultSchema>;

const experimentSchema = z.strictObject({
  apiVersion: z.literal('gameday/v1', { error: 'must be gameday/v1' }),
  kind: z.literal('ChaosExperiment', { error: 'must be ChaosExperiment' }),
  metadata: z.strictObject({
    name: name('experiment'),
    description: z.string().default(''),
    tags: z.array(z.string()).default([]),
  }),
  spec: z.strictObject({
    target: z.strictObject({
      /** The stack component (local) or the app.kubernetes.io/name of the pods (kubernetes). */
      service: name('service'),
      /** Kubernetes namespace (default: the --namespace option, else gameday). */
      namespace: z.string().optional(),
      /** Kubernetes: how many of the matching pods (Chaos Mesh mode one/all). */
      mode: z.enum(['one', 'all']).default('all'),
      /**
       * The hosts the target stands for when it runs outside the cluster (PokeAPI: pokeapi.co). The
       * kubernetes engine puts a network fault on the `from` pods towards these hosts (NetworkChaos
       * externalTargets); the local engine acts on the stack component named by `service` (a double).
       */
      external: z
        .array(
          z
            .string()
            .regex(
              /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/,
              'must be a host name',
            ),
        )
        .min(1)
        .optional(),
    }),
    fault: faultSchema,
    /** How long the fault stays injected (a one-shot kill: how long it is watched before recovery). */
    duration,
    /** Samples taken before injecting, to record the steady state. */
    baseline: duration.default(10),
    /** How often the controller samples the SLIs and alerts. */
    sampleInterval: duration.default(5),
    hypothesis: z.strictObject({
      /** The SLOs the hypothesis is about; every SLO of the target service when absent. */
      slos: z.array(sloRef).min(1, 'name at least one SLO, or leave slos out').optional(),
      admission: z
        .strictObject({
          /** Refuse to start when a target SLO burns faster than this over `window`. */
          maxBurnRate: z.number().nonnegative().default(1),
          window: duration.default(300),
          /** Refuse to start while an SLO alert of a target service fires. */
          refuseWhenAlertFiring: z.boolean().default(true),
          /** Which SLO alerts count (default both; [critical] lets an open ticket not block a game day). */
          alertSeverities: z
            .array(z.enum(SEVERITIES))
            .min(1)
            .default([...SEVERITIES]),
        })
        .default({
          maxBurnRate: 1,
          window: 300,
          refuseWhenAlertFiring: true,
          alertSeverities: [...SEVERITIES],
        }),
      /** Share of the SLO period's error budget the experiment may spend (e.g. 2%). */
      maxBudgetConsumed: percent.optional(),
      /** Highest burn rate allowed while injecting, over a short window. */
      maxBurnRate: z.strictObject({ value: z.number().positive(), window: duration.default(60) }).optional(),
      /** From fault removal until the short-window SLI meets the objective again. */
      recoveryWithin: duration.optional(),
      /** The short window recovery is measured on. */
      recoveryWindow: duration.default(30),
      expectAlert: z.array(alertExpectation).default([]),
      expectNoAlert: z.array(alertExpectation).default([]),
    }),
    /** Stop and roll back when a target SLO burns above `burnRate` for `for`. */
    abort: z
      .strictObject({ burnRate: z.number().positive(), for: duration, window: duration.default(60) })
      .optional(),
  }),
});

export type Experiment = z.output<typeof experimentSchema>;
export type AlertExpectation = z.output<typeof alertExpectation>;

/** Faults that act once (kill) rather than holding a state until removed. */
export function isOneShot(fault: Fault): boolean {
  return fault.type === 'process-kill' || fault.type === 'kafka-broker-kill';
}

function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

function crossChecks(e: Experiment): SpecProblem[] {
  const problems: Omit<SpecProblem, 'file'>[] = [];
  const f = e.spec.fault;
  if (f.type === 'network') {
    if (f.action === 'latency' && f.latency === undefined)
      problems.push({ path: 'spec.fault.latency', message: 'a latency fault needs latency (e.g. 500ms)' });
    if (f.action === 'bandwidth' && f.rateKBps === undefined)
      problems.push({ path: 'spec.fault.rateKBps', message: 'a bandwidth fault needs rateKBps (e.g. 10)' });
    if (f.action === 'loss' && f.percent === undefined)
      problems.push({ path: 'spec.fault.percent', message: 'a loss fault needs percent (e.g. 30%)' });
  }
  if (
    e.spec.target.external &&
    !CLUSTER_EXTERNALS[e.spec.target.service] &&
    !(f.type === 'network' && f.from)
  ) {
    problems.push({
      path: 'spec.target.external',
      message: 'an external target takes a network fault with `from` (the pods that call it)',
    });
  }
  if (f.type === 'kafka-broker-kill' && e.spec.target.service !== 'kafka')
    problems.push({ path: 'spec.target.service', message: 'kafka-broker-kill targets the kafka service' });
  const a = e.spec.abort;
  if (a && a.for >= e.spec.duration + (e.spec.hypothesis.recoveryWithin ?? 0) + 300) {
    problems.push({
      path: 'spec.abort.for',
      message: 'is longer than the experiment can run: the guard could never trip',
    });
  }
  if (e.spec.sampleInterval > e.spec.duration) {
    problems.push({
      path: 'spec.sampleInterval',
      message: 'is longer than the duration: nothing would be sampled while injecting',
    });
  }
  for (const [i, x] of e.spec.hypothesis.expectAlert.entries()) {
    if (x.within === undefined)
      problems.push({
        path: `spec.hypothesis.expectAlert[${i}].within`,
        message: 'say how soon the alert must fire (e.g. 3m)',
      });
  }
  return problems.map((p) => ({ file: '', ...p }));
}

/** Parses one experiment document; throws ExperimentSpecError naming every field at fault. */
export function parseExperiment(text: string, file: string): Experiment {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [];
  const problems: SpecProblem[] = [];
  for (const doc of list)
    for (const e of doc.errors)
      problems.push({ file, path: '', message: `invalid YAML: ${e.message.split('\n')[0]}` });
  if (problems.length) throw new ExperimentSpecError(problems);
  const contents = list.filter((d) => d.contents !== null);
  if (contents.length !== 1) {
    throw new ExperimentSpecError([
      {
        file,
        path: '',
        message:
          contents.length === 0 ? 'the file is empty; expected a ChaosExperiment' : 'one experiment per file',
      },
    ]);
  }
  const result = experimentSchema.safeParse(contents[0]!.toJS());
  if (!result.success) {
    throw new ExperimentSpecError(
      result.error.issues.map((i) => ({
        file,
        path: pathOf(i.path),
        message:
          i.code === 'unrecognized_keys'
            ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}`
            : i.code === 'invalid_type' && i.input === undefined
              ? 'is required'
              : i.message,
      })),
    );
  }
  const cross = crossChecks(result.data).map((p) => ({ ...p, file }));
  if (cross.length) throw new ExperimentSpecError(cross);
  return result.data;
}

export interface LoadedExperiment {
  file: string;
  experiment: Experiment;
}

/** A file, or every *.yaml in a folder (sorted). All problems of all files are reported together. */
export function loadExperiments(target: string, cwd = process.cwd()): LoadedExperiment[] {
  let files: string[];
  try {
    files = statSync(target).isDirectory()
      ? readdirSync(target)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(target, f))
      : [target];
  } catch {
    throw new ExperimentSpecError([{ file: target, path: '', message: 'no such file or folder' }]);
  }
  if (files.length === 0) {
    throw new ExperimentSpecError([
      { file: target, path: '', message: 'the folder holds no *.yaml experiment' },
    ]);
  }
  const problems: SpecProblem[] = [];
  const loaded: LoadedExperiment[] = [];
  const names = new Map<string, string>();
  for (const path of files) {
    const shown = relative(cwd, path).startsWith('..') ? path : relative(cwd, path);
    try {
      const experiment = parseExperiment(readFileSync(path, 'utf8'), shown);
      const seen = names.get(experiment.metadata.name);
      if (seen)
        problems.push({
          file: shown,
          path: 'metadata.name',
          message: `${experiment.metadata.name} is also the name in ${seen}`,
        });
      names.set(experiment.metadata.name, shown);
      loaded.push({ file: shown, experiment });
    } catch (err) {
      if (err instanceof ExperimentSpecError) problems.push(...err.problems);
      else problems.push({ file: shown, path: '', message: `cannot read: ${(err as Error).message}` });
    }
  }
  if (problems.length) throw new ExperimentSpecError(problems);
  return loaded;
}

export const experimentFileName = (file: string) => basename(file).replace(/\.ya?ml$/, '');
