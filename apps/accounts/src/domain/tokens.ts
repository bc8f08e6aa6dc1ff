// Access tokens: short-lived EdDSA (Ed25519) JWTs. The gateway verifies them with the public key,
// published here as a JWKS.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';
import type { JWK } from 'jose';
import type { Role } from './player';

export interface TokenIssuerOptions {
  privateKeyPem?: string;
  ttlSeconds: number;
  issuer: string;
  audience: string;
}

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

export class TokenIssuer {
  private constructor(
    private readonly privateKey: KeyObject,
    readonly publicKey: KeyObject,
    readonly kid: string,
    private readonly jwk: JWK,
    private readonly options: TokenIssuerOptions,
    /** True when no key was configured and one was generated for this process. */
    readonly generated: boolean,
  ) {}

  static async create(options: TokenIssuerOptions): Promise<TokenIssuer> {
    let privateKey: KeyObject;
    let generated = false;
    if (options.privateKeyPem) {
      try {
        privateKey = createPrivateKey(options.privateKeyPem);
      } catch (err) {
        throw new Error(`JWT_PRIVATE_KEY is not a readable PEM private key: ${(err as Error).message}`);
      }
      if (privateKey.asymmetricKeyType !== 'ed25519') {
        throw new Error(`JWT_PRIVATE_KEY must be an Ed25519 key, got ${privateKey.asymmetricKeyType}`);
      }
    } else {
      privateKey = generateKeyPairSync('ed25519').privateKey;
      generated = true;
    }
    const publicKey = createPublicKey(privateKey);
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    return new TokenIssuer(
      privateKey,
      publicKey,
      kid,
      { ...jwk, kid, alg: 'EdDSA', use: 'sig' },
      options,
      generated,
    );
  }

  async issue(playerId: string, role: Role): Promise<IssuedToken> {
    const token = await new SignJWT({ role })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.kid, typ: 'JWT' })
      .setSubject(playerId)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${this.options.ttlSeconds}s`)
      .sign(this.privateKey);
    return { access_token: token, token_type: 'Bearer', expires_in: this.options.ttlSeconds };
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.jwk] };
  }
}
