import { z } from '@gameday/telemetry';

/** Environment variables of the leaderboard (validated at start; a bad value fails fast naming it). */
export const leaderboardConfig = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  // eslint-disable-next-line security/detect-unsafe-regex -- linear: the parts are separated by ',' and ':', and it reads the service's environment
  KAFKA_BROKERS: z.string().regex(/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/, 'must be host:port[,host:port...]'),
  /** The consumer group: every replica of the leaderboard joins the same one. */
  LEADERBOARD_GROUP_ID: z
    .string()
    .regex(/^[\w.-]{1,100}$/)
    .default('gameday-leaderboard'),
  /**
   * Where a group with no committed offsets starts: `earliest` replays the topic (a rebuild of the read
   * models), `latest` takes only what arrives from now on.
   */
  LEADERBOARD_NEW_GROUP_FROM: z.enum(['earliest', 'latest']).default('earliest'),
  /** How often consumer lag is measured. */
  LAG_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
});
export type LeaderboardConfig = z.infer<typeof leaderboardConfig>;
