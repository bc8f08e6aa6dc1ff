import { z } from '@gameday/telemetry';
import { SERVICE_TOKENS_PATTERN } from '@gameday/platform';

/** Environment variables of the wallet (validated at start; a bad value fails fast naming it). */
export const walletConfig = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(20),
  /**
   * Callers of the internal API: comma-separated `name=token` pairs (tokens of 16+ characters),
   * e.g. `casino=...`. Empty: the internal API refuses every call.
   */
  WALLET_SERVICE_TOKENS: z
    .string()
    .regex(SERVICE_TOKENS_PATTERN, 'must be comma-separated name=token pairs, each token 16+ characters')
    .default(''),
  /** How often the ledger is reconciled in the background (0: only on demand). */
  RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  NODE_ENV: z.string().default('development'),
});
export type WalletConfig = z.infer<typeof walletConfig>;
