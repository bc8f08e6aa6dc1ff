// The supervisor: starts components in dependency order and waits for each to be ready, restarts a
// crashed one with backoff (like a Kubernetes restartPolicy), and stops them in phases. It knows
// components only through their registry entries (component.ts).

import { join } from 'node:path';
import { RestartBackoff } from './backoff';
import type { BackoffOptions } from './backoff';
import {
  appendLogLine,
  commandLine,
  inheritedEnv,
  signalGroup,
  spawnChild,
  stopChild,
  tailFile,
} from './child-process';
import type { RunningChild } from './child-process';
import { shutdownPhaseOf } from './component';
import type { ComponentSpec, StackContext } from './component';
import { startOrder } from './dependency-order';
import { describeProbe, probeOnce, sleep } from './probes';
import type { StackMetrics } from './stack-server';
import type { ComponentRecord, ComponentState } from './state-file';

export interface ComponentRuntime {
  spec: ComponentSpec;
  state: ComponentState;
  reason?: string;
  child?: RunningChild;
  command?: string;
  port: number | undefined;
  url: string | undefined;
  restarts: number;
  startedAt?: Date;
  readyAt?: Date;
  logFile: string;
  backoff: RestartBackoff;
  restartTimer?: NodeJS.Timeout;
  /** Set once the component was ready the first time: from then on a crash means a restart. */
  supervised: boolean;
  /** A readiness probe of the watch is in flight. */
  probing?: boolean;
}

/** A component did not start: which one, why, its last log lines and what to try. */
export class StartError extends Error {
  constructor(
    readonly component: string,
    readonly detail: string,
    readonly logFile: string | undefined,
    readonly logTail: string[],
    readonly hint: string | undefined,
  ) {
    super(`${component} did not start: ${detail}`);
  }
}

export interface SupervisorOptions {
  logsDir: string;
  metrics: StackMetrics;
  /** Progress lines for the console. */
  log(message: string): void;
  warn(message: string): void;
  /** Called after every state change (stack.json is rewritten from it). */
  onChange(): void;
  backoff?: BackoffOptions;
}

const describeExit = (r: { code: number | null; signal: NodeJS.Signals | null }) =>
  r.signal ? `was killed by ${r.signal}` : `exited with code ${r.code}`;

const seconds = (ms: number) => (ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`);

export class Supervisor {
  readonly components: ComponentRuntime[];
  private stopping = false;
  private watch: NodeJS.Timeout | undefined;

  constructor(
    specs: ComponentSpec[],
    private readonly ctx: StackContext,
    private readonly options: SupervisorOptions,
  ) {
    this.components = startOrder(specs).map((spec) => {
      const port = spec.defaultPort !== undefined ? ctx.port(spec.name) : undefined;
      return {
        spec,
        state: 'pending' as ComponentState,
        port,
        url: undefined,
        restarts: 0,
        logFile: join(options.logsDir, `${spec.name}.log`),
        backoff: new RestartBackoff(options.backoff),
        supervised: false,
      };
    });
    for (const c of this.components) options.metrics.register(c.spec.name);
  }

  get(name: string): ComponentRuntime | undefined {
    return this.components.find((c) => c.spec.name === name);
  }

  /** Starts everything in dependency order; throws StartError on the first component that fails. */
  async start(): Promise<void> {
    for (const c of this.components) {
      const reason = c.spec.skip?.(this.ctx);
      if (reason !== undefined) {
        this.set(c, 'skipped', reason);
        this.options.log(`${c.spec.name}: skipped (${reason})`);
      }
      c.url = c.state === 'skipped' ? undefined : this.displayUrl(c);
    }
    // Before starting anything: a component cannot run without a skipped service it depends on
    // (a skipped infra component is fine: DATABASE_URL or KAFKA_BROKERS stands in for it).
    for (const c of this.components) {
      if (c.state === 'skipped') continue;
      const blocked = (c.spec.dependsOn ?? []).filter((d) => {
        const dep = this.get(d);
        return dep?.state === 'skipped' && dep.spec.kind !== 'infra';
      });
      if (blocked.length > 0) {
        this.set(c, 'failed', `needs ${blocked.join(', ')}`);
        throw new StartError(
          c.spec.name,
          `it depends on ${blocked.join(', ')}, which is skipped`,
          undefined,
          [],
          `skip it too (GAMEDAY_SKIP=${[...blocked, c.spec.name].join(',')}), or do not skip ${blocked.join(', ')}.`,
        );
      }
    }
    for (const c of this.components) {
      if (this.stopping) return;
      if (c.state === 'skipped') continue;
      await this.startFirst(c);
    }
  }

  private displayUrl(c: ComponentRuntime): string | undefined {
    if (c.spec.displayUrl) return c.spec.displayUrl(this.ctx);
    return c.port !== undefined ? `http://127.0.0.1:${c.port}` : undefined;
  }

  private async startFirst(c: ComponentRuntime): Promise<void> {
    const began = Date.now();
    const fail = (detail: string): never => {
      this.set(c, 'failed', detail);
      throw new StartError(c.spec.name, detail, c.logFile, tailFile(c.logFile), c.spec.hint?.(this.ctx));
    };
    if (c.spec.prepare) {
      try {
        await c.spec.prepare(this.ctx);
      } catch (err) {
        fail((err as Error).message);
      }
    }
    this.options.log(`starting ${c.spec.name}${c.port !== undefined ? ` on port ${c.port}` : ''}…`);
    try {
      await this.spawn(c);
    } catch (err) {
      fail((err as Error).message);
    }
    const result = await this.waitReady(c, c.spec.readyTimeoutMs ?? 60_000);
    if (result !== 'ready') fail(result);
    c.supervised = true;
    this.options.log(`${c.spec.name} ready in ${seconds(Date.now() - began)}${c.url ? ` at ${c.url}` : ''}`);
  }

  /** Spawns in flight: stop() waits for them, so no child can appear after it has looked. */
  private readonly inflight = new Set<Promise<void>>();

  private async spawn(c: ComponentRuntime): Promise<void> {
    const p = this.spawnNow(c);
    this.inflight.add(p);
    try {
      await p;
    } finally {
      this.inflight.delete(p);
    }
  }

  private async spawnNow(c: ComponentRuntime): Promise<void> {
    const cmd = c.spec.command(this.ctx);
    c.command = commandLine(cmd);
    appendLogLine(c.logFile, `gameday stack: starting ${c.spec.name}: ${c.command}`);
    const child = await spawnChild(cmd, inheritedEnv(this.ctx.env), c.logFile);
    c.child = child;
    c.startedAt = new Date();
    c.readyAt = undefined;
    this.set(c, 'starting');
    void child.exited.then((r) => this.onExit(c, child, r));
  }

  /** Polls the readiness probe until it passes, the process exits, or the timeout. */
  private async waitReady(c: ComponentRuntime, timeoutMs: number): Promise<'ready' | string> {
    const child = c.child!;
    let exit: string | undefined;
    void child.exited.then((r) => (exit = describeExit(r)));
    const probe = c.spec.readiness(this.ctx);
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    for (;;) {
      if (exit !== undefined) return `the process ${exit} (pid ${child.pid})`;
      if (this.stopping) return 'the stack is stopping';
      try {
        await probeOnce(probe);
        if (exit !== undefined) continue;
        c.readyAt = new Date();
        c.backoff.ready(Date.now());
        this.options.metrics.ready.set({ component: c.spec.name }, 1);
        this.set(c, 'ready');
        return 'ready';
      } catch (err) {
        last = (err as Error).message;
      }
      if (Date.now() >= deadline) {
        return `not ready after ${seconds(timeoutMs)} (${describeProbe(probe)}: ${last})`;
      }
      await sleep(200);
    }
  }

  private onExit(
    c: ComponentRuntime,
    child: RunningChild,
    r: { code: number | null; signal: NodeJS.Signals | null },
  ) {
    if (c.child !== child) return;
    c.child = undefined;
    this.options.metrics.ready.set({ component: c.spec.name }, 0);
    // Stopping, or still in its first start (startFirst reports that).
    if (this.stopping || c.state === 'stopping' || !c.supervised) return;
    const policy = c.spec.restart ?? 'always';
    const how = describeExit(r);
    if (policy === 'never' || (policy === 'on-failure' && r.code === 0)) {
      this.set(c, r.code === 0 ? 'stopped' : 'failed', how);
      this.options.warn(
        `${c.spec.name} ${how}; restart policy "${policy}": not restarting. Log: ${c.logFile}`,
      );
      return;
    }
    this.scheduleRestart(c, `${how} (pid ${child.pid})`);
  }

  private scheduleRestart(c: ComponentRuntime, what: string): void {
    const delay = c.backoff.crashed(Date.now());
    this.set(c, 'backoff', what);
    this.options.warn(
      `${c.spec.name} ${what}; restarting in ${seconds(delay)} (restart #${c.restarts + 1}). Log: ${c.logFile}`,
    );
    c.restartTimer = setTimeout(() => void this.restart(c), delay);
  }

  private async restart(c: ComponentRuntime): Promise<void> {
    c.restartTimer = undefined;
    if (this.stopping) return;
    c.restarts++;
    this.options.metrics.restarts.inc({ service: c.spec.name });
    const began = Date.now();
    try {
      await this.spawn(c);
    } catch (err) {
      // Could not even spawn: back off and try again.
      this.scheduleRestart(c, `could not be started (${(err as Error).message})`);
      return;
    }
    const result = await this.waitReady(c, c.spec.readyTimeoutMs ?? 60_000);
    if (result === 'ready') {
      this.options.log(`${c.spec.name} ready again in ${seconds(Date.now() - began)} (pid ${c.child?.pid})`);
    } else if (c.child && !this.stopping) {
      // The readiness watch keeps probing: the state turns "ready" when it passes.
      this.set(c, 'unready', result);
      this.options.warn(`${c.spec.name} restarted but is ${result}; still waiting for it.`);
    }
  }

  /**
   * Keeps probing readiness of every running component (like a Kubernetes readiness probe): the
   * state and gameday_stack_component_ready follow it. A failing probe does not restart anything;
   * only a process exit does.
   */
  watchReadiness(intervalMs: number): void {
    this.watch = setInterval(() => {
      for (const c of this.components) {
        if ((c.state !== 'ready' && c.state !== 'unready') || !c.child || c.probing) continue;
        const child = c.child;
        c.probing = true;
        probeOnce(c.spec.readiness(this.ctx))
          .then(
            () => {
              if (c.child !== child || this.stopping || c.state === 'ready') return;
              this.options.log(`${c.spec.name} is ready again`);
              c.readyAt = new Date();
              c.backoff.ready(Date.now());
              this.options.metrics.ready.set({ component: c.spec.name }, 1);
              this.set(c, 'ready');
            },
            (err: unknown) => {
              if (c.child !== child || this.stopping) return;
              const why = (err as Error).message;
              if (c.state === 'ready') this.options.warn(`${c.spec.name} is not ready: ${why}`);
              this.options.metrics.ready.set({ component: c.spec.name }, 0);
              if (c.state !== 'unready' || c.reason !== why) this.set(c, 'unready', why);
            },
          )
          .finally(() => (c.probing = false));
      }
    }, intervalMs);
  }

  /** Stops every running component: load, then services, then observability, then data. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.watch) clearInterval(this.watch);
    for (const c of this.components) {
      if (c.restartTimer) clearTimeout(c.restartTimer);
      if (c.state === 'backoff') this.set(c, 'stopped');
    }
    await Promise.allSettled([...this.inflight]);
    const phases = [...new Set(this.components.map((c) => shutdownPhaseOf(c.spec)))].sort((a, b) => a - b);
    for (const phase of phases) {
      let remaining = this.components.filter((c) => shutdownPhaseOf(c.spec) === phase && c.child);
      // Within a phase, dependents stop before what they depend on (gateway before accounts).
      while (remaining.length > 0) {
        let wave = remaining.filter(
          (c) => !remaining.some((o) => o !== c && (o.spec.dependsOn ?? []).includes(c.spec.name)),
        );
        if (wave.length === 0) wave = remaining;
        await Promise.all(wave.map((c) => this.stopOne(c)));
        remaining = remaining.filter((c) => !wave.includes(c));
      }
    }
    for (const c of this.components)
      if (c.state !== 'skipped' && c.state !== 'failed') this.set(c, 'stopped');
  }

  private async stopOne(c: ComponentRuntime): Promise<void> {
    const child = c.child;
    if (!child) return;
    const signal = c.spec.stopSignal ?? 'SIGTERM';
    const timeout = c.spec.stopTimeoutMs ?? 10_000;
    this.set(c, 'stopping');
    this.options.log(`stopping ${c.spec.name} (pid ${child.pid}, ${signal})…`);
    const began = Date.now();
    const how = await stopChild(child, signal, timeout);
    c.child = undefined;
    this.set(c, 'stopped');
    if (how === 'killed') {
      this.options.warn(
        `${c.spec.name} did not stop within ${seconds(timeout)} of ${signal}: killed (SIGKILL).`,
      );
    } else {
      this.options.log(`${c.spec.name} stopped in ${seconds(Date.now() - began)}`);
    }
  }

  /** Second Ctrl-C: SIGKILL every process group at once; resolves when they are gone (at most 3 s). */
  async killAll(): Promise<void> {
    this.stopping = true;
    if (this.watch) clearInterval(this.watch);
    const exits: Promise<unknown>[] = [];
    for (const c of this.components) {
      if (c.restartTimer) clearTimeout(c.restartTimer);
      if (c.child) {
        signalGroup(c.child.pid, 'SIGKILL');
        exits.push(c.child.exited);
      }
    }
    await Promise.race([Promise.all(exits), sleep(3_000)]);
  }

  records(): ComponentRecord[] {
    return this.components.map((c) => ({
      name: c.spec.name,
      kind: c.spec.kind,
      description: c.spec.description,
      state: c.state,
      ...(c.reason !== undefined ? { reason: c.reason } : {}),
      pid: c.child?.pid ?? null,
      port: c.port ?? null,
      url: c.url ?? null,
      restarts: c.restarts,
      started_at: c.startedAt?.toISOString() ?? null,
      ready_at: c.readyAt?.toISOString() ?? null,
      log: c.state === 'skipped' ? null : c.logFile,
      command: c.child ? (c.command ?? null) : null,
      scrape: null,
    }));
  }

  private set(c: ComponentRuntime, state: ComponentState, reason?: string): void {
    c.state = state;
    c.reason = reason;
    this.options.onChange();
  }
}
