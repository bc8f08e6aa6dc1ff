import { z } from '@gameday/telemetry';
import { GAME_IDS, isGameId } from '@gameday/casino/contract';
import type { GameId } from '@gameday/casino/contract';
import { AREAS } from './domain/areas';

const url = () =>
  z.url({
    protocol: /^https?$/,
    error: (issue) =>
      issue.input === undefined
        ? 'is required: the base URL of the upstream (e.g. http://127.0.0.1:8081)'
        : 'must be an http:// or https:// URL',
  });

/** One URL variable per area's upstream (ACCOUNTS_URL, ...): the routing table decides which exist. */
const upstreamUrls = Object.fromEntries(
  AREAS.map((a) => [a.urlVariable, a.required ? url() : url().optional()]),
) as {
  [A in (typeof AREAS)[number] as A['urlVariable']]: A['required'] extends true
    ? ReturnType<typeof url>
    : z.ZodOptional<ReturnType<typeof url>>;
};

/** Environment variables of the gateway (validated at start; a bad value fails fast naming it). */
export const gatewayConfig = z.object({
  ...upstreamUrls,
  /**
   * SPKI PEM of the Ed25519 key that signs access tokens. Unset: the keys are fetched (and cached)
   * from `${ACCOUNTS_URL}/.well-known/jwks.json`.
   */
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_ISSUER: z.string().min(1).default('gameday-accounts'),
  JWT_AUDIENCE: z.string().min(1).default('gameday'),
  /** How long an upstream may take to answer completely before the client gets a 504. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(1).max(120_000).default(5000),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  RATE_LIMIT_PLAYER_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1200),
  /**
   * Express's "trust proxy" setting: which peers may tell the client address with X-Forwarded-For
   * (e.g. "loopback" or "10.0.0.0/8" behind a load balancer). Default: none, the gateway is the edge.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^[\w.:/, -]*$/, 'must be false, a hop count, or a comma list of addresses/subnets/names')
    .default('false'),
  /**
   * The casino as one Deployment per game (seed 003, Kubernetes): `game=url,…`. Plays of a game listed
   * here (`/api/v1/casino/games/<game>/…`) go to its URL; everything else of the casino (the game list,
   * rounds, seeds) to CASINO_URL, which serves every game.
   */
  CASINO_GAME_URLS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const map = new Map<GameId, URL>();
      for (const pair of (value ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const [game, url] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
        if (!pair.includes('=') || !isGameId(game)) {
          ctx.addIssue({
            code: 'custom',
            message: `${JSON.stringify(pair)}: expected <game>=<url> with a game of ${GAME_IDS.join(', ')}`,
          });
          return z.NEVER;
        }
        if (!/^https?:\/\/[^\s]+$/.test(url) || !URL.canParse(url)) {
          ctx.addIssue({
            code: 'custom',
            message: `${game}: ${JSON.stringify(url)} is not an http:// or https:// URL`,
          });
          return z.NEVER;
        }
        map.set(game, new URL(url));
      }
      return map;
    }),
});
export type GatewayConfig = z.infer<typeof gatewayConfig>;

/** `64kb` → 65536 (the units of BODY_LIMIT, as express's body parser reads them). */
export function parseByteSize(size: string): number {
  const m = /^(\d+)(b|kb|mb)$/i.exec(size);
  if (!m) throw new Error(`BODY_LIMIT: not a size like 64kb (got "${size}")`);
  const unit = { b: 1, kb: 1024, mb: 1024 * 1024 }[m[2]!.toLowerCase() as 'b' | 'kb' | 'mb'];
  return Number(m[1]) * unit;
}

/** Express's "trust proxy" value from TRUST_PROXY. */
export function trustProxySetting(value: string): boolean | number | string {
  const v = value.trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
