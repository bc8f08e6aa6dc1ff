import { availableParallelism } from 'node:os';
import { z } from '@gameday/telemetry';
import { SERVICE_TOKENS_PATTERN } from '@gameday/platform';

const ms = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** Environment variables of the pokemon service (validated at start; a bad value fails fast naming it). */
export const pokemonConfig = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(20),
  /** Kafka brokers for the outbox relay (battle.finished); unset: events wait in the outbox. */
  KAFKA_BROKERS: z
    .string()
    // eslint-disable-next-line security/detect-unsafe-regex -- linear: the parts are separated by ',' and ':', and it reads the service's environment
    .regex(/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/, 'must be host:port[,host:port...]')
    .optional(),
  /** Seconds a player has to choose in a battle between players. */
  POKEMON_TURN_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** What the turn timer does for a player who ran out of time: the AI chooses for them, or they forfeit. */
  POKEMON_TURN_TIMEOUT_ACTION: z.enum(['ai', 'forfeit']).default('ai'),
  /** How often the turn timer looks for players who ran out of time. */
  POKEMON_TURN_SWEEP_MS: ms(100, 60_000, 1000),
  /**
   * Worker threads that simulate whole battles (instant ones against the AI, tournament matches,
   * replay checks) off the event loop; 0 runs them on it. Default: the cores less one, at least 1.
   */
  POKEMON_SIM_THREADS: z.coerce
    .number()
    .int()
    .min(0)
    .max(64)
    .default(Math.max(1, availableParallelism() - 1)),
  /** Battles between players kept in memory between turns (others are replayed from PostgreSQL). */
  POKEMON_BATTLE_CACHE: z.coerce.number().int().min(0).max(100_000).default(2000),
  /** PokeAPI's base URL (the fetcher), or "off" for the bundled pokédex alone. */
  POKEAPI_URL: z
    .union([z.literal('off'), z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL or "off"' })])
    .default('https://pokeapi.co/api/v2'),
  POKEAPI_TIMEOUT_MS: ms(50, 60_000, 2000),
  POKEAPI_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  POKEAPI_BACKOFF_MS: ms(1, 60_000, 200),
  POKEAPI_MAX_RETRY_AFTER_MS: ms(0, 300_000, 5000),
  /** Requests in the window before the circuit may open, and the failure percentage that opens it. */
  POKEAPI_BREAKER_VOLUME: z.coerce.number().int().min(1).max(1000).default(5),
  POKEAPI_BREAKER_ERROR_PERCENT: z.coerce.number().int().min(1).max(100).default(50),
  /** How long the circuit stays open before a trial request. */
  POKEAPI_BREAKER_RESET_MS: ms(100, 3_600_000, 30_000),
  POKEAPI_BREAKER_WINDOW_MS: ms(1000, 3_600_000, 60_000),
  /** How long a cached species stays fresh. */
  POKEAPI_CACHE_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .default(86_400),
  /** How long a species page waits for PokeAPI before answering from bundled data. */
  POKEAPI_WAIT_MS: ms(0, 10_000, 300),
  /** Callers of the internal API: comma-separated name=token pairs (e.g. scheduler=<token>); empty: none. */
  POKEMON_SERVICE_TOKENS: z
    .string()
    .regex(SERVICE_TOKENS_PATTERN, 'must be name=token pairs separated by commas (tokens of 16+ characters)')
    .default(''),
  NODE_ENV: z.string().default('development'),
});
export type PokemonConfig = z.infer<typeof pokemonConfig>;
