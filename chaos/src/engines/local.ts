// The local engine: faults on the processes of the local stack (`npm start`), read from its
// .gameday/stack.json (its shape and reader: @gameday/stack/state-file).
//
//   process-kill, kafka-broker-kill   SIGKILL (or SIGTERM) to the component's process group; the
//                                     stack supervisor restarts it like a Kubernetes restart policy
//   process-pause                     SIGSTOP, then SIGCONT on removal
//   http-error, http-latency          the service's fault switch (platform/src/faults.ts)
//   network                           a toxic on the Toxiproxy proxy in front of the target
//                                     (postgres, kafka, or an edge like gateway-wallet)
//   cpu-stress, memory-stress         child processes that burn CPU or hold memory
//
// Every injected thing is named after the run (gameday-<run id>) so leftovers of a crashed run are
// recognisable, and fault switches expire by themselves.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunningState } from '@gameday/stack/state-file';
import type { StackState } from '@gameday/stack/state-file';
import type { Engine, EngineSnapshot } from '../engine';
import { EngineError } from '../engine';
import type { Experiment, Fault, FaultType } from '../spec';

/** The running local stack's state, or an EngineError saying why there is none and what to do. */
export function readStackState(file: string): StackState {
  const running = readRunningState(file);
  if ('problem' in running) throw new EngineError(running.problem, running.hint);
  return running.state;
}

const FAULT_SWITCH_PATH = '/internal/chaos/faults';

interface Injected {
  kind: 'signal-stop' | 'switch' | 'toxic' | 'stress';
  describe: string;
  undo: () => Promise<void>;
  check: () => Promise<string | undefined>;
}

export interface LocalEngineOptions {
  stateFile: string;
  /** Where the stack keeps its tokens (default <home>/keys). */
  keysDir?: string;
}

function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function http(
  method: string,
  url: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5_000),
    });
  } catch (err) {
    throw new EngineError(`${method} ${url} failed: ${(err as Error).message}`);
  }
  const text = await response.text();
  let json: unknown = text;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, json };
}

/** The Toxiproxy toxics a network fault becomes (https://github.com/Shopify/toxiproxy#toxics). */
export function toxicsFor(
  fault: Extract<Fault, { type: 'network' }>,
  name: string,
): { name: string; type: string; stream: string; toxicity: number; attributes: Record<string, number> }[] {
  const ms = (s: number | undefined) => Math.round((s ?? 0) * 1000);
  switch (fault.action) {
    case 'latency':
      return [
        {
          name,
          type: 'latency',
          stream: 'downstream',
          toxicity: 1,
          attributes: { latency: ms(fault.latency), jitter: ms(fault.jitter) },
        },
      ];
    case 'bandwidth':
      return [
        { name, type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: fault.rateKBps! } },
      ];
    case 'reset':
      return ['upstream', 'downstream'].map((stream) => ({
        name: `${name}-${stream}`,
        type: 'reset_peer',
        stream,
        toxicity: 1,
        attributes: { timeout: 0 },
      }));
    case 'blackhole':
      return ['upstream', 'downstream'].map((stream) => ({
        name: `${name}-${stream}`,
        type: 'timeout',
        stream,
        toxicity: 1,
        attributes: { timeout: 0 },
      }));
    case 'loss':
      // TCP has no packet loss to show a client; a share of connections going silent is its effect.
      return [
        { name, type: 'timeout', stream: 'downstream', toxicity: fault.percent!, attributes: { timeout: 0 } },
      ];
  }
}

/** The Toxiproxy proxy for a network fault: the edge `<from>-<target>`, or the target itself. */
export function proxyName(experiment: Experiment): string {
  const f = experiment.spec.fault;
  const target = experiment.spec.target.service;
  return f.type === 'network' && f.from ? `${f.from}-${target}` : target;
}

// Each worker also exits by itself at its deadline (argv[2]), should the controller die first.
const STRESS_CPU = `
const load = Number(process.argv[1]); const deadline = Number(process.argv[2]);
for (;;) { if (Date.now() > deadline) process.exit(0); const end = Date.now() + 100 * load; while (Date.now() < end) {} if (load < 1) { const t = Date.now() + 100 * (1 - load); while (Date.now() < t) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, t - Date.now()); } }`;
const STRESS_MEMORY = `
const mb = Number(process.argv[1]); const deadline = Number(process.argv[2]); const keep = [];
setTimeout(() => process.exit(0), deadline - Date.now());
for (let i = 0; i < mb; i++) { const b = Buffer.alloc(1024 * 1024, i % 251); keep.push(b); }
setInterval(() => { for (const b of keep) b[0]++; }, 1000);`;

/** What a fault handler needs besides the fault itself. */
interface FaultRun {
  experiment: Experiment;
  runId: string;
  /** The component the fault is aimed at (spec.target.service). */
  target: string;
  /** Seconds after which fault switches and stress workers end by themselves. */
  ttl: number;
}

const faultRun = (experiment: Experiment, runId: string): FaultRun => ({
  experiment,
  runId,
  target: experiment.spec.target.service,
  ttl: Math.ceil(experiment.spec.duration + 300),
});

type FaultOf<T extends FaultType> = Extract<Fault, { type: T }>;

/** One handler per fault type: a type without one does not compile. */
type FaultHandlers<R> = { [T in FaultType]: (fault: FaultOf<T>, run: FaultRun) => R };

/** Calls the handler of the fault's type. */
function dispatch<R>(handlers: FaultHandlers<R>, fault: Fault, run: FaultRun): R {
  // The table's type ties each handler to its fault type; TypeScript cannot follow that through the index.
  return (handlers[fault.type] as (fault: Fault, run: FaultRun) => R)(fault, run);
}

const killDescription = (signal: NodeJS.Signals, target: string) =>
  `send ${signal} to the process group of ${target}; the supervisor restarts it`;

const switchDescription = (f: FaultOf<'http-error' | 'http-latency'>, { runId, target }: FaultRun) =>
  `fault switch ${runId} on ${target}: ${f.percent * 100}% of ${f.method ?? 'all'} ${f.route ?? 'requests'}`;

/** What `describe` says each fault type does. */
const DESCRIPTIONS: FaultHandlers<string> = {
  'process-kill': (f, { target }) => killDescription(f.signal, target),
  'kafka-broker-kill': (_f, { target }) => killDescription('SIGKILL', target),
  'process-pause': (_f, { experiment, target }) =>
    `SIGSTOP the process group of ${target} for ${experiment.spec.duration}s, then SIGCONT`,
  'http-error': (f, run) => `${switchDescription(f, run)} answer ${f.status}`,
  'http-latency': (f, run) => `${switchDescription(f, run)} wait ${f.delay * 1000} ms`,
  network: (f, { experiment, runId }) =>
    `Toxiproxy proxy ${proxyName(experiment)}: ${JSON.stringify(toxicsFor(f, runId))}`,
  'cpu-stress': (f) => `${f.workers} CPU-burning process(es) at ${f.load * 100}% each`,
  'memory-stress': (f) => `a process holding ${f.sizeMB} MB`,
};

/** The fault switch (platform/src/faults.ts) of an http-error fault. */
const errorSwitch = (f: FaultOf<'http-error'>, ttl: number) => ({
  kind: 'error',
  percent: f.percent,
  status: f.status,
  route: f.route,
  method: f.method,
  ttlSeconds: ttl,
});

/** The fault switch of an http-latency fault. */
const latencySwitch = (f: FaultOf<'http-latency'>, ttl: number) => ({
  kind: 'latency',
  percent: f.percent,
  delayMs: Math.round(f.delay * 1000),
  route: f.route,
  method: f.method,
  ttlSeconds: ttl,
});

export class LocalEngine implements Engine {
  readonly name = 'local' as const;
  private injected: Injected[] = [];
  private state: StackState | undefined;

  constructor(private readonly options: LocalEngineOptions) {}

  private stack(): StackState {
    this.state = readStackState(this.options.stateFile);
    return this.state;
  }

  private token(): string {
    const keys = this.options.keysDir ?? join(this.stack().home, 'keys');
    const file = join(keys, 'chaos-token.secret');
    if (!existsSync(file))
      throw new EngineError(
        `no chaos token at ${file}`,
        'the local stack writes it at start; restart it with `npm start`',
      );
    return readFileSync(file, 'utf8').trim();
  }

  private component(name: string) {
    const c = this.stack().components.find((x) => x.name === name);
    if (!c) {
      const names = this.stack()
        .components.map((x) => x.name)
        .join(', ');
      throw new EngineError(
        `the local stack has no component ${name}`,
        `spec.target.service must be one of: ${names}`,
      );
    }
    return c;
  }

  private toxiproxyUrl(): string {
    const c = this.component('toxiproxy');
    if (!c.url || c.state !== 'ready')
      throw new EngineError(
        `Toxiproxy is ${c.state} in the local stack`,
        'network faults need it: restart the stack with `npm start`',
      );
    return c.url;
  }

  describe(experiment: Experiment, runId: string): string {
    return dispatch(DESCRIPTIONS, experiment.spec.fault, faultRun(experiment, runId));
  }

  async preflight(experiment: Experiment): Promise<void> {
    const f = experiment.spec.fault;
    const target = this.component(experiment.spec.target.service);
    if (f.type !== 'network' && f.type !== 'cpu-stress' && f.type !== 'memory-stress') {
      if (target.state !== 'ready' || target.pid === null) {
        throw new EngineError(
          `${target.name} is ${target.state} in the local stack, not ready`,
          'wait until `npm start` shows it ready, or look at its log in .gameday/logs',
        );
      }
    }
    if (f.type === 'http-error' || f.type === 'http-latency') {
      const { status, json } = await http('GET', `${target.url}${FAULT_SWITCH_PATH}`, this.token());
      if (status === 404)
        throw new EngineError(
          `${target.name} has its fault switches off`,
          'start it with CHAOS_FAULTS_TOKEN set (the local stack does)',
        );
      if (status !== 200)
        throw new EngineError(`${target.name}'s fault switches answered ${status}: ${JSON.stringify(json)}`);
      const left = ((json as { faults: { id: string }[] }).faults ?? []).filter((x) =>
        x.id.startsWith('gameday-'),
      );
      if (left.length)
        throw new EngineError(
          `${target.name} still has fault switches of an earlier run set: ${left.map((x) => x.id).join(', ')}`,
          'remove them with `gameday chaos cleanup`',
        );
    }
    if (f.type === 'network') {
      const proxy = proxyName(experiment);
      const { status, json } = await http('GET', `${this.toxiproxyUrl()}/proxies/${proxy}`, undefined);
      if (status === 404) {
        const all = await http('GET', `${this.toxiproxyUrl()}/proxies`, undefined);
        throw new EngineError(
          `Toxiproxy has no proxy ${proxy}`,
          `network faults can target: ${Object.keys((all.json as object) ?? {}).join(', ')}`,
        );
      }
      const left = ((json as { toxics?: { name: string }[] }).toxics ?? []).filter((t) =>
        t.name.startsWith('gameday-'),
      );
      if (left.length)
        throw new EngineError(
          `proxy ${proxy} still has toxics of an earlier run: ${left.map((t) => t.name).join(', ')}`,
          'remove them with `gameday chaos cleanup`',
        );
    }
  }

  private signal(name: string, signal: NodeJS.Signals): number {
    const c = this.component(name);
    if (c.pid === null) throw new EngineError(`${name} has no process right now (${c.state})`);
    try {
      // The supervisor starts each component in its own process group (pid = pgid).
      process.kill(-c.pid, signal);
    } catch (err) {
      throw new EngineError(`could not send ${signal} to ${name} (pid ${c.pid}): ${(err as Error).message}`);
    }
    return c.pid;
  }

  /** The handler of each fault type, called by `inject`. */
  private readonly injectors: FaultHandlers<Promise<void>> = {
    'process-kill': (f, run) => this.kill(run, f.signal),
    'kafka-broker-kill': (_f, run) => this.kill(run, 'SIGKILL'),
    'process-pause': (_f, run) => this.pause(run),
    'http-error': (f, run) => this.setFaultSwitch(run, errorSwitch(f, run.ttl)),
    'http-latency': (f, run) => this.setFaultSwitch(run, latencySwitch(f, run.ttl)),
    network: (f, run) => this.addToxics(f, run),
    'cpu-stress': (f, run) =>
      this.startStress(run, { type: f.type, script: STRESS_CPU, arg: f.load, workers: f.workers }),
    'memory-stress': (f, run) =>
      this.startStress(run, { type: f.type, script: STRESS_MEMORY, arg: f.sizeMB, workers: 1 }),
  };

  async inject(experiment: Experiment, runId: string): Promise<void> {
    await dispatch(this.injectors, experiment.spec.fault, faultRun(experiment, runId));
  }

  /** process-kill, kafka-broker-kill: the supervisor restarts the component; nothing to undo. */
  private async kill({ target }: FaultRun, signal: NodeJS.Signals): Promise<void> {
    this.signal(target, signal);
  }

  /** process-pause: SIGSTOP now, SIGCONT on removal. */
  private async pause({ target }: FaultRun): Promise<void> {
    const pid = this.signal(target, 'SIGSTOP');
    this.injected.push({
      kind: 'signal-stop',
      describe: `${target} (pid ${pid}) stopped`,
      undo: async () => {
        try {
          process.kill(-pid, 'SIGCONT');
        } catch {
          // gone: nothing stopped any more
        }
      },
      check: async () => (processState(pid) === 'T' ? `${target} (pid ${pid}) is still stopped` : undefined),
    });
  }

  /** http-error, http-latency: the target's fault switch `runId`, recorded for removal before it is set. */
  private async setFaultSwitch({ runId, target }: FaultRun, body: object): Promise<void> {
    const url = `${this.component(target).url}${FAULT_SWITCH_PATH}/${runId}`;
    const token = this.token();
    const item: Injected = {
      kind: 'switch',
      describe: `fault switch ${runId} on ${target}`,
      undo: async () => {
        const r = await http('DELETE', url, token);
        if (r.status !== 204 && r.status !== 404)
          throw new EngineError(`removing fault switch ${runId} on ${target}: HTTP ${r.status}`);
      },
      check: async () => {
        const r = await http('GET', `${this.component(target).url}${FAULT_SWITCH_PATH}`, token);
        const ids = ((r.json as { faults?: { id: string }[] })?.faults ?? []).map((x) => x.id);
        return ids.includes(runId) ? `fault switch ${runId} is still set on ${target}` : undefined;
      },
    };
    this.injected.push(item);
    const r = await http('PUT', url, token, JSON.parse(JSON.stringify(body)));
    if (r.status !== 201 && r.status !== 200)
      throw new EngineError(
        `setting the fault switch on ${target}: HTTP ${r.status} ${JSON.stringify(r.json)}`,
      );
  }

  /** network: the fault's toxics on the Toxiproxy proxy, each recorded for removal before it is added. */
  private async addToxics(f: FaultOf<'network'>, { experiment, runId }: FaultRun): Promise<void> {
    const base = `${this.toxiproxyUrl()}/proxies/${proxyName(experiment)}`;
    for (const toxic of toxicsFor(f, runId)) {
      this.injected.push({
        kind: 'toxic',
        describe: `toxic ${toxic.name} on ${proxyName(experiment)}`,
        undo: async () => {
          const r = await http('DELETE', `${base}/toxics/${toxic.name}`, undefined);
          if (r.status !== 204 && r.status !== 404)
            throw new EngineError(`removing toxic ${toxic.name}: HTTP ${r.status}`);
        },
        check: async () => {
          const r = await http('GET', `${base}/toxics`, undefined);
          return ((r.json as { name: string }[]) ?? []).some((t) => t.name === toxic.name)
            ? `toxic ${toxic.name} is still on ${proxyName(experiment)}`
            : undefined;
        },
      });
      const r = await http('POST', `${base}/toxics`, undefined, toxic);
      if (r.status !== 200)
        throw new EngineError(`adding toxic ${toxic.name}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
    }
  }

  /** cpu-stress, memory-stress: detached workers running `script` with `arg`, killed on removal. */
  private async startStress(
    { ttl }: FaultRun,
    s: { type: 'cpu-stress' | 'memory-stress'; script: string; arg: number; workers: number },
  ): Promise<void> {
    for (let i = 0; i < s.workers; i++) {
      const child = spawn(
        process.execPath,
        ['-e', s.script, String(s.arg), String(Date.now() + ttl * 1000)],
        {
          detached: true,
          stdio: 'ignore',
        },
      );
      child.unref();
      const pid = child.pid!;
      this.injected.push({
        kind: 'stress',
        describe: `${s.type} worker pid ${pid}`,
        undo: async () => {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            // already gone
          }
          for (let n = 0; n < 50 && alive(pid); n++) await new Promise((r) => setTimeout(r, 20));
        },
        check: async () =>
          alive(pid) && processState(pid) !== 'Z'
            ? `${s.type} worker pid ${pid} is still running`
            : undefined,
      });
    }
  }

  async remove(): Promise<void> {
    const errors: string[] = [];
    for (const item of [...this.injected].reverse()) {
      try {
        await item.undo();
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    if (errors.length)
      throw new EngineError(`rollback incomplete: ${errors.join('; ')}`, 'run `gameday chaos cleanup`');
  }

  async leftovers(): Promise<string[]> {
    const out: string[] = [];
    for (const item of this.injected) {
      const left = await item
        .check()
        .catch((err: Error) => `could not check ${item.describe}: ${err.message}`);
      if (left) out.push(left);
    }
    return out;
  }

  async snapshot(): Promise<EngineSnapshot[]> {
    let state: StackState;
    try {
      state = readStackState(this.options.stateFile);
    } catch (err) {
      return [{ resource: 'stack', status: (err as Error).message }];
    }
    return state.components
      .filter((c) => c.kind !== 'supervisor')
      .map((c) => ({
        resource: `component/${c.name}`,
        status: {
          state: c.state,
          pid: c.pid,
          restarts: c.restarts,
          process: c.pid === null ? null : (processState(c.pid) ?? 'gone'),
        },
      }));
  }

  /** Removes every gameday-* fault switch and toxic in the stack, whoever set them (`gameday chaos cleanup`). */
  async cleanup(): Promise<string[]> {
    const removed: string[] = [];
    const state = this.stack();
    const token = this.token();
    for (const c of state.components.filter((x) => x.kind === 'service' && x.url && x.state === 'ready')) {
      const r = await http('GET', `${c.url}${FAULT_SWITCH_PATH}`, token).catch(() => undefined);
      for (const f of ((r?.json as { faults?: { id: string }[] })?.faults ?? []).filter((x) =>
        x.id.startsWith('gameday-'),
      )) {
        await http('DELETE', `${c.url}${FAULT_SWITCH_PATH}/${f.id}`, token);
        removed.push(`fault switch ${f.id} on ${c.name}`);
      }
      if (c.pid !== null && processState(c.pid) === 'T') {
        process.kill(-c.pid, 'SIGCONT');
        removed.push(`SIGSTOP on ${c.name}`);
      }
    }
    const proxy = state.components.find((c) => c.name === 'toxiproxy');
    if (proxy?.url && proxy.state === 'ready') {
      const r = await http('GET', `${proxy.url}/proxies`, undefined);
      for (const [name, p] of Object.entries(
        (r.json as Record<string, { toxics?: { name: string }[] }>) ?? {},
      )) {
        for (const t of (p.toxics ?? []).filter((x) => x.name.startsWith('gameday-'))) {
          await http('DELETE', `${proxy.url}/proxies/${name}/toxics/${t.name}`, undefined);
          removed.push(`toxic ${t.name} on ${name}`);
        }
      }
    }
    return removed;
  }
}
