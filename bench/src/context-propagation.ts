// Context propagation on Node 24 (issue 21): the same services with a traced request's context
// carried by AsyncLocalStorage (AsyncContextFrame on Node 24: no promise hooks) and by hand
// (`explicit`: re-entered after each await). Three paths, each with every variant side by side and
// load alternating between them in slices (runVariants): gateway → accounts (JWT, proxy, one read),
// a coin-flip bet through gateway → casino → wallet (PostgreSQL transactions), and a single event
// through gateway → events → Kafka. At 100% sampling every request carries a context; at the
// default (1%) almost none does.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { request, startKafka, startPlayerApi, startPostgres } from '@gameday/testing';
import type { PlayerApi, TestKafka, TestPostgres } from '@gameday/testing';
import { modeEnv, runVariants } from './telemetry-overhead';
import type { BenchOptions, Subject, VariantResult } from './telemetry-overhead';

export const CONTEXT_VARIANTS = ['explicit-100', 'als-100', 'explicit-default', 'als-default'] as const;
export type ContextVariant = (typeof CONTEXT_VARIANTS)[number];
export type ContextResult = VariantResult<ContextVariant>;

function contextEnv(v: ContextVariant, sink: string): Record<string, string | undefined> {
  return {
    ...modeEnv(v.endsWith('-100') ? 'full' : 'default', sink),
    GAMEDAY_CONTEXT_PROPAGATION: v.startsWith('als') ? 'async-local-storage' : 'explicit',
  };
}

const UNLIMITED = { RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_PLAYER_PER_MINUTE: '1000000' };
const PASSWORD = 'a long enough password';

async function login(gateway: string, email: string): Promise<string> {
  const res = await request(`${gateway}/api/v1/players/login`, { body: { email, password: PASSWORD } });
  if (res.status !== 200) throw new Error(`bench login of ${email} failed: ${res.status} ${res.text}`);
  return String(res.body.access_token);
}

async function register(gateway: string, email: string): Promise<string> {
  const res = await request(`${gateway}/api/v1/players`, {
    body: { email, display_name: email.split('@')[0], password: PASSWORD },
  });
  if (res.status !== 201) throw new Error(`bench sign-up of ${email} failed: ${res.status} ${res.text}`);
  return String(res.body.id);
}

function stoppable(api: PlayerApi) {
  return [{ stop: () => api.stop() }];
}

const accountsSubject = (pg: TestPostgres): Subject<ContextVariant> => ({
  async start(v, env, logDir) {
    const api = await startPlayerApi({
      pg,
      env,
      gatewayEnv: UNLIMITED,
      accountsOptions: { logFile: join(logDir, `accounts-${v}.log`) },
      gatewayOptions: { logFile: join(logDir, `gateway-${v}.log`) },
    });
    await register(api.gateway.url, 'bench@example.com');
    const token = await login(api.gateway.url, 'bench@example.com');
    return {
      url: `${api.gateway.url}/api/v1/players/me`,
      headers: { authorization: `Bearer ${token}` },
      procs: stoppable(api),
    };
  },
});

const casinoSubject = (pg: TestPostgres): Subject<ContextVariant> => ({
  async start(v, env, logDir) {
    const api = await startPlayerApi({
      pg,
      env,
      accountsEnv: { ACCOUNTS_ADMIN_EMAILS: 'bench-admin@example.com' },
      gatewayEnv: UNLIMITED,
      accountsOptions: { logFile: join(logDir, `accounts-${v}.log`) },
      gatewayOptions: { logFile: join(logDir, `gateway-${v}.log`) },
      casino: {
        walletOptions: { logFile: join(logDir, `wallet-${v}.log`) },
        casinoOptions: { logFile: join(logDir, `casino-${v}.log`) },
        casinoEnv: { CASINO_GAMES: 'coin-flip' },
      },
    });
    const gw = api.gateway.url;
    await register(gw, 'bench-admin@example.com');
    const admin = await login(gw, 'bench-admin@example.com');
    // Many players, so bets queue on no single balance row.
    const rotate: Record<string, string>[] = [];
    for (let i = 0; i < 32; i++) {
      const email = `bettor-${i}@example.com`;
      const id = await register(gw, email);
      const deposit = await request(`${gw}/api/v1/wallet/deposits`, {
        token: admin,
        headers: { 'idempotency-key': randomUUID() },
        body: { player_id: id, amount: '1000000.00' },
      });
      if (deposit.status !== 201) throw new Error(`bench deposit failed: ${deposit.status} ${deposit.text}`);
      rotate.push({ authorization: `Bearer ${await login(gw, email)}` });
    }
    return {
      url: `${gw}/api/v1/casino/games/coin-flip/rounds`,
      headers: {},
      body: JSON.stringify({ stake: '1.00', bet: { side: 'heads' } }),
      rotate,
      procs: stoppable(api),
    };
  },
});

const eventsSubject = (pg: TestPostgres, kafka: TestKafka): Subject<ContextVariant> => ({
  async start(v, env, logDir) {
    const api = await startPlayerApi({
      pg,
      env,
      gatewayEnv: UNLIMITED,
      accountsOptions: { logFile: join(logDir, `accounts-${v}.log`) },
      gatewayOptions: { logFile: join(logDir, `gateway-${v}.log`) },
      events: {
        kafkaBrokers: kafka.brokers,
        eventsEnv: { EVENTS_PLAYER_RATE: '1000000', EVENTS_PLAYER_BURST: '1000000' },
        eventsOptions: { logFile: join(logDir, `events-${v}.log`) },
        leaderboard: false,
      },
    });
    await register(api.gateway.url, 'bench@example.com');
    const token = await login(api.gateway.url, 'bench@example.com');
    return {
      url: `${api.gateway.url}/api/v1/events`,
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ type: 'session.started', data: { client: 'bench' } }),
      procs: stoppable(api),
    };
  },
});

export async function contextPropagation(opts: BenchOptions): Promise<ContextResult[]> {
  const pg = await startPostgres();
  let kafka: TestKafka | undefined;
  try {
    const results = [
      await runVariants(
        'gateway → accounts GET /players/me',
        CONTEXT_VARIANTS,
        contextEnv,
        accountsSubject(pg),
        opts,
      ),
      await runVariants(
        'coin-flip bet: gateway → casino → wallet',
        CONTEXT_VARIANTS,
        contextEnv,
        casinoSubject(pg),
        opts,
      ),
    ];
    kafka = await startKafka();
    await kafka.createTopics([
      { topic: 'gameday.events', partitions: 6 },
      { topic: 'gameday.events.dlq', partitions: 1 },
    ]);
    results.push(
      await runVariants(
        'single event: gateway → events → Kafka',
        CONTEXT_VARIANTS,
        contextEnv,
        eventsSubject(pg, kafka),
        opts,
      ),
    );
    return results;
  } finally {
    await kafka?.stop();
    await pg.destroy();
  }
}
