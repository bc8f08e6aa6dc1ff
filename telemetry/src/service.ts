// createService(): the one call that instruments a service. It validates configuration from the
// environment, builds an Express app with metrics, logs, request ids, body parsing, health endpoints
// and problem+json errors, and runs it with graceful shutdown on SIGTERM.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Express, RequestHandler } from 'express';
import { z } from 'zod';
import { createLogger } from './logger';
import type { Logger } from './logger';
import { ServiceMetrics } from './metrics';
import { Health } from './health';
import { buildInfo } from './build-info';
import { compose, errorHandler, jsonBody, notFound, observe, requestId } from './http';
import { serverClasses } from './server-classes';
import { telemetryEnabled, tracingHandle } from './tracing';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Standard variables every service reads (ARCHITECTURE.md §3). */
export const baseConfig = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(0),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /**
   * Apply the database migrations and exit 0 without serving (a Kubernetes Job before the rollout;
   * the advisory lock still serialises it with starting instances).
   */
  GAMEDAY_MIGRATE_ONLY: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** Keep serving this long after SIGTERM with readiness failing, so load balancers can react. */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i)
    .default('64kb'),
  /** Set when an image is built (GET /version, gameday_build_info); a checkout reads package.json and .git. */
  GAMEDAY_VERSION: z
    .string()
    .regex(
      // eslint-disable-next-line security/detect-unsafe-regex -- optional groups one after another, no nesting; it checks a version from the build
      /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/,
      'must be a semantic version such as 1.4.2',
    )
    .optional(),
  GAMEDAY_REVISION: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/, 'must be a git commit id (7 to 40 hex digits)')
    .optional(),
  GAMEDAY_BUILD_TIME: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
});
export type BaseConfig = z.infer<typeof baseConfig>;

/** Validates environment variables against a schema; each problem names the variable. */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((i) => {
      const name = i.path.join('.');
      const value = env[name];
      return `${name}: ${i.message}${value === undefined ? ' (not set)' : ` (got "${truncate(value)}")`}`;
    }),
  );
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export interface ServiceOptions<S extends z.ZodObject> {
  name: string;
  version?: string;
  /** Extra configuration variables of this service; merged with the standard ones. */
  config?: S;
  env?: NodeJS.ProcessEnv;
  /**
   * Parse JSON request bodies (default true). A proxy (the gateway) turns it off so bodies stream
   * to upstreams untouched; it then enforces BODY_LIMIT itself.
   */
  parseJson?: boolean;
}

export type ShutdownHook = () => Promise<unknown> | unknown;

export class Service<C> {
  readonly app: Express;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly health: Health;
  readonly telemetry: boolean;
  private readonly hooks: { name: string; hook: ShutdownHook }[] = [];
  private server: http.Server | undefined;
  private stopping: Promise<void> | undefined;
  private finalised = false;

  constructor(
    readonly name: string,
    readonly config: C & BaseConfig,
    /** The environment the service was configured from. */
    readonly env: NodeJS.ProcessEnv,
    options: { parseJson?: boolean } = {},
  ) {
    this.telemetry = telemetryEnabled(env);
    this.logger = createLogger({ service: name, level: config.LOG_LEVEL });
    this.metrics = new ServiceMetrics(name);
    const dependencyUp = this.metrics.gauge({
      name: 'gameday_dependency_up',
      help: 'Whether a dependency answered its last readiness check (1) or not (0).',
      labelNames: ['dependency'],
    });
    this.health = new Health(dependencyUp);
    const build = buildInfo(name, config);
    this.metrics
      .gauge({
        name: 'gameday_build_info',
        help: 'The running build: always 1, with its version and git revision in labels.',
        labelNames: ['service', 'version', 'revision'],
      })
      .set({ service: name, version: build.version, revision: build.revision }, 1);
    this.app = express();
    this.app.disable('x-powered-by');
    this.app.set('etag', false);
    this.app.set('query parser', 'simple');
    // Bare mode (GAMEDAY_TELEMETRY=off) is the benchmark baseline: no histogram, no access log.
    const standard: RequestHandler[] = [requestId()];
    if (this.telemetry) standard.push(observe(this.metrics, this.logger));
    if (options.parseJson !== false) standard.push(jsonBody(config.BODY_LIMIT));
    this.app.use(compose(...standard));
    this.app.get('/metrics', this.metrics.handler());
    this.app.get('/healthz', this.health.livenessHandler());
    this.app.get('/readyz', this.health.readinessHandler());
    this.app.get('/version', (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json(build);
    });
  }

  /** The HTTP server, once `listen` has been called. */
  get httpServer(): http.Server | undefined {
    return this.server;
  }

  /** Registers work to do at shutdown after requests drained (close pools, consumers); runs in reverse order. */
  onShutdown(name: string, hook: ShutdownHook): void {
    this.hooks.push({ name, hook });
  }

  /** Adds the 404 and error handlers; call after the routes. `listen` calls it if you did not. */
  finalise(): void {
    if (this.finalised) return;
    this.finalised = true;
    this.app.use(notFound());
    this.app.use(errorHandler(this.logger));
  }

  /** Starts listening on `PORT` (0 = any free port) and installs SIGTERM/SIGINT handling. */
  async listen(options: { signals?: boolean } = {}): Promise<{ port: number; url: string }> {
    this.finalise();
    // Requests and responses are born with the app's prototypes (see server-classes.ts).
    const server = http.createServer(serverClasses(this.app), this.app);
    // Longer than a typical load balancer's idle timeout, so it never closes a connection first.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.requestTimeout = 30_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.PORT, this.config.HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${this.config.HOST}:${port}`;
    if (options.signals !== false) {
      const onSignal = (signal: NodeJS.Signals) => {
        this.logger.info('shutdown requested', { signal });
        void this.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    }
    this.logger.info('listening', {
      url,
      telemetry: this.telemetry ? 'on' : 'off',
      tracing: tracingHandle().sampler,
      exporting_spans: tracingHandle().exporting,
    });
    return { port, url };
  }

  /**
   * Graceful stop: readiness fails, optionally keep serving for SHUTDOWN_DELAY_MS, stop accepting,
   * let in-flight requests finish (keep-alive connections are told to close), then run shutdown
   * hooks and flush spans. After SHUTDOWN_TIMEOUT_MS remaining connections are cut.
   */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const started = Date.now();
    this.health.setDraining();
    const server = this.server;
    if (server) {
      if (this.config.SHUTDOWN_DELAY_MS > 0) await sleep(this.config.SHUTDOWN_DELAY_MS);
      // Responses written from now on carry `Connection: close`, so clients move off this process.
      server.on('request', (_req, res: http.ServerResponse) => res.setHeader('Connection', 'close'));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
      const deadline = sleep(this.config.SHUTDOWN_TIMEOUT_MS).then(() => 'timeout' as const);
      const outcome = await Promise.race([closed.then(() => 'drained' as const), deadline]);
      clearInterval(idleSweep);
      if (outcome === 'timeout') {
        this.logger.warn('shutdown deadline reached; closing remaining connections', {
          timeout_ms: this.config.SHUTDOWN_TIMEOUT_MS,
        });
        server.closeAllConnections();
      }
    }
    for (const { name, hook } of [...this.hooks].reverse()) {
      try {
        await hook();
      } catch (err) {
        this.logger.error('shutdown hook failed', { hook: name, error: String(err) });
      }
    }
    await tracingHandle().shutdown();
    // Buffered log lines are written synchronously when the process exits.
    this.logger.info('stopped', { duration_ms: Date.now() - started });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Creates an instrumented service. Call `startTracing` before this, in the entry point's first line. */
export function createService<S extends z.ZodObject = z.ZodObject<Record<string, never>>>(
  options: ServiceOptions<S>,
): Service<z.output<S>> {
  const env = options.env ?? process.env;
  const schema = options.config ? baseConfig.extend(options.config.shape) : baseConfig;
  const config = loadConfig(schema, env) as z.output<S> & BaseConfig;
  return new Service<z.output<S>>(options.name, config, env, { parseJson: options.parseJson });
}

/**
 * Runs an async entry point; a startup failure (bad configuration, unreachable database) is printed
 * as one JSON log line naming the problem and the process exits 1.
 */
/** Thrown by the database setup under GAMEDAY_MIGRATE_ONLY once the migrations are applied: runMain exits 0. */
export class MigrationsApplied extends Error {
  constructor(readonly applied: number) {
    super(`migrations applied (${applied} new); GAMEDAY_MIGRATE_ONLY is set: exiting without serving`);
    this.name = 'MigrationsApplied';
  }
}

export function runMain(service: string, main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    if (err instanceof MigrationsApplied) {
      process.stdout.write(
        JSON.stringify({
          timestamp: new Date().toISOString(),
          level: 'info',
          message: err.message,
          service,
          applied: err.applied,
        }) + '\n',
      );
      process.exit(0);
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      JSON.stringify({
        timestamp: new Date().toISOString(),
        level: 'error',
        message: `startup failed: ${message}`,
        service,
      }) + '\n',
    );
    process.exit(1);
  });
}
