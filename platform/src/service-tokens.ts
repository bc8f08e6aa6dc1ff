// Service-to-service authentication for /internal/v1: the casino (and later other services) send
// `Authorization: Bearer <token>`; a variable such as WALLET_SERVICE_TOKENS maps each token to a
// caller name, and the caller's name scopes its idempotency keys (the wallet's, the pokemon service's). The gateway never routes /internal, and in Kubernetes a
// NetworkPolicy keeps players away from it; the token makes a misrouted request harmless.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { UnauthorizedError } from '@gameday/telemetry';

export class ServiceTokens {
  private readonly tokens: { name: string; digest: Buffer }[];

  /** `spec`: comma-separated `name=token` pairs, e.g. "casino=3f9a..."; `variable` names where it came from. */
  constructor(
    spec: string,
    private readonly variable = 'WALLET_SERVICE_TOKENS',
  ) {
    this.tokens = spec
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const eq = pair.indexOf('=');
        return { name: pair.slice(0, eq), digest: digest(pair.slice(eq + 1)) };
      });
  }

  get size(): number {
    return this.tokens.length;
  }

  /** The calling service's name, or a 401. */
  caller(req: Request): string {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer (\S+)$/i.exec(header);
    if (!m) {
      throw new UnauthorizedError(
        `The internal API needs a service token: send Authorization: Bearer <token> (${this.variable}).`,
        'service-token-required',
      );
    }
    const presented = digest(m[1]!);
    const found = this.tokens.find((t) => timingSafeEqual(t.digest, presented));
    if (!found) throw new UnauthorizedError('The service token is not valid.', 'service-token-invalid');
    return found.name;
  }
}

// Comparing digests keeps timingSafeEqual's inputs the same length whatever was sent.
const digest = (token: string) => createHash('sha256').update(token).digest();

/** Validates the shape of a `name=token,...` variable (for config schemas). */
// eslint-disable-next-line security/detect-unsafe-regex -- linear: the ',' that ends each entry cannot occur in a token; it reads a secret file
export const SERVICE_TOKENS_PATTERN = /^(?:[a-z][a-z0-9-]*=[\x21-\x2b\x2d-\x7e]{16,}(?:,|$))*$/;
