// Wires the pokemon service: configuration, the pokédex, the database, the fetcher (PokeAPI client,
// circuit breaker, cache), trainers, battles and their turn timer, the outbox relay and the routes.
import type { Pool } from 'pg';
import { createService } from '@gameday/telemetry';
import type { Service } from '@gameday/telemetry';
import { ServiceTokens, installFaultSwitches, openDatabase } from '@gameday/platform';
import { relayOutbox } from '@gameday/outbox';
import { pokemonConfig } from './config';
import type { PokemonConfig } from './config';
import { MIGRATIONS, MIGRATION_LOCK_KEY } from './data-access/migrations';
import { PgBattlesRepository } from './data-access/battles-repository';
import { PgTrainersRepository } from './data-access/trainers-repository';
import { PokeapiClient } from './data-access/pokeapi-client';
import { Battles } from './domain/battles';
import type { BattleObserver } from './domain/battles';
import { Pokedex } from './domain/dex';
import { PokeapiEnricher, disabledEnricher } from './domain/enrichment';
import type { Enricher } from './domain/enrichment';
import { INITIAL_RATING } from './domain/ratings';
import { FORMATS } from './domain/sets';
import { Trainers } from './domain/trainers';
import { createSimulator } from './simulation/simulator';
import { battleRoutes, pokedexRoutes, trainerRoutes } from './entry-points/http';
import { internalRoutes } from './entry-points/internal';
import type { FormatId } from './domain/sets';

/** pg_advisory_lock key of the outbox relay: one relay per database publishes. */
const OUTBOX_LOCK_KEY = 0x6f75_7403;

export interface PokemonServer {
  service: Service<PokemonConfig>;
  url: string;
  port: number;
  battles: Battles;
  stop(): Promise<void>;
}

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<PokemonServer> {
  const service = createService({ name: 'pokemon', config: pokemonConfig, env });
  const { config, logger } = service;
  // Before any route: the chaos harness's fault switches (only with CHAOS_FAULTS_TOKEN).
  installFaultSwitches(service);

  const dex = await new Pokedex().load();
  const pool = await openDatabase(service, {
    url: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    migrations: MIGRATIONS,
    lockKey: MIGRATION_LOCK_KEY,
  });
  const enricher = fetcher(service, pool);
  const trainersRepo = new PgTrainersRepository(pool);
  const battlesRepo = new PgBattlesRepository(pool);
  const trainers = new Trainers(trainersRepo, dex);
  const simulator = createSimulator(config.POKEMON_SIM_THREADS);
  service.onShutdown('battle simulators', () => simulator.close());
  service.metrics.gauge({
    name: 'gameday_pokemon_simulator_queued',
    help: 'Whole-battle simulations waiting for a worker thread (POKEMON_SIM_THREADS).',
    collect() {
      this.set(simulator.queued);
    },
  });
  const battles = new Battles({
    repo: battlesRepo,
    simulator,
    trainers,
    logger,
    observer: battleMetrics(service, battlesRepo),
    turnSeconds: config.POKEMON_TURN_SECONDS,
    timeoutAction: config.POKEMON_TURN_TIMEOUT_ACTION,
    cacheSize: config.POKEMON_BATTLE_CACHE,
  });
  startTurnTimer(service, battles);
  relayOutbox({
    service,
    pool,
    brokers: config.KAFKA_BROKERS,
    lockKey: OUTBOX_LOCK_KEY,
    clientId: 'gameday-pokemon',
  });

  const deps = {
    dex,
    trainers,
    battles,
    enricher,
    ratings: async (format: string, limit: number) =>
      (await battlesRepo.board(format, limit)).map((r) => ({
        ...r,
        rating: Math.round(r.rating),
        rd: Math.round(r.rd),
      })),
    trainerRatings: async (id: string) =>
      (await battlesRepo.ratings(id)).map((r) => ({
        ...r,
        rating: Math.round(r.rating),
        rd: Math.round(r.rd),
      })),
  };
  pokedexRoutes(service.app, deps);
  trainerRoutes(service.app, deps);
  battleRoutes(service.app, deps);
  internalRoutes(service.app, {
    tokens: new ServiceTokens(config.POKEMON_SERVICE_TOKENS, 'POKEMON_SERVICE_TOKENS'),
    battles,
    trainers,
    enricher,
    wins: (id, since, filter) => battlesRepo.wins(id, since, filter),
    rating: async (id: string, format: FormatId) =>
      (await battlesRepo.ratings(id)).find((r) => r.format === format)?.rating,
  });
  const { url, port } = await service.listen();
  logger.info('pokédex loaded', {
    species: dex.speciesCount,
    formats: FORMATS,
    initial_rating: INITIAL_RATING.rating,
    pokeapi: config.POKEAPI_URL,
  });
  return { service, url, port, battles, stop: () => service.stop() };
}

/** The fetcher: PokeAPI behind a circuit breaker, cached in PostgreSQL. */
function fetcher(service: Service<PokemonConfig>, pool: Pool): Enricher {
  const { config, metrics, logger } = service;
  if (config.POKEAPI_URL === 'off') return disabledEnricher;
  const client = new PokeapiClient({
    baseUrl: config.POKEAPI_URL,
    timeoutMs: config.POKEAPI_TIMEOUT_MS,
    retries: config.POKEAPI_RETRIES,
    backoffMs: config.POKEAPI_BACKOFF_MS,
    maxRetryAfterMs: config.POKEAPI_MAX_RETRY_AFTER_MS,
    breaker: {
      volumeThreshold: config.POKEAPI_BREAKER_VOLUME,
      errorThresholdPercentage: config.POKEAPI_BREAKER_ERROR_PERCENT,
      resetTimeoutMs: config.POKEAPI_BREAKER_RESET_MS,
      rollingCountTimeoutMs: config.POKEAPI_BREAKER_WINDOW_MS,
    },
    logger,
    metrics: {
      requests: metrics.counter({
        name: 'gameday_pokeapi_requests_total',
        help: 'Requests to PokeAPI by outcome (success, not_found, rate_limited, server_error, timeout, network_error, invalid_response, short_circuited).',
        labelNames: ['outcome'],
      }),
      duration: metrics.histogram({
        name: 'gameday_pokeapi_request_duration_seconds',
        help: 'Time of one PokeAPI request (one attempt), by outcome.',
        labelNames: ['outcome'],
        buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      }),
      circuit: metrics.gauge({
        name: 'gameday_pokeapi_circuit_state',
        help: 'The PokeAPI circuit breaker: 1 for its current state (closed, open, half_open), 0 for the others.',
        labelNames: ['state'],
      }),
    },
  });
  service.onShutdown('PokeAPI circuit breaker', () => client.shutdown());
  const results = metrics.counter({
    name: 'gameday_pokedex_enrichment_total',
    help: 'Species pages by enrichment result (fresh, stale, unavailable, not_found).',
    labelNames: ['result'],
  });
  for (const result of ['fresh', 'stale', 'unavailable', 'not_found']) results.inc({ result }, 0);
  return new PokeapiEnricher({
    pool,
    client,
    baseUrl: config.POKEAPI_URL,
    ttlSeconds: config.POKEAPI_CACHE_TTL_SECONDS,
    waitMs: config.POKEAPI_WAIT_MS,
    logger,
    results,
  });
}

function battleMetrics(service: Service<PokemonConfig>, repo: PgBattlesRepository): BattleObserver {
  const { metrics } = service;
  const finished = metrics.counter({
    name: 'gameday_pokemon_battles_total',
    help: 'Finished battles by format, mode (ai, pvp) and end reason (normal, forfeit, timeout).',
    labelNames: ['format', 'mode', 'end_reason'],
  });
  const turns = metrics.histogram({
    name: 'gameday_pokemon_battle_turns',
    help: 'Turns of finished battles, by mode.',
    labelNames: ['mode'],
    buckets: [5, 10, 20, 30, 50, 75, 100, 200, 500, 1000],
  });
  const turnSeconds = metrics.histogram({
    name: 'gameday_pokemon_turn_duration_seconds',
    help: 'Time to resolve one turn (simulation and storage for players; simulation alone against the AI), by mode.',
    labelNames: ['mode'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  });
  const resumed = metrics.counter({
    name: 'gameday_pokemon_battles_resumed_total',
    help: 'Battles rebuilt from PostgreSQL by replaying their seed and choices (after a restart, or on another instance).',
  });
  const ratings = metrics.counter({
    name: 'gameday_pokemon_rating_updates_total',
    help: 'Glicko-2 rating updates (two per finished rated battle).',
  });
  metrics.gauge({
    name: 'gameday_pokemon_active_battles',
    help: 'Battles between players in progress.',
    async collect() {
      const n = await repo.countActive().catch(() => undefined);
      if (n !== undefined) this.set(n);
    },
  });
  for (const format of FORMATS)
    for (const mode of ['ai', 'pvp']) finished.inc({ format, mode, end_reason: 'normal' }, 0);
  resumed.inc(0);
  ratings.inc(0);
  return {
    finished: (b) => {
      finished.inc({ format: b.format, mode: b.mode, end_reason: b.endReason });
      turns.observe({ mode: b.mode }, b.turns);
    },
    turn: (mode, seconds) => turnSeconds.observe({ mode }, seconds),
    resumed: () => resumed.inc(),
    ratingsUpdated: (n) => ratings.inc(n),
  };
}

/** The turn timer: the AI moves (or the idle player forfeits) when a player's time is up. */
function startTurnTimer(service: Service<PokemonConfig>, battles: Battles): void {
  const { config, logger } = service;
  let running: Promise<void> | undefined;
  const sweep = () => {
    running ??= battles
      .expireTurns()
      .then((n) => {
        if (n) logger.info('turn timer acted for players who ran out of time', { battles: n });
      })
      .catch((err: Error) => {
        logger.warn('turn timer could not run; will retry', { error: err.message });
      })
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(sweep, config.POKEMON_TURN_SWEEP_MS);
  timer.unref();
  service.onShutdown('turn timer', async () => {
    clearInterval(timer);
    await running;
  });
}
