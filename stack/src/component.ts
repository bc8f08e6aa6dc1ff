// What a component of the local stack is. The registry (components.ts) is a list of these; the
// supervisor knows nothing about PostgreSQL, Prometheus or any service in particular.

/** infra: PostgreSQL, Prometheus, Alertmanager, later Kafka. service: apps/<name>. load: background k6. */
export type ComponentKind = 'infra' | 'service' | 'load';

/** Like a Kubernetes pod's restartPolicy. */
export type RestartPolicy = 'always' | 'on-failure' | 'never';

/** How the supervisor decides that a started component is ready. */
export type Probe =
  | { kind: 'http'; url: string; /** default: any 2xx */ expectStatus?: number }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'custom'; describe: string; check: () => Promise<void> };

/** The process to run: resolved once per (re)start. */
export interface Command {
  command: string;
  args: string[];
  /** Added to the inherited environment (see `inheritedEnv` in child-process.ts). */
  env?: Record<string, string>;
  cwd?: string;
  /** Run as this user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
}

/** Values the registry entries resolve against: ports, URLs, paths, keys, database URLs. */
export interface StackContext {
  /** The repository root (where apps/, alerts/ and slo/ live). */
  readonly root: string;
  /** The state directory: GAMEDAY_HOME, default <root>/.gameday. */
  readonly home: string;
  /** The stack's own environment (process.env, or a test's). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The port of a component (after GAMEDAY_PORT_OFFSET and GAMEDAY_<NAME>_PORT overrides). */
  port(name: string): number;
  /** http://127.0.0.1:<port of name> */
  url(name: string): string;
  /** A PostgreSQL URL for one database (embedded PostgreSQL, or DATABASE_URL with the database replaced). */
  databaseUrl(database: string): string;
  /** Creates the database when it does not exist (a warning, not an error, when not allowed to). */
  ensureDatabase(database: string): Promise<void>;
  /** The Ed25519 key pair services sign and verify JWTs with (PEM). */
  jwtKeys(): { privateKeyPem: string; publicKeyPem: string };
  /** A random token, created once per state directory and reused (service-to-service credentials). */
  secret(name: string): string;
  /** The LOG_LEVEL children get. */
  readonly logLevel: string;
  /** What Prometheus scrapes: every component with a scrapeJob that is not skipped, plus the supervisor. */
  scrapeJobs(): { job: string; target: string }[];
  /** Prints a progress line on the console. */
  progress(message: string): void;
}

export interface ComponentSpec {
  name: string;
  kind: ComponentKind;
  /** One line for the status table and error messages. */
  description: string;
  /** Default port (before overrides); undefined when the component listens on nothing. */
  defaultPort?: number;
  /** More named ports the component listens on (moved by GAMEDAY_PORT_OFFSET like the main one). */
  extraPorts?: Record<string, number>;
  /** Components that must be ready before this one starts. */
  dependsOn?: string[];
  /** Returns a reason to skip the component (e.g. "DATABASE_URL is set"), or undefined to run it. */
  skip?(ctx: StackContext): string | undefined;
  /** One-time work before the first start: write config, initialise a data directory, create a database. */
  prepare?(ctx: StackContext): Promise<void>;
  command(ctx: StackContext): Command;
  readiness(ctx: StackContext): Probe;
  /** The URL shown in the status table and stack.json (default: http://127.0.0.1:<port>). */
  displayUrl?(ctx: StackContext): string;
  /** Default 'always'. */
  restart?: RestartPolicy;
  /** Default 60 s; the first PostgreSQL initdb or a cold JIT can be slow. */
  readyTimeoutMs?: number;
  /** Signal for a graceful stop (PostgreSQL: SIGINT = "fast" shutdown). Default SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /** How long a graceful stop may take before SIGKILL. Default 10 s. */
  stopTimeoutMs?: number;
  /**
   * Shutdown happens in phases, lowest first: 0 load, 1 services, 2 observability (Prometheus,
   * Alertmanager), 3 data (PostgreSQL, Kafka). Default: load 0, service 1, infra 3.
   */
  shutdownPhase?: number;
  /** What to try when the component fails to start (shown under the error). */
  hint?(ctx: StackContext): string;
  /** Job name in Prometheus when the component is scraped (shown as "scrape" in the status table). */
  scrapeJob?: string;
  /** The named port /metrics is served on, when not the main one (one of extraPorts). */
  scrapePort?: string;
}

export function shutdownPhaseOf(spec: ComponentSpec): number {
  if (spec.shutdownPhase !== undefined) return spec.shutdownPhase;
  return spec.kind === 'load' ? 0 : spec.kind === 'service' ? 1 : 3;
}
