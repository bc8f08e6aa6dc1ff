import { z } from '@gameday/telemetry';

const cron = z
  .string()
  // eslint-disable-next-line security/detect-unsafe-regex -- linear (\S and \s never overlap, four repetitions), on the environment
  .regex(/^(\S+\s+){4}\S+$/, 'must be a cron expression of five fields (minute hour day month weekday)');

/** Environment variables of the scheduler (validated at start; a bad value fails fast naming it). */
export const schedulerConfig = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(100).default(10),
  /** Kafka brokers for the outbox relay (tournament.finished, challenge.completed); unset: events wait. */
  KAFKA_BROKERS: z
    .string()
    // eslint-disable-next-line security/detect-unsafe-regex -- linear: the parts are separated by ',' and ':', and it reads the service's environment
    .regex(/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/, 'must be host:port[,host:port...]')
    .optional(),
  /** The pokemon service's base URL (its internal API) and the token it knows the scheduler by. */
  POKEMON_URL: z.url({ protocol: /^https?$/, error: 'must be the http:// URL of the pokemon service' }),
  POKEMON_TOKEN: z
    .string()
    .min(16, 'must be the 16+ character token the pokemon service knows the scheduler by'),
  /** Under the gateway's UPSTREAM_TIMEOUT_MS (5 s): a player's join fails here before the gateway gives up. */
  POKEMON_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(3000),
  /** How often workers look for due jobs (pg-boss polling), in seconds. */
  SCHEDULER_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(1),
  /** A running job that stops sending heartbeats for this long is retried elsewhere (pg-boss minimum 10). */
  SCHEDULER_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).max(3600).default(10),
  /** How often pg-boss supervises queues (expired heartbeats, retention), in seconds. */
  SCHEDULER_SUPERVISE_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  SCHEDULER_RETRY_LIMIT: z.coerce.number().int().min(0).max(100).default(5),
  SCHEDULER_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(2),
  SCHEDULER_RETRY_DELAY_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Seconds between a tournament's rounds (spectators follow it round by round; 0: at once). */
  SCHEDULER_ROUND_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(15),
  /** Seconds between matchmaking passes. */
  SCHEDULER_MATCHMAKING_SECONDS: z.coerce.number().int().min(1).max(600).default(2),
  /** Matchmaking windows: ± rating points at once, widening per second waited, up to a maximum. */
  MATCHMAKING_WINDOW: z.coerce.number().int().min(0).max(5000).default(50),
  MATCHMAKING_WIDEN_PER_SECOND: z.coerce.number().min(0).max(1000).default(10),
  MATCHMAKING_WINDOW_MAX: z.coerce.number().int().min(0).max(5000).default(400),
  SCHEDULER_RETENTION_CRON: cron.default('17 3 * * *'),
  SCHEDULER_FETCHER_REFRESH_CRON: cron.default('*/15 * * * *'),
  SCHEDULER_CHALLENGES_CRON: cron.default('1 0 * * *'),
  /** Battle logs older than this are purged; finished tournaments' matches and old queue entries too. */
  RETENTION_BATTLE_LOG_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  RETENTION_TOURNAMENT_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  NODE_ENV: z.string().default('development'),
});
export type SchedulerConfig = z.infer<typeof schedulerConfig>;
