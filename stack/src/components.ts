// The registry: every component of the local stack, in one list. To add one (Kafka, wallet, k6 ...),
// add an entry here; the supervisor, Prometheus config, status table and stack.json follow.
//
//   service({ name: 'wallet', port: 8082, database: 'wallet', dependsOn: ['accounts'] }),

import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { serviceEntry } from '@gameday/telemetry/contract';
import { SERVICE_NODE_FLAGS } from '@gameday/telemetry/runtime';
import { defaultSinkPort, fallbackAlertmanagerConfig, pointWebhooksAt } from './alertmanager-config';
import type { Command, ComponentSpec, StackContext } from './component';
import { kafka, kafkaBrokers } from './kafka';
import { initialisePostgres, postgresArgs, postgresBinaries, postgresUser } from './postgres';
import type { RunAs } from './postgres';
import { prometheusConfig } from './prometheus-config';
import { proxiedDatabaseUrl, proxiedUrl, toxiproxy } from './toxiproxy';
import { jaeger, logAgent, otlpEndpoint, victoriaLogs } from './signals';
import { alertmanagerConfigPath, localRuleFiles } from './slo-integration';

/** Ports of things that are not registry entries but can be moved like them. */
export const supervisorPort = { name: 'stack', port: defaultSinkPort };

export interface ServiceOptions {
  name: string;
  port: number;
  /** The service gets DATABASE_URL for a database of this name, created when missing. */
  database?: string;
  dependsOn?: readonly string[];
  /** Service-specific environment, resolved at each (re)start. */
  env?: (ctx: StackContext) => Record<string, string>;
  description: string;
}

/** A service of apps/: `node apps/<name>/dist/main.js` with the standard environment (ARCHITECTURE.md §3). */
export function service(opts: ServiceOptions): ComponentSpec {
  const main = (ctx: StackContext) => join(ctx.root, 'apps', opts.name, 'dist', 'main.js');
  const dependsOn = [...(opts.database ? ['postgres', 'toxiproxy'] : []), ...(opts.dependsOn ?? [])];
  return {
    name: opts.name,
    kind: 'service',
    description: opts.description,
    defaultPort: opts.port,
    dependsOn,
    scrapeJob: opts.name,
    async prepare(ctx) {
      if (!existsSync(main(ctx))) {
        throw new Error(
          `${shown(ctx, main(ctx))} does not exist. Build it with \`npx tsc -b\` (npm start does) and start again.`,
        );
      }
      if (opts.database) await ctx.ensureDatabase(opts.database);
    },
    command(ctx) {
      return {
        command: process.execPath,
        args: [...SERVICE_NODE_FLAGS, main(ctx)],
        cwd: ctx.root,
        env: {
          PORT: String(ctx.port(opts.name)),
          OTEL_SERVICE_NAME: opts.name,
          LOG_LEVEL: ctx.logLevel,
          // Through Toxiproxy (network faults of the chaos harness); the stack's own setup goes direct.
          ...(opts.database ? { DATABASE_URL: proxiedDatabaseUrl(ctx, ctx.databaseUrl(opts.database)) } : {}),
          // Fault switches (http-error, http-latency) for the local chaos engine; admin token only.
          CHAOS_FAULTS_TOKEN: ctx.secret('chaos-token'),
          // A development stack sees little traffic: keep one new trace in ten (production: 1%).
          OTEL_TRACES_SAMPLER_ARG: ctx.env.OTEL_TRACES_SAMPLER_ARG ?? '0.1',
          // Spans to the stack's Jaeger (or the user's OTEL_EXPORTER_OTLP_ENDPOINT, inherited).
          ...otlpEndpoint(ctx),
          ...opts.env?.(ctx),
        },
      };
    },
    readiness: (ctx) => ({ kind: 'http', url: `${ctx.url(opts.name)}/readyz` }),
    hint: (ctx) =>
      `read ${shown(ctx, join(ctx.home, 'logs', `${opts.name}.log`))} (its end is above). When the process runs ` +
      `but is not ready, \`curl ${ctx.url(opts.name)}/readyz\` names the dependency that is down. To run it ` +
      `from your editor instead: GAMEDAY_SKIP=${opts.name} npm start.`,
  };
}

/** A path as short as it can be: relative to the repository when inside it. */
function shown(ctx: StackContext, file: string): string {
  const rel = relative(ctx.root, file);
  return rel.startsWith('..') ? file : rel;
}

/** Finds an executable in PATH; the error says how to install it. */
function executable(names: string[], pkg: string, env: StackContext['env']): string {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const name of names) {
      const file = join(dir, name);
      if (dir && existsSync(file)) return file;
    }
  }
  throw new Error(
    `${names[0]} is not installed. Run \`node scripts/bootstrap.mjs --stack\` (or apt-get install ${pkg}) and start again.`,
  );
}

function postgres(): ComponentSpec {
  let user: RunAs | undefined;
  const dataDir = (ctx: StackContext) => join(ctx.home, 'postgres');
  return {
    name: 'postgres',
    kind: 'infra',
    description: 'embedded PostgreSQL (one database per service)',
    defaultPort: 5433,
    skip: (ctx) => (ctx.env.DATABASE_URL ? 'DATABASE_URL is set: services use that server' : undefined),
    async prepare(ctx) {
      user = postgresUser(ctx.progress);
      initialisePostgres(
        { dataDir: dataDir(ctx), passwordFile: join(ctx.home, 'keys', 'postgres-password') },
        postgresBinaries(),
        user,
        ctx.progress,
      );
    },
    command: (ctx) => ({
      command: postgresBinaries().postgres,
      args: postgresArgs(dataDir(ctx), ctx.port('postgres')),
      env: { LC_MESSAGES: 'C' },
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    }),
    readiness: (ctx) => ({
      kind: 'custom',
      describe: `SELECT 1 on 127.0.0.1:${ctx.port('postgres')}`,
      check: async () => {
        const { Client } = await import('pg');
        const client = new Client({
          connectionString: ctx.databaseUrl('postgres'),
          connectionTimeoutMillis: 2_000,
        });
        client.on('error', () => undefined);
        try {
          await client.connect();
          await client.query('SELECT 1');
        } finally {
          await client.end().catch(() => undefined);
        }
      },
    }),
    displayUrl: (ctx) => `postgres://127.0.0.1:${ctx.port('postgres')}`,
    // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
    stopSignal: 'SIGINT',
    stopTimeoutMs: 15_000,
    shutdownPhase: 3,
    readyTimeoutMs: 60_000,
    hint: (ctx) =>
      `look at ${join(ctx.home, 'logs', 'postgres.log')}. If the data directory is damaged, delete ` +
      `${dataDir(ctx)} (local data only). To use another server, set DATABASE_URL.`,
  };
}

function alertmanager(): ComponentSpec {
  const dir = (ctx: StackContext) => join(ctx.home, 'alertmanager');
  return {
    name: 'alertmanager',
    kind: 'infra',
    description: 'Alertmanager: critical → /alerts/pager, warning → /alerts/ticket',
    defaultPort: 9093,
    scrapeJob: 'alertmanager',
    async prepare(ctx) {
      mkdirSync(join(dir(ctx), 'data'), { recursive: true });
      const checkedIn = alertmanagerConfigPath(ctx.root);
      const sinkPort = ctx.port(supervisorPort.name);
      let text = checkedIn
        ? pointWebhooksAt(readFileSync(checkedIn, 'utf8'), sinkPort)
        : fallbackAlertmanagerConfig(sinkPort);
      // GAMEDAY_ALERT_GROUP_WAIT (e.g. 5s): how long Alertmanager gathers a new group before it
      // notifies (30s by default; the chaos tests shorten it).
      const groupWait = ctx.env.GAMEDAY_ALERT_GROUP_WAIT;
      if (groupWait) {
        if (!/^\d+[smh]$/.test(groupWait))
          throw new Error(`GAMEDAY_ALERT_GROUP_WAIT=${groupWait} is not a duration like 5s`);
        text = text.replace(/group_wait: \S+/g, `group_wait: ${groupWait}`);
      }
      writeFileSync(join(dir(ctx), 'alertmanager.yml'), text);
    },
    command: (ctx) => ({
      command: executable(['prometheus-alertmanager', 'alertmanager'], 'prometheus-alertmanager', ctx.env),
      args: [
        `--config.file=${join(dir(ctx), 'alertmanager.yml')}`,
        `--storage.path=${join(dir(ctx), 'data')}`,
        `--web.listen-address=127.0.0.1:${ctx.port('alertmanager')}`,
        // Empty: no gossip cluster, nothing listens on 9094.
        '--cluster.listen-address=',
      ],
    }),
    readiness: (ctx) => ({ kind: 'http', url: `${ctx.url('alertmanager')}/-/ready` }),
    shutdownPhase: 2,
    hint: (ctx) =>
      `check the configuration: amtool check-config ${join(dir(ctx), 'alertmanager.yml')}; log: ${join(ctx.home, 'logs', 'alertmanager.log')}`,
  };
}

function prometheus(): ComponentSpec {
  const dir = (ctx: StackContext) => join(ctx.home, 'prometheus');
  return {
    name: 'prometheus',
    kind: 'infra',
    description: 'Prometheus: every service every 5 s, SLO rules and alerts',
    defaultPort: 9090,
    dependsOn: ['alertmanager'],
    scrapeJob: 'prometheus',
    async prepare(ctx) {
      mkdirSync(join(dir(ctx), 'data'), { recursive: true });
      const jobs = ctx.scrapeJobs();
      // GAMEDAY_SCRAPE_INTERVAL_S: scrape and rule evaluation (default 5 s; the chaos tests use 2 s).
      const intervalSeconds = Number(ctx.env.GAMEDAY_SCRAPE_INTERVAL_S || 5);
      writeFileSync(
        join(dir(ctx), 'prometheus.yml'),
        prometheusConfig({
          jobs,
          ruleFiles: localRuleFiles(ctx.root, join(dir(ctx), 'rules'), intervalSeconds, ctx.env),
          alertmanager: `127.0.0.1:${ctx.port('alertmanager')}`,
          intervalSeconds,
        }),
      );
    },
    command: (ctx) => ({
      command: executable(['prometheus'], 'prometheus', ctx.env),
      args: [
        `--config.file=${join(dir(ctx), 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir(ctx), 'data')}`,
        `--web.listen-address=127.0.0.1:${ctx.port('prometheus')}`,
        '--web.enable-lifecycle',
      ],
    }),
    readiness: (ctx) => ({ kind: 'http', url: `${ctx.url('prometheus')}/-/ready` }),
    shutdownPhase: 2,
    hint: (ctx) =>
      `check the configuration and rules: promtool check config ${join(dir(ctx), 'prometheus.yml')}; ` +
      `log: ${join(ctx.home, 'logs', 'prometheus.log')}`,
  };
}

/**
 * "A little background load" (ARCHITECTURE.md §6), so SLIs and burn rates have data: by default k6's steady
 * scenario (load/, one player journey every 2 s) for up to 12 hours, without thresholds (nobody
 * judges background traffic). GAMEDAY_LOAD=node runs the lighter Node loop of background-load.ts
 * instead, at GAMEDAY_LOAD_RPS requests/s (the chaos tests use it for a fixed mix at a known rate).
 * GAMEDAY_LOAD_RPS=0 turns background load off.
 */
/**
 * The background load sends from another loopback address than a person's curl or browser
 * (127.0.0.1): the gateway's per-address rate limit then counts it apart and it never eats a real
 * player's budget. Linux routes all of 127.0.0.0/8 to the loopback interface; elsewhere only
 * 127.0.0.1 exists, so the load stays there.
 */
export const BACKGROUND_LOAD_ADDRESS = process.platform === 'linux' ? '127.0.0.2' : undefined;

/**
 * The PokeAPI double (apps/pokemon/src/pokeapi-double): the public PokeAPI cannot be reached from
 * here, and a local stack must not depend on it. Its faults switch with PUT /__faults.
 */
function pokeapiDouble(): ComponentSpec {
  const main = (ctx: StackContext) => join(ctx.root, 'apps', 'pokemon', 'dist', 'pokeapi-double', 'main.js');
  return {
    name: 'pokeapi',
    kind: 'infra',
    description: 'a PokeAPI double (PokeAPI-shaped JSON from @pkmn/dex; faults via PUT /__faults)',
    defaultPort: 8088,
    skip: (ctx) =>
      ctx.env.POKEAPI_URL ? 'POKEAPI_URL is set: the pokemon service uses that PokeAPI' : undefined,
    async prepare(ctx) {
      if (!existsSync(main(ctx))) {
        throw new Error(
          `${shown(ctx, main(ctx))} does not exist. Build it with \`npx tsc -b\` (npm start does).`,
        );
      }
    },
    command: (ctx) => ({
      command: process.execPath,
      args: [main(ctx)],
      cwd: ctx.root,
      env: { PORT: String(ctx.port('pokeapi')), HOST: '127.0.0.1' },
    }),
    readiness: (ctx) => ({ kind: 'http', url: `${ctx.url('pokeapi')}/__faults` }),
    displayUrl: (ctx) => `${ctx.url('pokeapi')}/api/v2`,
    // After the services (the pokemon service's last fetches still find it).
    shutdownPhase: 2,
    hint: (ctx) =>
      `read ${shown(ctx, join(ctx.home, 'logs', 'pokeapi.log'))}; is port ${ctx.port('pokeapi')} free?`,
  };
}

function backgroundLoad(): ComponentSpec {
  const useNode = (ctx: StackContext) => ctx.env.GAMEDAY_LOAD === 'node';
  return {
    name: 'load',
    kind: 'load',
    description: 'background player traffic against the gateway (k6 steady)',
    dependsOn: ['gateway'],
    skip: (ctx) => {
      if (ctx.env.GAMEDAY_LOAD_RPS === '0') return 'GAMEDAY_LOAD_RPS=0';
      const skipped = (ctx.env.GAMEDAY_SKIP ?? '').split(',').map((s) => s.trim());
      return skipped.includes('gateway') ? 'the gateway is skipped (GAMEDAY_SKIP)' : undefined;
    },
    command: (ctx): Command =>
      useNode(ctx)
        ? {
            command: process.execPath,
            args: [join(ctx.root, 'stack', 'dist', 'background-load.js')],
            cwd: ctx.root,
            env: {
              GATEWAY_URL: ctx.url('gateway'),
              LOAD_RPS: ctx.env.GAMEDAY_LOAD_RPS ?? '4',
              ...(BACKGROUND_LOAD_ADDRESS ? { LOAD_SOURCE_ADDRESS: BACKGROUND_LOAD_ADDRESS } : {}),
            },
          }
        : {
            command: process.execPath,
            args: [join(ctx.root, 'scripts', 'load.mjs'), 'steady', '--summary-mode=disabled'],
            cwd: ctx.root,
            env: {
              GATEWAY_URL: ctx.url('gateway'),
              STEADY_DURATION: '12h',
              K6_NO_THRESHOLDS: '1',
              ADMIN_EMAIL: 'k6-load@gameday.local',
              ...(BACKGROUND_LOAD_ADDRESS ? { K6_LOCAL_IPS: BACKGROUND_LOAD_ADDRESS } : {}),
            },
          },
    readiness: () => ({ kind: 'custom', describe: 'load started', check: async () => undefined }),
    restart: 'on-failure',
  };
}

/** The Toxiproxy binary scripts/toxiproxy.mjs builds (GAMEDAY_TOXIPROXY_BIN overrides it). */
function toxiproxyBinaryPath(ctx: StackContext): string {
  const bin =
    ctx.env.GAMEDAY_TOXIPROXY_BIN ??
    join(
      ctx.env.GAMEDAY_TOXIPROXY_CACHE ?? join(ctx.root, 'node_modules', '.cache', 'gameday-toxiproxy'),
      'v2.5.0',
      'bin',
      'server',
    );
  if (!existsSync(bin)) {
    throw new Error(
      `Toxiproxy is not built (${bin}). Run \`node scripts/toxiproxy.mjs\` (npm start does), or run without it: GAMEDAY_SKIP=toxiproxy.`,
    );
  }
  return bin;
}

/**
 * A Go tool the bootstrap builds into node_modules/.cache (scripts/<script>.mjs), or GAMEDAY_<NAME>_BIN;
 * the error says how to build it or run without it.
 */
export type GoTool = (typeof GO_TOOLS)[keyof typeof GO_TOOLS];

/** Where a Go tool's binary is: GAMEDAY_<NAME>_BIN, else its cache (GAMEDAY_<NAME>_CACHE or node_modules/.cache). */
export function goToolPath(
  root: string,
  env: Readonly<Record<string, string | undefined>>,
  tool: GoTool,
): string {
  return (
    env[`${tool.variable}_BIN`] ??
    join(env[`${tool.variable}_CACHE`] ?? join(root, 'node_modules', '.cache', tool.cache), ...tool.path)
  );
}

function goToolBinary(ctx: StackContext, tool: GoTool): string {
  const bin = goToolPath(ctx.root, ctx.env, tool);
  if (!existsSync(bin)) {
    throw new Error(
      `${tool.name} is not built (${bin}). Run \`node scripts/${tool.script}.mjs\` (npm start does), or run without it: GAMEDAY_SKIP=${tool.name}.`,
    );
  }
  return bin;
}

/** The versions must match scripts/jaeger.mjs, victorialogs.mjs and otelcol.mjs (a test checks). */
export const GO_TOOLS = {
  jaeger: {
    name: 'jaeger',
    script: 'jaeger',
    variable: 'GAMEDAY_JAEGER',
    cache: 'gameday-jaeger',
    path: ['v1.75.0', 'bin', 'jaeger'],
  },
  victorialogs: {
    name: 'victorialogs',
    script: 'victorialogs',
    variable: 'GAMEDAY_VICTORIALOGS',
    cache: 'gameday-victorialogs',
    path: ['v1.52.2', 'bin', 'victoria-logs'],
  },
  logagent: {
    name: 'logagent',
    script: 'otelcol',
    variable: 'GAMEDAY_OTELCOL',
    cache: 'gameday-otelcol',
    path: ['v0.165.0', 'build', 'otelcol-gameday'],
  },
} as const;

/** Every component of the local stack. Order is only a tie-break: `dependsOn` decides start order. */
export function registry(): ComponentSpec[] {
  const specs: ComponentSpec[] = [
    toxiproxy((ctx) => toxiproxyBinaryPath(ctx)),
    postgres(),
    kafka(),
    alertmanager(),
    prometheus(),
    jaeger((ctx) => goToolBinary(ctx, GO_TOOLS.jaeger)),
    victoriaLogs((ctx) => goToolBinary(ctx, GO_TOOLS.victorialogs)),
    logAgent(
      (ctx) => goToolBinary(ctx, GO_TOOLS.logagent),
      () => specs.filter((s) => s.kind === 'service').map((s) => s.name),
    ),
    service({
      ...serviceEntry('accounts'),
      env: (ctx) => ({
        JWT_PRIVATE_KEY: ctx.jwtKeys().privateKeyPem,
        // Who may use the admin endpoints locally (register with this email to get the admin role).
        // The background load is an admin too: it deposits its own play money.
        ACCOUNTS_ADMIN_EMAILS: `${ctx.env.ACCOUNTS_ADMIN_EMAILS ?? 'admin@gameday.local'},background-load@gameday.local,k6-load@gameday.local`,
        // The outbox relay publishes player.registered; it waits for Kafka by itself.
        KAFKA_BROKERS: kafkaBrokers(ctx),
      }),
    }),
    service({
      ...serviceEntry('wallet'),
      env: (ctx) => ({ WALLET_SERVICE_TOKENS: `casino=${ctx.secret('casino-wallet-token')}` }),
    }),
    service({
      ...serviceEntry('casino'),
      env: (ctx) => ({
        WALLET_URL: proxiedUrl(ctx, 'casino-wallet'),
        WALLET_TOKEN: ctx.secret('casino-wallet-token'),
        CASINO_GAMES: ctx.env.CASINO_GAMES ?? 'all',
        KAFKA_BROKERS: kafkaBrokers(ctx),
      }),
    }),
    pokeapiDouble(),
    service({
      ...serviceEntry('pokemon'),
      dependsOn: [...serviceEntry('pokemon').dependsOn, 'pokeapi'],
      env: (ctx) => ({
        KAFKA_BROKERS: kafkaBrokers(ctx),
        // The PokeAPI double, through Toxiproxy (the "PokeAPI outage" experiment cuts this edge).
        POKEAPI_URL: ctx.env.POKEAPI_URL ?? `${proxiedUrl(ctx, 'pokemon-pokeapi')}/api/v2`,
        // The scheduler's token for the internal API (arranged battles, team checks, retention).
        POKEMON_SERVICE_TOKENS: `scheduler=${ctx.secret('scheduler-pokemon-token')}`,
      }),
    }),
    service({
      ...serviceEntry('scheduler'),
      env: (ctx) => ({
        POKEMON_URL: ctx.url('pokemon'),
        POKEMON_TOKEN: ctx.secret('scheduler-pokemon-token'),
        KAFKA_BROKERS: kafkaBrokers(ctx),
      }),
    }),
    service({
      ...serviceEntry('events'),
      env: (ctx) => ({ KAFKA_BROKERS: kafkaBrokers(ctx) }),
    }),
    service({
      ...serviceEntry('leaderboard'),
      env: (ctx) => ({ KAFKA_BROKERS: kafkaBrokers(ctx) }),
    }),
    service({
      ...serviceEntry('gateway'),
      env: (ctx) => ({
        ACCOUNTS_URL: ctx.url('accounts'),
        WALLET_URL: proxiedUrl(ctx, 'gateway-wallet'),
        CASINO_URL: ctx.url('casino'),
        POKEMON_URL: ctx.url('pokemon'),
        SCHEDULER_URL: ctx.url('scheduler'),
        EVENTS_URL: ctx.url('events'),
        LEADERBOARD_URL: ctx.url('leaderboard'),
        JWT_PUBLIC_KEY: ctx.jwtKeys().publicKeyPem,
      }),
    }),
    backgroundLoad(),
  ];
  return specs;
}
