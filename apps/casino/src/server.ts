// Wires the casino: configuration, database pool and migrations, wallet client, games, recovery.
import type { Pool } from 'pg';
import { createService } from '@gameday/telemetry';
import { installFaultSwitches, openDatabase } from '@gameday/platform';
import { relayOutbox } from '@gameday/outbox';
import type { Service } from '@gameday/telemetry';
import { casinoConfig } from './config';
import type { CasinoConfig } from './config';
import { MIGRATIONS, MIGRATION_LOCK_KEY } from './data-access/migrations';
import { PgRoundsRepository } from './data-access/rounds-repository';
import { WalletClient } from './data-access/wallet-client';
import { Casino } from './domain/casino';
import type { RoundObserver } from './domain/casino';
import { casinoRoutes } from './entry-points/http';
import { GAMES } from './games';
import type { Game } from './games/types';

/** pg_advisory_lock key of the outbox relay: one relay per database publishes. */
const OUTBOX_LOCK_KEY = 0x6f75_7402;

export interface CasinoServer {
  service: Service<CasinoConfig>;
  url: string;
  port: number;
  casino: Casino;
  stop(): Promise<void>;
}

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<CasinoServer> {
  const service = configure(env);
  const { config, logger } = service;
  const pool = await database(service);
  const rounds = new PgRoundsRepository(pool);
  const games = config.CASINO_GAMES.map((id) => GAMES[id]);
  if (config.CASINO_GAMES.includes('slots')) await rounds.ensureJackpot('slots', config.JACKPOT_SEED);
  const wallet = walletClient(service);
  const observer = settlementMetrics(service, rounds, games);
  const countRecovered = recoveryMetrics(service);
  const casino = new Casino({
    rounds,
    wallet,
    games,
    logger,
    crashAfter: config.CASINO_CRASH_AFTER || undefined,
    observer,
  });
  const recover = startRecovery(service, casino, countRecovered);
  startOutboxRelay(service, pool);
  wireRoutes(service, casino);
  const { url, port } = await service.listen();
  logger.info('serving games', { games: config.CASINO_GAMES });
  void recover();
  return { service, url, port, casino, stop: () => service.stop() };
}

/** The service with its configuration, and the chaos harness's fault switches before any route. */
function configure(env: NodeJS.ProcessEnv): Service<CasinoConfig> {
  const service = createService({ name: 'casino', config: casinoConfig, env });
  const { config } = service;
  // Before any route: the chaos harness's fault switches (only with CHAOS_FAULTS_TOKEN).
  installFaultSwitches(service);
  if (config.CASINO_CRASH_AFTER && config.NODE_ENV === 'production') {
    throw new Error('CASINO_CRASH_AFTER: a test aid, refused when NODE_ENV=production');
  }
  return service;
}

/** The database pool, its schema migrated. */
function database(service: Service<CasinoConfig>): Promise<Pool> {
  const { config } = service;
  return openDatabase(service, {
    url: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    migrations: MIGRATIONS,
    lockKey: MIGRATION_LOCK_KEY,
  });
}

/** The wallet client, closed on shutdown. */
function walletClient(service: Service<CasinoConfig>): WalletClient {
  const { config } = service;
  const wallet = new WalletClient({
    baseUrl: new URL(config.WALLET_URL),
    token: config.WALLET_TOKEN,
    timeoutMs: config.WALLET_TIMEOUT_MS,
  });
  service.onShutdown('wallet client', () => wallet.close());
  return wallet;
}

/** Bets, stakes, payouts, RTP and the jackpot; returns the observer the casino tells each settled round. */
function settlementMetrics(
  service: Service<CasinoConfig>,
  rounds: PgRoundsRepository,
  games: Game[],
): RoundObserver {
  const { metrics } = service;
  const bets = metrics.counter({
    name: 'gameday_bets_total',
    help: 'Settled rounds by game and outcome (win, lose, push).',
    labelNames: ['game', 'outcome'],
  });
  const wagered = metrics.counter({
    name: 'gameday_casino_wagered_cents_total',
    help: 'Cents staked on settled rounds, by game (doubles included).',
    labelNames: ['game'],
  });
  const paid = metrics.counter({
    name: 'gameday_casino_paid_out_cents_total',
    help: 'Cents paid out on settled rounds, by game (jackpot wins included).',
    labelNames: ['game'],
  });
  const totals = new Map<string, { wagered: number; paid: number }>();
  metrics.gauge({
    name: 'gameday_casino_realised_rtp_ratio',
    help:
      'Paid out over wagered since this process started, by game. Across processes and windows use ' +
      'sum(rate(gameday_casino_paid_out_cents_total[1h])) / sum(rate(gameday_casino_wagered_cents_total[1h])).',
    labelNames: ['game'],
    collect() {
      for (const [game, t] of totals) if (t.wagered > 0) this.set({ game }, t.paid / t.wagered);
    },
  });
  metrics.gauge({
    name: 'gameday_casino_documented_rtp_ratio',
    help: 'The documented RTP of each game served (its typical bet), to compare with the realised one.',
    labelNames: ['game'],
    collect() {
      for (const g of games) this.set({ game: g.id }, g.rtp);
    },
  });
  metrics.gauge({
    name: 'gameday_casino_jackpot_pool_cents',
    help: 'The slots progressive jackpot pool.',
    async collect() {
      const j = await rounds.jackpot('slots').catch(() => undefined);
      if (j) this.set(j.pool);
    },
  });
  for (const g of games) {
    for (const outcome of ['win', 'lose', 'push']) bets.inc({ game: g.id, outcome }, 0);
    wagered.inc({ game: g.id }, 0);
    paid.inc({ game: g.id }, 0);
  }
  const jackpotWins = metrics.counter({
    name: 'gameday_casino_jackpot_wins_total',
    help: 'Progressive jackpots won (slots).',
  });
  const jackpotWon = metrics.counter({
    name: 'gameday_casino_jackpot_won_cents_total',
    help: 'Cents paid from the progressive jackpot pool (slots).',
  });
  jackpotWins.inc(0);
  jackpotWon.inc(0);
  return {
    settled(round, outcome, staked, paidOut) {
      bets.inc({ game: round.game, outcome });
      wagered.inc({ game: round.game }, staked);
      paid.inc({ game: round.game }, paidOut);
      if (round.jackpotWin > 0) {
        jackpotWins.inc();
        jackpotWon.inc(round.jackpotWin);
      }
      const t = totals.get(round.game) ?? { wagered: 0, paid: 0 };
      t.wagered += staked;
      t.paid += paidOut;
      totals.set(round.game, t);
    },
  };
}

type RecoveryCounts = Awaited<ReturnType<Casino['recover']>>;

/** Rounds finished by recovery; returns what counts each recovery pass. */
function recoveryMetrics(service: Service<CasinoConfig>): (counts: RecoveryCounts) => void {
  const recovered = service.metrics.counter({
    name: 'gameday_casino_recovered_rounds_total',
    help: 'Unfinished rounds finished by recovery, by what became of them (settled, voided).',
    labelNames: ['result'],
  });
  for (const result of ['settled', 'voided']) recovered.inc({ result }, 0);
  return (c) => {
    if (c.settled) recovered.inc({ result: 'settled' }, c.settled);
    if (c.voided) recovered.inc({ result: 'voided' }, c.voided);
  };
}

/**
 * Recovery on an interval (RECOVERY_INTERVAL_SECONDS), stopped on shutdown. Returns a pass to run
 * now, for what a crash left behind; passes never overlap.
 */
function startRecovery(
  service: Service<CasinoConfig>,
  casino: Casino,
  count: (counts: RecoveryCounts) => void,
): () => Promise<unknown> {
  const { config, logger } = service;
  let recovering: Promise<unknown> | undefined;
  const recover = () => {
    recovering ??= casino
      .recover(config.RECOVERY_GRACE_SECONDS, config.HAND_TIMEOUT_SECONDS)
      .then(count)
      .catch((err: Error) => logger.warn('recovery could not run; will retry', { error: err.message }))
      .finally(() => {
        recovering = undefined;
      });
    return recovering;
  };
  if (config.RECOVERY_INTERVAL_SECONDS > 0) {
    const timer = setInterval(() => void recover(), config.RECOVERY_INTERVAL_SECONDS * 1000);
    timer.unref();
    service.onShutdown('recovery', async () => {
      clearInterval(timer);
      await recovering;
    });
  }
  return recover;
}

/** The outbox relay: publishes what settlements wrote to the outbox (one relay per database). */
function startOutboxRelay(service: Service<CasinoConfig>, pool: Pool): void {
  relayOutbox({
    service,
    pool,
    brokers: service.config.KAFKA_BROKERS,
    lockKey: OUTBOX_LOCK_KEY,
    clientId: 'gameday-casino',
  });
}

/** The casino's HTTP routes, with its stake limits. */
function wireRoutes(service: Service<CasinoConfig>, casino: Casino): void {
  const { config } = service;
  casinoRoutes(service.app, casino, {
    minStake: config.CASINO_MIN_STAKE,
    maxStake: config.CASINO_MAX_STAKE,
  });
}
