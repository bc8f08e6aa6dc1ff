// The local stack: wires the configuration, the registry, the supervisor, the stack's own HTTP
// server, stack.json and the status output together. main.ts only adds signals and the exit code.

import { mkdirSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { AlertSink } from './alert-sink';
import { isAlive, stopOrphan } from './child-process';
import type { ComponentSpec, StackContext } from './component';
import { signalUrls } from './signals';
import { registry, supervisorPort } from './components';
import { ConfigError, portVariable, readConfig } from './config';
import type { StackConfig } from './config';
import { loadOrCreateJwtKeys, loadOrCreateSecret } from './keys';
import type { JwtKeys } from './keys';
import { LogFollower } from './log-follower';
import { databaseServer, readPassword } from './postgres';
import type { DatabaseServer } from './postgres';
import { describeError, sleep } from './probes';
import { readSloStatus } from './slo-integration';
import { createStackServer, listen, StackMetrics } from './stack-server';
import { findLeftovers, readState, stateFileIn, writeState } from './state-file';
import type { StackState } from './state-file';
import { readTargets, renderCompact, renderStatus } from './status';
import type { TargetHealth } from './status';
import { StartError, Supervisor } from './supervisor';

export interface Console {
  info(line: string): void;
  warn(line: string): void;
  /** Multi-line blocks (the status table). */
  block(text: string): void;
}

export interface LocalStackOptions {
  root: string;
  env: Record<string, string | undefined>;
  argv: string[];
  console: Console;
  /** Replaces the registry (tests). */
  components?: ComponentSpec[];
}

/** GAMEDAY_SKIP=gateway,accounts leaves components out (e.g. to run one service from an IDE instead). */
function skipRequested(specs: ComponentSpec[], list: string | undefined): ComponentSpec[] {
  const names = (list ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !specs.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new ConfigError(
      `GAMEDAY_SKIP names ${unknown.join(', ')}, which is not a component (${specs.map((s) => s.name).join(', ')}).`,
    );
  }
  return specs.map((s) => (names.includes(s.name) ? { ...s, skip: () => 'GAMEDAY_SKIP' } : s));
}

export class LocalStack {
  readonly config: StackConfig;
  readonly ctx: StackContext;
  readonly supervisor: Supervisor;
  private readonly specs: ComponentSpec[];
  private readonly metrics = new StackMetrics();
  private readonly sink: AlertSink;
  private readonly stateFile: string;
  private readonly startedAt = new Date();
  private server: Server | undefined;
  private state: StackState['state'] = 'starting';
  private targets: Record<string, TargetHealth> = {};
  private slos: StackState['slos'] = [];
  private timers: NodeJS.Timeout[] = [];
  private follower: LogFollower | undefined;
  private refreshing = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: LocalStackOptions) {
    this.specs = skipRequested(options.components ?? registry(), options.env.GAMEDAY_SKIP);
    this.config = readConfig(
      options.root,
      options.env,
      options.argv,
      // Extra ports (jaeger-otlp, toxiproxy-postgres, ...) are moved by their own GAMEDAY_<NAME>_PORT too.
      [...this.specs.flatMap((s) => [s.name, ...Object.keys(s.extraPorts ?? {})]), supervisorPort.name],
      this.specs.filter((s) => s.kind === 'service').map((s) => s.name),
    );
    this.stateFile = stateFileIn(this.config.home);
    this.sink = new AlertSink(join(this.config.home, 'alerts.jsonl'));
    this.ctx = this.context();
    this.supervisor = new Supervisor(this.specs, this.ctx, {
      logsDir: join(this.config.home, 'logs'),
      metrics: this.metrics,
      log: (m) => options.console.info(m),
      warn: (m) => options.console.warn(m),
      onChange: () => this.writeState(),
    });
  }

  private context(): StackContext {
    const { config } = this;
    const defaults = new Map<string, number>([[supervisorPort.name, supervisorPort.port]]);
    for (const s of this.specs) {
      if (s.defaultPort !== undefined) defaults.set(s.name, s.defaultPort);
      for (const [name, p] of Object.entries(s.extraPorts ?? {})) defaults.set(name, p);
    }
    const port = (name: string) => {
      const override = config.portOverrides.get(name);
      if (override !== undefined) return override;
      const d = defaults.get(name);
      if (d === undefined) throw new Error(`component "${name}" has no port`);
      return d + config.portOffset;
    };
    let db: DatabaseServer | undefined;
    const database = () => {
      if (!db) {
        const admin =
          config.databaseUrl ??
          `postgres://postgres:${encodeURIComponent(readPassword(join(config.home, 'keys', 'postgres-password')))}` +
            `@127.0.0.1:${port('postgres')}/postgres`;
        db = databaseServer(admin, (m) => this.options.console.warn(m));
      }
      return db;
    };
    let keys: JwtKeys | undefined;
    const ctx: StackContext = {
      root: config.root,
      home: config.home,
      env: this.options.env,
      logLevel: config.logLevel,
      port,
      url: (name) => `http://127.0.0.1:${port(name)}`,
      databaseUrl: (name) => database().url(name),
      ensureDatabase: (name) => database().ensureDatabase(name),
      jwtKeys: () => (keys ??= loadOrCreateJwtKeys(join(config.home, 'keys'))),
      secret: (name) => loadOrCreateSecret(join(config.home, 'keys'), name),
      progress: (m) => this.options.console.info(m),
      scrapeJobs: () => [
        ...this.specs
          .filter(
            (s) => s.scrapeJob !== undefined && s.defaultPort !== undefined && s.skip?.(ctx) === undefined,
          )
          .map((s) => ({ job: s.scrapeJob!, target: `127.0.0.1:${port(s.scrapePort ?? s.name)}` })),
        { job: 'stack', target: `127.0.0.1:${port(supervisorPort.name)}` },
      ],
    };
    return ctx;
  }

  /** Starts everything; on failure stops what it started and rethrows. */
  async start(): Promise<void> {
    const { config } = this;
    // 0755: PostgreSQL runs as another user when we are root and must reach its data directory.
    mkdirSync(join(config.home, 'logs'), { recursive: true });
    chmodSync(config.home, 0o755);
    await this.clearLeftovers();
    await this.checkPorts();
    this.options.console.info(`state directory ${config.home}`);
    this.server = createStackServer(this.metrics, this.sink);
    await listen(this.server, this.ctx.port(supervisorPort.name));
    this.writeState();
    if (config.follow) {
      this.follower = new LogFollower(
        this.supervisor.components.map((c) => ({ name: c.spec.name, file: c.logFile })),
        (line) => this.options.console.block(line),
      );
      this.follower.start();
    }
    try {
      await this.supervisor.start();
    } catch (err) {
      // A signal during start: the stop it triggered reports the outcome.
      if (this.stopping) return;
      this.state = 'failed';
      if (err instanceof StartError)
        this.options.console.warn(`${err.component} did not start; stopping the rest…`);
      await this.stop('failed');
      throw err;
    }
    if (this.stopping) return;
    this.state = 'running';
    this.supervisor.watchReadiness(5_000);
    await this.waitForFirstScrape();
    this.options.console.block(renderStatus(this.snapshot()));
    this.options.console.info(
      'all up. Ctrl-C stops everything (twice: kill at once); SIGUSR2 re-prints the status.',
    );
    // Target health and SLOs in stack.json stay fresh; the console gets a compact line less often.
    this.timers.push(setInterval(() => void this.refresh(), 5_000));
    if (config.statusIntervalMs > 0) {
      this.timers.push(setInterval(() => this.printStatus(true), config.statusIntervalMs));
    }
  }

  printStatus(compact: boolean): void {
    void this.refresh().then(() => {
      const s = this.snapshot();
      this.options.console.block(compact ? `[status] ${renderCompact(s)}` : renderStatus(s));
    });
  }

  /** Idempotent: a second call waits for the first. */
  stop(final: 'stopped' | 'failed' = 'stopped'): Promise<void> {
    this.stopping ??= this.stopNow(final);
    return this.stopping;
  }

  private async stopNow(final: 'stopped' | 'failed'): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.state !== 'failed') this.state = 'stopping';
    this.writeState();
    await this.supervisor.stop();
    this.follower?.stop();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server?.closeAllConnections();
    this.state = final;
    this.writeState();
  }

  async killAll(): Promise<void> {
    await this.supervisor.killAll();
    this.state = 'stopped';
    this.writeState();
  }

  private async clearLeftovers(): Promise<void> {
    const previous = readState(this.stateFile);
    const { supervisor, orphans } = findLeftovers(previous);
    if (supervisor !== undefined) {
      throw new ConfigError(
        `another gameday stack (pid ${supervisor}) is running with the state directory ${this.config.home}. ` +
          `Stop it first (Ctrl-C in its terminal, or kill -TERM ${supervisor}), or run this one beside it with ` +
          `GAMEDAY_HOME=<another dir> GAMEDAY_PORT_OFFSET=1000.`,
      );
    }
    if (orphans.length === 0) return;
    this.options.console.warn(
      `a previous stack did not shut down; stopping what it left running: ${orphans.map((o) => `${o.name} (pid ${o.pid})`).join(', ')}…`,
    );
    const phaseOf = (name: string) => {
      const spec = this.specs.find((s) => s.name === name);
      return spec ? (spec.shutdownPhase ?? (spec.kind === 'infra' ? 3 : spec.kind === 'service' ? 1 : 0)) : 1;
    };
    for (const phase of [...new Set(orphans.map((o) => phaseOf(o.name)))].sort()) {
      await Promise.all(
        orphans
          .filter((o) => phaseOf(o.name) === phase)
          .map((o) =>
            stopOrphan(o.pid, this.specs.find((s) => s.name === o.name)?.stopSignal ?? 'SIGTERM', 10_000),
          ),
      );
    }
    const alive = orphans.filter((o) => isAlive(o.pid));
    if (alive.length > 0) {
      throw new ConfigError(
        `could not stop ${alive.map((o) => `pid ${o.pid}`).join(', ')}; kill them and start again.`,
      );
    }
  }

  /** Fails early, naming the component and the variable to move it, when a port is taken. */
  private async checkPorts(): Promise<void> {
    const wanted = [
      ...this.specs
        .filter((s) => s.defaultPort !== undefined && s.skip?.(this.ctx) === undefined)
        .flatMap((s) => [s.name, ...Object.keys(s.extraPorts ?? {})]),
      supervisorPort.name,
    ];
    for (const name of wanted) {
      const port = this.ctx.port(name);
      const free = await new Promise<boolean>((resolve) => {
        const probe = createServer();
        probe.once('error', () => resolve(false));
        probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
      });
      if (!free) {
        throw new ConfigError(
          `port ${port} (${name}) is already in use. Stop whatever listens there (ss -ltnp 'sport = :${port}'), ` +
            `or move it: ${portVariable(name)}=<port>, or every port at once: GAMEDAY_PORT_OFFSET=1000.`,
        );
      }
    }
  }

  /** Waits (bounded) until Prometheus has scraped every target since the services became ready. */
  private async waitForFirstScrape(): Promise<void> {
    const prometheus = this.supervisor.get('prometheus');
    if (!prometheus || prometheus.state !== 'ready') return;
    const since = Date.now();
    const deadline = since + 20_000;
    this.options.console.info('waiting for the first Prometheus scrape of every target…');
    while (Date.now() < deadline) {
      try {
        this.targets = await readTargets(this.ctx.url('prometheus'));
        const all = Object.values(this.targets);
        const fresh = (t: TargetHealth) => t.health === 'up' || Date.parse(t.last_scrape) > since;
        if (all.length > 0 && all.every(fresh)) break;
      } catch {
        // Prometheus is ready; a failed read is retried until the deadline.
      }
      await sleep(500);
    }
    await this.refresh();
    const down = Object.entries(this.targets).filter(([, t]) => t.health !== 'up');
    for (const [job, t] of down) {
      this.options.console.warn(
        `Prometheus cannot scrape ${job}: ${t.health}${t.last_error ? ` (${t.last_error})` : ''}`,
      );
    }
  }

  private async refresh(): Promise<void> {
    if (this.refreshing || this.state !== 'running') return;
    this.refreshing = true;
    try {
      const url = this.ctx.url('prometheus');
      if (this.supervisor.get('prometheus')?.state === 'ready') {
        this.targets = await readTargets(url).catch(() => this.targets);
        this.slos = await readSloStatus(url).catch((err: unknown) => {
          this.options.console.warn(`could not read SLO status from Prometheus: ${describeError(err)}`);
          return this.slos;
        });
      }
      this.writeState();
    } finally {
      this.refreshing = false;
    }
  }

  snapshot(): StackState {
    const stackUrl = this.ctx.url(supervisorPort.name);
    const components = this.supervisor.records().map((c) => {
      const job = this.specs.find((s) => s.name === c.name)?.scrapeJob;
      return { ...c, scrape: job && c.state !== 'skipped' ? (this.targets[job]?.health ?? 'unknown') : null };
    });
    components.push({
      name: 'stack',
      kind: 'supervisor',
      description: 'this supervisor: /metrics and the Alertmanager webhook sink',
      state: this.server?.listening ? 'ready' : this.state === 'stopped' ? 'stopped' : 'starting',
      pid: process.pid,
      port: this.ctx.port(supervisorPort.name),
      url: stackUrl,
      restarts: 0,
      started_at: this.startedAt.toISOString(),
      ready_at: null,
      log: null,
      command: null,
      scrape: this.targets.stack?.health ?? (this.server?.listening ? 'unknown' : null),
    });
    return {
      version: 1,
      state: this.state,
      pid: process.pid,
      home: this.config.home,
      started_at: this.startedAt.toISOString(),
      updated_at: new Date().toISOString(),
      prometheus: { url: this.ctx.url('prometheus') },
      alertmanager: { url: this.ctx.url('alertmanager') },
      stack: { url: stackUrl, metrics: `${stackUrl}/metrics`, alerts: `${stackUrl}/alerts` },
      ...signalUrls(this.ctx, (name) => {
        const spec = this.specs.find((s) => s.name === name);
        return spec !== undefined && spec.skip?.(this.ctx) === undefined;
      }),
      components,
      targets: this.targets,
      slos: this.slos,
    };
  }

  private writeState(): void {
    try {
      writeState(this.stateFile, this.snapshot());
    } catch (err) {
      this.options.console.warn(`could not write ${this.stateFile}: ${(err as Error).message}`);
    }
  }
}

export { StartError, ConfigError };
