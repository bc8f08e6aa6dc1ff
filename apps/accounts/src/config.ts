import { z } from '@gameday/telemetry';

/** Environment variables of the accounts service (validated at start; a bad value fails fast). */
export const accountsConfig = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** PKCS8 PEM of an Ed25519 key. Unset: a key is generated at start (development only). */
  JWT_PRIVATE_KEY: z.string().optional(),
  JWT_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  JWT_ISSUER: z.string().min(1).default('gameday-accounts'),
  JWT_AUDIENCE: z.string().min(1).default('gameday'),
  /** Comma-separated emails that are given the admin role when they register. */
  ACCOUNTS_ADMIN_EMAILS: z.string().default(''),
  /** Failed logins for one email (or from one address) within the window before logins are refused. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Kafka brokers for the outbox relay (player.registered); unset: events wait in the outbox. */
  KAFKA_BROKERS: z
    .string()
    // eslint-disable-next-line security/detect-unsafe-regex -- linear: the parts are separated by ',' and ':', and it reads the service's environment
    .regex(/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/, 'must be host:port[,host:port...]')
    .optional(),
  NODE_ENV: z.string().default('development'),
});
export type AccountsConfig = z.infer<typeof accountsConfig>;
