// Rate limits with express-rate-limit: per client address before authentication (so floods of bad
// tokens are limited too) and per player after it. Counters live in this process's memory: with
// several gateway replicas each enforces its own share.
import { rateLimit } from 'express-rate-limit';
import type { AugmentedRequest, RateLimitRequestHandler } from 'express-rate-limit';
import { TooManyRequestsError } from '@gameday/telemetry';
import type { ServiceMetrics } from '@gameday/telemetry';

/** gameday_gateway_rate_limited_total{scope}. */
type LimitedCounter = ReturnType<ServiceMetrics['counter']>;

export type Scope = 'ip' | 'player';
export const SCOPES: readonly Scope[] = ['ip', 'player'];

const WINDOW_MS = 60_000;

function retryAfterSeconds(req: AugmentedRequest): number {
  const reset = req.rateLimit?.resetTime;
  if (!reset) return Math.ceil(WINDOW_MS / 1000);
  return Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000));
}

function limiter(
  scope: Scope,
  perMinute: number,
  limited: LimitedCounter,
  options: Pick<Parameters<typeof rateLimit>[0] & object, 'keyGenerator' | 'skip'>,
): RateLimitRequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    // RateLimit and RateLimit-Policy headers (IETF draft 8), one named policy per scope.
    standardHeaders: 'draft-8',
    identifier: scope,
    legacyHeaders: false,
    // A client may send X-Forwarded-For at the edge; it is ignored unless TRUST_PROXY says otherwise.
    validate: { xForwardedForHeader: false },
    ...options,
    handler: (req, _res, next) => {
      limited.inc({ scope });
      const seconds = retryAfterSeconds(req as AugmentedRequest);
      next(
        new TooManyRequestsError(
          seconds,
          scope === 'ip'
            ? `Too many requests from your address (limit ${perMinute} per minute).`
            : `Too many requests for your player (limit ${perMinute} per minute).`,
        ),
      );
    },
  });
}

/** Per client address (req.ip, which honours TRUST_PROXY); IPv6 addresses are grouped by /56. */
export function ipRateLimit(perMinute: number, limited: LimitedCounter): RateLimitRequestHandler {
  return limiter('ip', perMinute, limited, {});
}

/** Per verified player; requests without an identity (public routes) are not counted here. */
export function playerRateLimit(perMinute: number, limited: LimitedCounter): RateLimitRequestHandler {
  return limiter('player', perMinute, limited, {
    keyGenerator: (req) => `player:${req.identity?.playerId ?? ''}`,
    skip: (req) => req.identity === undefined,
  });
}
