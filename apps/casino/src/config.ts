import { z } from '@gameday/telemetry';
import { money } from '@gameday/platform';
import { GAME_IDS } from './games/types';
import type { GameId } from './games/types';

const amount = (name: string) =>
  z.string().transform((value, ctx) => {
    const parsed = money({ maxCents: 100_000_000_000 }).safeParse(value);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: `${name} must be an amount like "10.00"` });
      return z.NEVER;
    }
    return parsed.data;
  });

/** "all", or a comma-separated list of game ids: the games this instance serves. */
const gameList = z
  .string()
  .default('all')
  .transform((value, ctx): GameId[] => {
    if (value.trim() === 'all') return [...GAME_IDS];
    const ids = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = ids.filter((id) => !(GAME_IDS as readonly string[]).includes(id));
    if (ids.length === 0 || unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be "all" or a comma-separated list of ${GAME_IDS.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
      });
      return z.NEVER;
    }
    return [...new Set(ids)] as GameId[];
  });

/** Environment variables of the casino (validated at start; a bad value fails fast naming it). */
export const casinoConfig = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(20),
  /** The wallet's base URL (its internal API). */
  WALLET_URL: z.url({
    protocol: /^https?$/,
    error: 'must be the http:// URL of the wallet (e.g. http://127.0.0.1:8082)',
  }),
  /** The casino's token for the wallet's internal API (the wallet lists it in WALLET_SERVICE_TOKENS). */
  WALLET_TOKEN: z.string().min(16, 'must be the 16+ character token the wallet knows the casino by'),
  WALLET_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
  /** The games this instance serves: one Deployment per game runs the same image with one id here. */
  CASINO_GAMES: gameList,
  CASINO_MIN_STAKE: amount('CASINO_MIN_STAKE').default(10),
  CASINO_MAX_STAKE: amount('CASINO_MAX_STAKE').default(100_000),
  /** What the slots jackpot restarts from after a win. */
  JACKPOT_SEED: amount('JACKPOT_SEED').default(100_000),
  /** How often unfinished rounds are looked for, and how old a pending one must be to be taken over. */
  RECOVERY_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
  RECOVERY_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** An open blackjack hand untouched this long is stood for the player. */
  HAND_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(3600),
  /** For tests of crash recovery only: kill the process right after a round's debit or payout. */
  CASINO_CRASH_AFTER: z.enum(['', 'debit', 'payout']).default(''),
  /** Kafka brokers for the outbox relay (bet.settled); unset: events wait in the outbox. */
  KAFKA_BROKERS: z
    .string()
    // eslint-disable-next-line security/detect-unsafe-regex -- linear: the parts are separated by ',' and ':', and it reads the service's environment
    .regex(/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/, 'must be host:port[,host:port...]')
    .optional(),
  NODE_ENV: z.string().default('development'),
});
export type CasinoConfig = z.infer<typeof casinoConfig>;
