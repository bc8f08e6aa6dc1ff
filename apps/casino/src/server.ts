// Wires the casino: configuration, database pool and migrations, wallet client, games, recovery.
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
import { casinoRoutes } from './entry-points/http';
import { GAMES } from './games';

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
  const service = createService({ name: 'casino', config: casinoConfig, env });
  const { config, logger, metrics } = service;
  // Before any route: the chaos harness's fault switches (only with CHAOS_FAULTS_TOKEN).
  installFaultSwitches(service);
  if (config.CASINO_CRASH_AFTER && config.NODE_ENV === 'production') {
    throw new Error('CASINO_CRASH_AFTER: a test aid, refused when NODE_ENV=production');
  }

  const pool = await openDatabase(service, {
    url: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    migrations: MIGRATIONS,
    lockKey: MIGRATION_LOCK_KEY,
  });

  const rounds = new PgRoundsRepository(pool);
  const games = config.CASINO_GAMES.map((id) => GAMES[id]);
  if (config.CASINO_GAMES.includes('slots')) await rounds.ensureJackpot('slots', config.JACKPOT_SEED);

  const wallet = new WalletClient({
    baseUrl: new URL(config.WALLET_URL),
    token: config.WALLET_TOKEN,
    timeoutMs: config.WALLET_TIMEOUT_MS,
  });
  service.onShutdown('wallet client', () => wallet.close());

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
  const recovered = metrics.counter({
    name: 'gameday_casino_recovered_rounds_total',
    help: 'Unfinished rounds finished by recovery, by what became of them (settled, voided).',
    labelNames: ['result'],
  });
  for (const result of ['settled', 'voided']) recovered.inc({ result }, 0);

  const casino = new Casino({
    rounds,
    wallet,
    games,
    logger,
    crashAfter: config.CASINO_CRASH_AFTER || undefined,
    observer: {
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
    },
  });

  // Recovery: once at start for what a crash left behind, then on an interval.
  let recovering: Promise<unknown> | undefined;
  const recover = (grace: number) => {
    recovering ??= casino
      .recover(grace, config.HAND_TIMEOUT_SECONDS)
      .then((c) => {
        if (c.settled) recovered.inc({ result: 'settled' }, c.settled);
        if (c.voided) recovered.inc({ result: 'voided' }, c.voided);
      })
      .catch((err: Error) => logger.warn('recovery could not run; will retry', { error: err.message }))
      .finally(() => {
        recovering = undefined;
      });
    return recovering;
  };
  if (config.RECOVERY_INTERVAL_SECONDS > 0) {
    const timer = setInterval(
      () => void recover(config.RECOVERY_GRACE_SECONDS),
      config.RECOVERY_INTERVAL_SECONDS * 1000,
    );
    timer.unref();
    service.onShutdown('recovery', async () => {
      clearInterval(timer);
      await recovering;
    });
  }

  relayOutbox({
    service,
    pool,
    brokers: config.KAFKA_BROKERS,
    lockKey: OUTBOX_LOCK_KEY,
    clientId: 'gameday-casino',
  });

  casinoRoutes(service.app, casino, rounds, {
    minStake: config.CASINO_MIN_STAKE,
    maxStake: config.CASINO_MAX_STAKE,
  });
  const { url, port } = await service.listen();
  logger.info('serving games', { games: config.CASINO_GAMES });
  void recover(config.RECOVERY_GRACE_SECONDS);
  return { service, url, port, casino, stop: () => service.stop() };
}
