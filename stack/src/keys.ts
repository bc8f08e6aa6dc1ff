// The Ed25519 key pair accounts signs JWTs with and the gateway verifies them with. Generated once
// per state directory and reused, so tokens survive a restart of the stack.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface JwtKeys {
  privateKeyPem: string;
  publicKeyPem: string;
}

export function loadOrCreateJwtKeys(keysDir: string): JwtKeys {
  const privateFile = join(keysDir, 'jwt-ed25519.key.pem');
  const publicFile = join(keysDir, 'jwt-ed25519.pub.pem');
  if (existsSync(privateFile) && existsSync(publicFile)) {
    return {
      privateKeyPem: readFileSync(privateFile, 'utf8'),
      publicKeyPem: readFileSync(publicFile, 'utf8'),
    };
  }
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeFileSync(privateFile, privateKey, { mode: 0o600 });
  writeFileSync(publicFile, publicKey, { mode: 0o600 });
  chmodSync(privateFile, 0o600);
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** A random token kept in the keys directory (e.g. the casino's token for the wallet's internal API). */
export function loadOrCreateSecret(keysDir: string, name: string): string {
  const file = join(keysDir, `${name}.secret`);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(24).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
