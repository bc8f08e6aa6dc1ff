// Wires the scheduler: configuration, its database (its own tables, and pg-boss's schema), the
// pokemon client, the job handlers and schedules, the outbox relay and the routes.
import { createService } from '@gameday/telemetry';
import type { Service } from '@gameday/telemetry';
import { installFaultSwitches, openDatabase } from '@gameday/platform';
import { relayOutbox } from '@gameday/outbox';
import { schedulerConfig } from './config';
import type { SchedulerConfig } from './config';
import { MIGRATIONS, MIGRATION_LOCK_KEY } from './data-access/migrations';
import { PokemonClient } from './data-access/pokemon-client';
import { Store } from './data-access/store';
import { DailyChallenges } from './domain/daily';
import { Matchmaker } from './domain/matchmaker';
import { TournamentRunner } from './domain/tournament-runner';
import { schedulerRoutes } from './entry-points/http';
import { Jobs, QUEUES } from './jobs';
import { TOURNAMENT_KINDS } from './domain/tournaments';
import { FORMATS } from '@gameday/pokemon/contract';

/** pg_advisory_lock key of the outbox relay: one relay per database publishes. */
const OUTBOX_LOCK_KEY = 0x6f75_7404;

export interface SchedulerServer {
  service: Service<SchedulerConfig>;
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<SchedulerServer> {
  const service = createService({ name: 'scheduler', config: schedulerConfig, env });
  const { config, logger, metrics } = service;
  installFaultSwitches(service);
  const pool = await openDatabase(service, {
    url: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    migrations: MIGRATIONS,
    lockKey: MIGRATION_LOCK_KEY,
  });
  const store = new Store(pool);
  const pokemon = new PokemonClient(config.POKEMON_URL, config.POKEMON_TOKEN, config.POKEMON_TIMEOUT_MS);

  const jobs = await Jobs.start({
    connectionString: config.DATABASE_URL,
    pool,
    logger,
    metrics,
    pollSeconds: config.SCHEDULER_POLL_SECONDS,
    heartbeatSeconds: config.SCHEDULER_HEARTBEAT_SECONDS,
    superviseSeconds: config.SCHEDULER_SUPERVISE_SECONDS,
    retryLimit: config.SCHEDULER_RETRY_LIMIT,
    retryDelaySeconds: config.SCHEDULER_RETRY_DELAY_SECONDS,
    retryDelayMaxSeconds: config.SCHEDULER_RETRY_DELAY_MAX_SECONDS,
  });
  // Workers stop first on shutdown (a running job finishes or is handed back), then the pool closes.
  service.onShutdown('job workers', () => jobs.stop());

  const battles = metrics.counter({
    name: 'gameday_scheduler_tournament_battles_total',
    help: 'Tournament matches played as battles (a retried round asks again, but the battle is played once).',
  });
  const tournamentsFinished = metrics.counter({
    name: 'gameday_scheduler_tournaments_finished_total',
    help: 'Tournaments finished, by kind.',
    labelNames: ['kind'],
  });
  const paired = metrics.counter({
    name: 'gameday_scheduler_matchmaking_pairs_total',
    help: 'Battles started by matchmaking, by format.',
    labelNames: ['format'],
  });
  const waited = metrics.histogram({
    name: 'gameday_scheduler_matchmaking_wait_seconds',
    help: 'How long a trainer waited in the queue before a match.',
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300],
  });
  battles.inc(0);
  for (const kind of TOURNAMENT_KINDS) tournamentsFinished.inc({ kind }, 0);
  for (const format of FORMATS) paired.inc({ format }, 0);

  const tournaments = new TournamentRunner(
    store,
    pokemon,
    {
      scheduleRound: async (id, round) => {
        const pause = round > 1 ? config.SCHEDULER_ROUND_INTERVAL_SECONDS : 0;
        await jobs.send(
          QUEUES.tournamentRound,
          { tournament_id: id, round },
          { singletonKey: `${id}:${round}`, ...(pause ? { startAfter: pause } : {}) },
        );
      },
      scheduleStart: async (id, at) => {
        await jobs.send(QUEUES.tournamentStart, { tournament_id: id }, { singletonKey: id, startAfter: at });
      },
    },
    logger,
    { battlePlayed: () => battles.inc(), finished: (kind) => tournamentsFinished.inc({ kind }) },
  );
  const matchmaker = new Matchmaker(
    store,
    pokemon,
    {
      initial: config.MATCHMAKING_WINDOW,
      perSecond: config.MATCHMAKING_WIDEN_PER_SECOND,
      max: config.MATCHMAKING_WINDOW_MAX,
    },
    logger,
    {
      paired: (format, seconds) => {
        paired.inc({ format });
        for (const s of seconds) waited.observe(s);
      },
    },
  );
  const challenges = new DailyChallenges(store, pokemon);

  await jobs.work(QUEUES.tournamentStart, (data) => tournaments.start(String(data.tournament_id)));
  await jobs.work(QUEUES.tournamentRound, (data) =>
    tournaments.playRound(String(data.tournament_id), Number(data.round)),
  );
  // Matchmaking passes chain: each pass queues the next, so one pass is always due (a pass that
  // dies is retried, and the next one is already queued).
  const nextPass = () =>
    jobs.send(
      QUEUES.matchmaking,
      {},
      { singletonKey: 'pass', startAfter: config.SCHEDULER_MATCHMAKING_SECONDS },
    );
  await jobs.work(QUEUES.matchmaking, async () => {
    await nextPass();
    return matchmaker.pass();
  });
  await jobs.work(QUEUES.challenges, () => challenges.draw());
  await jobs.work(QUEUES.retention, async () => {
    const purged = await pokemon.retention(config.RETENTION_BATTLE_LOG_DAYS);
    const own = await store.purge(config.RETENTION_TOURNAMENT_DAYS);
    logger.info('retention ran', {
      ...purged,
      tournaments_deleted: own.tournaments,
      queue_entries_deleted: own.queue,
    });
  });
  await jobs.work(QUEUES.fetcherRefresh, async () => {
    const r = await pokemon.refreshPokedex(200);
    // PokeAPI being down is the fetcher's business (its circuit, the PokeAPICircuitOpen ticket): the
    // entries stay stale and the next run tries again. Only pokemon itself unreachable fails the job.
    if (r.failed) logger.warn('fetcher refresh: PokeAPI did not answer for some species', { ...r });
  });
  await jobs.schedule(QUEUES.challenges, config.SCHEDULER_CHALLENGES_CRON);
  await jobs.schedule(QUEUES.retention, config.SCHEDULER_RETENTION_CRON);
  await jobs.schedule(QUEUES.fetcherRefresh, config.SCHEDULER_FETCHER_REFRESH_CRON);
  await nextPass();
  await jobs.send(QUEUES.challenges, {}, { singletonKey: 'today' });

  relayOutbox({
    service,
    pool,
    brokers: config.KAFKA_BROKERS,
    lockKey: OUTBOX_LOCK_KEY,
    clientId: 'gameday-scheduler',
  });
  schedulerRoutes(service.app, { store, tournaments, matchmaker, challenges, jobs });
  const { url, port } = await service.listen();
  return { service, url, port, stop: () => service.stop() };
}
