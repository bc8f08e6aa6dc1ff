// Bearer-token authentication for everything under /api/v1 except the public routes.
import type { RequestHandler } from 'express';
import { ServiceUnavailableError, UnauthorizedError } from '@gameday/telemetry';
import type { Logger } from '@gameday/telemetry';
import { isPublic } from '../domain/areas';
import { KeysUnavailable, TokenRejected } from '../domain/tokens';
import type { Identity, TokenVerifier } from '../domain/tokens';

declare module 'express-serve-static-core' {
  interface Request {
    /** The verified caller; undefined on public routes. */
    identity?: Identity;
  }
}

/** A compact JWS is three base64url parts; anything longer than this is not one of ours. */
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)\s*$/i;
const MAX_TOKEN_LENGTH = 4096;

function unauthenticated(detail: string, error?: 'invalid_token'): UnauthorizedError {
  const err = new UnauthorizedError(detail, error ? 'invalid-token' : 'unauthenticated');
  // RFC 6750 §3: say which scheme, and whether the token itself was the problem.
  if (error) err.headers['WWW-Authenticate'] = `Bearer realm="gameday", error="${error}"`;
  else err.headers['WWW-Authenticate'] = 'Bearer realm="gameday"';
  return err;
}

export function authenticate(verifier: TokenVerifier, logger: Logger): RequestHandler {
  return async (req, _res, next) => {
    req.identity = undefined;
    if (isPublic(req.method, req.path)) return next();
    const header = req.headers.authorization;
    if (header === undefined || header === '') {
      throw unauthenticated(
        'Authentication is required: send a bearer token from POST /api/v1/players/login.',
      );
    }
    const match = header.length <= MAX_TOKEN_LENGTH + 10 ? BEARER.exec(header) : null;
    if (!match) {
      throw unauthenticated(
        'The Authorization header must be "Bearer <token>" with a token from login.',
        'invalid_token',
      );
    }
    try {
      req.identity = await verifier.verify(match[1]!);
    } catch (err) {
      if (err instanceof TokenRejected) {
        // The reason stays in our log: telling a caller why a forgery failed helps the forger.
        logger.debug('token rejected', { request_id: req.id, reason: err.internal });
        throw err.reason === 'expired'
          ? unauthenticated('The bearer token has expired: log in again.', 'invalid_token')
          : unauthenticated('The bearer token is not valid: log in again.', 'invalid_token');
      }
      if (err instanceof KeysUnavailable) {
        logger.warn('cannot verify tokens: signing keys unavailable', {
          request_id: req.id,
          error: err.internal,
        });
        throw new ServiceUnavailableError(
          'Tokens cannot be verified right now: the accounts service is unavailable.',
          5,
          { upstream: 'accounts' },
        );
      }
      throw err;
    }
    next();
  };
}
