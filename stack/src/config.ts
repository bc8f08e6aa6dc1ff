// The stack's own configuration, read from the environment and the command line once at start.
// Every port and the state directory can be moved, so a test can run a second stack beside a
// developer's.

import { stackHome } from './state-file';

export interface StackConfig {
  root: string;
  /** GAMEDAY_HOME, default <root>/.gameday */
  home: string;
  /** GAMEDAY_PORT_OFFSET, added to every default port */
  portOffset: number;
  /** Explicit per-component ports: GAMEDAY_<NAME>_PORT (or <NAME>_PORT for a service). */
  portOverrides: Map<string, number>;
  /** Streams every child's log lines to the console: --follow or GAMEDAY_LOG_FOLLOW=1. */
  follow: boolean;
  /** LOG_LEVEL for the services (default info). */
  logLevel: string;
  /** GAMEDAY_STATUS_INTERVAL_MS, how often the compact status is re-printed (default 30 s, 0 = never). */
  statusIntervalMs: number;
  /** External PostgreSQL; embedded PostgreSQL runs when unset. */
  databaseUrl: string | undefined;
}

export class ConfigError extends Error {}

function integer(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not an integer between ${min} and ${max}.`);
  }
  return n;
}

/** GAMEDAY_ACCOUNTS_PORT for "accounts", GAMEDAY_PROMETHEUS_PORT for "prometheus". */
export function portVariable(name: string): string {
  return `GAMEDAY_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PORT`;
}

export function readConfig(
  root: string,
  env: Record<string, string | undefined>,
  argv: string[],
  componentNames: string[],
  serviceNames: string[],
): StackConfig {
  const unknown = argv.filter((a) => a !== '--follow');
  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown argument ${unknown.join(' ')}; the only option is --follow (stream service logs).`,
    );
  }
  const portOverrides = new Map<string, number>();
  for (const name of componentNames) {
    const vars = [portVariable(name)];
    // Services also accept the shorter ACCOUNTS_PORT, GATEWAY_PORT, ...
    if (serviceNames.includes(name)) vars.push(`${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PORT`);
    for (const v of vars) {
      if (env[v] !== undefined && env[v] !== '') {
        portOverrides.set(name, integer(env, v, 0, 1, 65535));
        break;
      }
    }
  }
  const databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  if (databaseUrl !== undefined) {
    try {
      const u = new URL(databaseUrl);
      if (!/^postgres(ql)?:$/.test(u.protocol)) throw new Error('not postgres');
    } catch {
      throw new ConfigError(
        `DATABASE_URL is not a postgres:// URL. Unset it to use the embedded PostgreSQL, or set postgres://user:password@host:5432/postgres.`,
      );
    }
  }
  return {
    root,
    home: stackHome(root, env),
    portOffset: integer(env, 'GAMEDAY_PORT_OFFSET', 0, 0, 50_000),
    portOverrides,
    follow: argv.includes('--follow') || env.GAMEDAY_LOG_FOLLOW === '1' || env.GAMEDAY_LOG_FOLLOW === 'true',
    logLevel: env.LOG_LEVEL || 'info',
    statusIntervalMs: integer(env, 'GAMEDAY_STATUS_INTERVAL_MS', 30_000, 0, 86_400_000),
    databaseUrl,
  };
}
