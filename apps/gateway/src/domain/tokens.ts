// Access-token verification: EdDSA (Ed25519) JWTs issued by accounts. Only EdDSA is accepted, so
// `alg: none` and HS256-signed-with-the-public-key tokens fail before any key is used.
import { LRUCache } from 'lru-cache';
import { z } from '@gameday/telemetry';
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import type { JWTVerifyGetKey, KeyObject } from 'jose' with { 'resolution-mode': 'import' };

export type Role = 'player' | 'admin';

/** Who the caller is, as the verified token says. */
export interface Identity {
  playerId: string;
  role: Role;
}

/** Why a token was refused: `expired` may say so to the client; every other reason is `invalid`. */
export class TokenRejected extends Error {
  constructor(
    readonly reason: 'expired' | 'invalid',
    readonly internal: string,
  ) {
    super(`token rejected (${reason}): ${internal}`);
    this.name = 'TokenRejected';
  }
}

/** The signing keys could not be fetched (accounts down): not the caller's fault, so not a 401. */
export class KeysUnavailable extends Error {
  constructor(readonly internal: string) {
    super(`token signing keys unavailable: ${internal}`);
    this.name = 'KeysUnavailable';
  }
}

export interface TokenVerifierOptions {
  /** SPKI PEM of the Ed25519 public key; when absent, `jwksUrl` is used. */
  publicKeyPem?: string;
  jwksUrl: URL;
  issuer: string;
  audience: string;
}

const claims = z.object({
  // Player ids are UUIDs; they also become a header value upstream, so nothing else may pass.
  sub: z.guid(),
  role: z.enum(['player', 'admin']),
});

const ALGORITHMS = ['EdDSA'];
/** Tolerated clock difference between accounts and the gateway. */
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Verified tokens are remembered for a short while: a player sends the same token with every
 * request, and an Ed25519 verification was a tenth of the gateway's CPU per request. An entry lives
 * at most VERIFIED_TTL_MS and never past the token's own expiry; only tokens that verified are kept.
 */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;

export class TokenVerifier {
  private readonly verified = new LRUCache<string, { identity: Identity; expiresAtMs: number }>({
    max: VERIFIED_MAX,
    ttl: VERIFIED_TTL_MS,
    ttlAutopurge: false,
  });

  private constructor(
    private readonly jose: typeof Jose,
    private readonly key: KeyObject | JWTVerifyGetKey,
    private readonly options: TokenVerifierOptions,
    /** `static` (a configured key) or `jwks` (fetched from accounts and cached). */
    readonly source: 'static' | 'jwks',
  ) {}

  static async create(options: TokenVerifierOptions): Promise<TokenVerifier> {
    // jose is an ES module; this package compiles to CommonJS, so it is loaded with import().
    const jose = await import('jose');
    if (options.publicKeyPem) {
      let key: KeyObject;
      try {
        key = (await jose.importSPKI(options.publicKeyPem, 'EdDSA')) as KeyObject;
      } catch (err) {
        throw new Error(
          `JWT_PUBLIC_KEY: not an Ed25519 public key in SPKI PEM ("-----BEGIN PUBLIC KEY-----"): ${(err as Error).message}`,
        );
      }
      return new TokenVerifier(jose, key, options, 'static');
    }
    const remote = jose.createRemoteJWKSet(options.jwksUrl, {
      timeoutDuration: 2000,
      // A token with an unknown kid refetches at most this often (key rotation), not per request.
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
    // jose asks for the key only after the header checks (alg), so a refused algorithm never
    // triggers a fetch. A kid the set does not have is the token's fault; any other failure is
    // the key set being unreachable or unusable, which is ours.
    const getKey: JWTVerifyGetKey = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (err) {
        if (
          err instanceof jose.errors.JWKSNoMatchingKey ||
          err instanceof jose.errors.JWKSMultipleMatchingKeys
        ) {
          throw err;
        }
        throw new KeysUnavailable(err instanceof Error ? err.message : String(err));
      }
    };
    return new TokenVerifier(jose, getKey, options, 'jwks');
  }

  /** Verifies a compact JWS and returns the identity it carries, or throws TokenRejected/KeysUnavailable. */
  async verify(token: string): Promise<Identity> {
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() <= known.expiresAtMs) return known.identity;
      this.verified.delete(token);
    }
    const { errors } = this.jose;
    let payload: unknown;
    try {
      ({ payload } = await this.jose.jwtVerify(token, this.key as KeyObject, {
        algorithms: ALGORITHMS,
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (err) {
      if (err instanceof KeysUnavailable) throw err;
      if (err instanceof errors.JWTExpired) throw new TokenRejected('expired', err.message);
      if (err instanceof errors.JOSEError) throw new TokenRejected('invalid', `${err.code}: ${err.message}`);
      // jose throws TypeErrors for some malformed input; a token that cannot be read is invalid.
      throw new TokenRejected('invalid', err instanceof Error ? err.message : String(err));
    }
    const parsed = claims.safeParse(payload);
    if (!parsed.success) {
      throw new TokenRejected(
        'invalid',
        `claims: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
      );
    }
    const identity: Identity = { playerId: parsed.data.sub, role: parsed.data.role };
    const exp = (payload as { exp: number }).exp;
    this.verified.set(token, { identity, expiresAtMs: (exp + CLOCK_TOLERANCE_SECONDS) * 1000 });
    return identity;
  }
}
