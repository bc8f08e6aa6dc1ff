// The player API as the tests and benchmarks run it: a real PostgreSQL, accounts and the gateway,
// sharing one freshly generated Ed25519 key pair; with `casino`, also the wallet and the casino;
// with `pokemon` the pokemon service, and with `scheduler` (which needs it) the scheduler too.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { startPostgres } from './postgres';
import type { TestPostgres } from './postgres';
import { startService } from './process';
import type { ServiceProcess, StartOptions } from './process';

export interface PlayerApi {
  pg: TestPostgres;
  accounts: ServiceProcess;
  gateway: ServiceProcess;
  /** Started when the `events` option is given. */
  events?: ServiceProcess;
  leaderboard?: ServiceProcess;
  /** Started when the `casino` option is given. */
  wallet?: ServiceProcess;
  casino?: ServiceProcess;
  /** Started when the `pokemon` option is given. */
  pokemon?: ServiceProcess;
  /** Started when the `scheduler` option is given (with `pokemon`). */
  scheduler?: ServiceProcess;
  /** The casino's token for the wallet's internal API. */
  walletToken: string;
  keys: { privatePem: string; publicPem: string };
  /**
   * Stops the gateway, then the services behind it (the scheduler before pokemon), then accounts, then
   * PostgreSQL (and deletes its data).
   */
  stop(): Promise<void>;
}

export interface PlayerApiOptions {
  /** Environment for both services (e.g. OpenTelemetry settings). */
  env?: Record<string, string | undefined>;
  accountsEnv?: Record<string, string | undefined>;
  gatewayEnv?: Record<string, string | undefined>;
  /** Passed to both startService calls (log files, node arguments). */
  accountsOptions?: Omit<StartOptions, 'env'>;
  gatewayOptions?: Omit<StartOptions, 'env'>;
  /** Reuse a running PostgreSQL instead of starting one (it is then not stopped by `stop`). */
  pg?: TestPostgres;
  /** The key pair (PEM) to sign and verify tokens with; generated when absent. */
  keys?: { privatePem: string; publicPem: string };
  /** Also start the events service and the leaderboard against this Kafka, routed by the gateway. */
  events?: {
    kafkaBrokers: string;
    eventsEnv?: Record<string, string | undefined>;
    eventsOptions?: Omit<StartOptions, 'env'>;
    /** Start the leaderboard too (default true); ingestion benchmarks leave it out. */
    leaderboard?: boolean;
  };
  /** Also start the wallet and the casino (each with its own database), routed by the gateway. */
  casino?: {
    walletEnv?: Record<string, string | undefined>;
    casinoEnv?: Record<string, string | undefined>;
    walletOptions?: Omit<StartOptions, 'env'>;
    casinoOptions?: Omit<StartOptions, 'env'>;
  };
  /**
   * Also start the pokemon service (its own database), routed by the gateway. Without POKEAPI_URL in
   * `pokemonEnv` its fetcher is off (the pokédex answers from bundled data).
   */
  pokemon?: {
    pokemonEnv?: Record<string, string | undefined>;
    pokemonOptions?: Omit<StartOptions, 'env'>;
  };
  /**
   * Also start the scheduler (its own database; pg-boss keeps its jobs there too), routed by the
   * gateway. It needs `pokemon`: the pokemon service is started knowing the scheduler's service token
   * (POKEMON_SERVICE_TOKENS), and the scheduler calls its internal API with it. With `events`, the
   * scheduler's outbox relays its events to that Kafka.
   */
  scheduler?: {
    schedulerEnv?: Record<string, string | undefined>;
    schedulerOptions?: Omit<StartOptions, 'env'>;
  };
}

function generatedKeys(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export async function startPlayerApi(options: PlayerApiOptions = {}): Promise<PlayerApi> {
  if (options.scheduler && !options.pokemon) {
    throw new Error('startPlayerApi: `scheduler` needs `pokemon` (it calls the pokemon service)');
  }
  const ownPg = options.pg === undefined;
  const pg = options.pg ?? (await startPostgres());
  const suffix = Math.random().toString(36).slice(2, 10);
  const database = `accounts_${suffix}`;
  const walletToken = randomBytes(18).toString('base64url');
  // The scheduler's token for the pokemon service's internal API.
  const pokemonToken = randomBytes(18).toString('base64url');
  const keys = options.keys ?? generatedKeys();
  const stopPg = async () => {
    if (ownPg) await pg.destroy();
  };
  let accounts: ServiceProcess | undefined;
  let wallet: ServiceProcess | undefined;
  let casino: ServiceProcess | undefined;
  let pokemon: ServiceProcess | undefined;
  let scheduler: ServiceProcess | undefined;
  let events: ServiceProcess | undefined;
  let leaderboard: ServiceProcess | undefined;
  try {
    await pg.createDatabase(database);
    accounts = await startService('accounts', {
      ...options.accountsOptions,
      env: {
        ...options.env,
        DATABASE_URL: pg.url(database),
        JWT_PRIVATE_KEY: keys.privatePem,
        ...options.accountsEnv,
      },
    });
    if (options.casino) {
      await pg.createDatabase(`wallet_${suffix}`);
      await pg.createDatabase(`casino_${suffix}`);
      wallet = await startService('wallet', {
        ...options.casino.walletOptions,
        env: {
          ...options.env,
          DATABASE_URL: pg.url(`wallet_${suffix}`),
          WALLET_SERVICE_TOKENS: `casino=${walletToken}`,
          ...options.casino.walletEnv,
        },
      });
      casino = await startService('casino', {
        ...options.casino.casinoOptions,
        env: {
          ...options.env,
          DATABASE_URL: pg.url(`casino_${suffix}`),
          WALLET_URL: wallet.url,
          WALLET_TOKEN: walletToken,
          ...options.casino.casinoEnv,
        },
      });
    }
    if (options.pokemon) {
      await pg.createDatabase(`pokemon_${suffix}`);
      pokemon = await startService('pokemon', {
        ...options.pokemon.pokemonOptions,
        env: {
          ...options.env,
          DATABASE_URL: pg.url(`pokemon_${suffix}`),
          POKEAPI_URL: 'off',
          ...(options.events ? { KAFKA_BROKERS: options.events.kafkaBrokers } : {}),
          ...(options.scheduler ? { POKEMON_SERVICE_TOKENS: `scheduler=${pokemonToken}` } : {}),
          ...options.pokemon.pokemonEnv,
        },
      });
    }
    if (options.scheduler && pokemon) {
      await pg.createDatabase(`scheduler_${suffix}`);
      scheduler = await startService('scheduler', {
        ...options.scheduler.schedulerOptions,
        env: {
          ...options.env,
          DATABASE_URL: pg.url(`scheduler_${suffix}`),
          POKEMON_URL: pokemon.url,
          POKEMON_TOKEN: pokemonToken,
          ...(options.events ? { KAFKA_BROKERS: options.events.kafkaBrokers } : {}),
          ...options.scheduler.schedulerEnv,
        },
      });
    }
    if (options.events) {
      events = await startService('events', {
        ...options.events.eventsOptions,
        env: { ...options.env, KAFKA_BROKERS: options.events.kafkaBrokers, ...options.events.eventsEnv },
      });
    }
    if (options.events && options.events.leaderboard !== false) {
      await pg.createDatabase(`leaderboard_${suffix}`);
      leaderboard = await startService('leaderboard', {
        env: {
          ...options.env,
          DATABASE_URL: pg.url(`leaderboard_${suffix}`),
          KAFKA_BROKERS: options.events.kafkaBrokers,
          LEADERBOARD_GROUP_ID: `leaderboard-${suffix}`,
        },
      });
    }
    const gateway = await startService('gateway', {
      ...options.gatewayOptions,
      env: {
        ...options.env,
        ACCOUNTS_URL: accounts.url,
        ...(wallet ? { WALLET_URL: wallet.url } : {}),
        ...(casino ? { CASINO_URL: casino.url } : {}),
        ...(pokemon ? { POKEMON_URL: pokemon.url } : {}),
        ...(scheduler ? { SCHEDULER_URL: scheduler.url } : {}),
        ...(events ? { EVENTS_URL: events.url } : {}),
        ...(leaderboard ? { LEADERBOARD_URL: leaderboard.url } : {}),
        JWT_PUBLIC_KEY: keys.publicPem,
        ...options.gatewayEnv,
      },
    });
    const running = accounts;
    const [
      runningWallet,
      runningCasino,
      runningPokemon,
      runningScheduler,
      runningEvents,
      runningLeaderboard,
    ] = [wallet, casino, pokemon, scheduler, events, leaderboard];
    return {
      pg,
      accounts: running,
      gateway,
      ...(runningWallet ? { wallet: runningWallet } : {}),
      ...(runningCasino ? { casino: runningCasino } : {}),
      ...(runningPokemon ? { pokemon: runningPokemon } : {}),
      ...(runningScheduler ? { scheduler: runningScheduler } : {}),
      ...(runningEvents ? { events: runningEvents } : {}),
      ...(runningLeaderboard ? { leaderboard: runningLeaderboard } : {}),
      walletToken,
      keys,
      async stop() {
        await gateway.stop();
        await runningLeaderboard?.stop();
        await runningEvents?.stop();
        // The scheduler calls pokemon: it stops first.
        await runningScheduler?.stop();
        await runningPokemon?.stop();
        await runningCasino?.stop();
        await runningWallet?.stop();
        await running.stop();
        await stopPg();
      },
    };
  } catch (err) {
    await leaderboard?.stop();
    await events?.stop();
    await scheduler?.stop();
    await pokemon?.stop();
    await casino?.stop();
    await wallet?.stop();
    await accounts?.stop();
    await stopPg();
    throw err;
  }
}
