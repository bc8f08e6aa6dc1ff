// Test support for the gateway: a controllable stand-in upstream, and access tokens minted with
// node:crypto (so tests can also forge the bad ones: alg none, HS256 with the public key, ...).
import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** PKCS8 PEM, as accounts reads JWT_PRIVATE_KEY. */
  privatePem: string;
  /** SPKI PEM, as the gateway reads JWT_PUBLIC_KEY. */
  publicPem: string;
}

export function ed25519(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export interface Claims {
  sub?: string;
  role?: string;
  iss?: string;
  aud?: string;
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

/** Claims accounts would issue for a fresh player, valid for 15 minutes. */
export function claims(overrides: Claims = {}): Claims {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: randomUUID(),
    role: 'player',
    iss: 'gameday-accounts',
    aud: 'gameday',
    iat: now,
    exp: now + 900,
    ...overrides,
  };
}

/** A compact JWS signed with Ed25519 (what accounts issues). */
export function eddsaToken(
  key: KeyObject,
  payload: Claims = claims(),
  header: Record<string, unknown> = {},
): string {
  const input = `${b64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', ...header }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(sign(null, Buffer.from(input), key))}`;
}

/** An unsecured JWT (`alg: none`, empty signature). */
export function unsignedToken(payload: Claims = claims()): string {
  return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.`;
}

/** The classic key-confusion forgery: HS256 with the public key's PEM bytes as the HMAC secret. */
export function hs256Token(secret: string | Buffer, payload: Claims = claims()): string {
  const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(createHmac('sha256', secret).update(input).digest())}`;
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/**
 * A stand-in for an upstream service. By default it echoes the request as JSON; paths under
 * /api/v1/players/behave/<name> misbehave on purpose (see `behaviours`). It records every request
 * except its /healthz.
 */
export class StandInUpstream {
  readonly seen: SeenRequest[] = [];
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  url = '';

  /** Answers for exact paths (e.g. /.well-known/jwks.json), checked before everything else. */
  readonly paths = new Map<string, Behaviour>();

  readonly behaviours: Record<string, Behaviour> = {
    /** Never answers (until the test ends). */
    slow: () => undefined,
    /** Closes the connection without a byte of answer. */
    close: (req) => req.socket.destroy(),
    /** Starts a 200 with a promised 100-byte body, sends 10 bytes and resets the connection. */
    reset: (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial"');
      setTimeout(() => req.socket.resetAndDestroy(), 50);
    },
    /** Answers something that is not HTTP. */
    garbage: (req) => {
      req.socket.end('SMTP READY\r\n\r\n');
    },
    /** Answers with a problem of its own: it must reach the client unchanged. */
    teapot: (_req, res) => {
      res.writeHead(418, { 'content-type': 'application/problem+json', 'x-upstream-header': 'kept' });
      res.end('{"type":"about:blank","title":"I\'m a teapot","status":418,"detail":"short and stout"}');
    },
    /** 3 MiB in 64 KiB chunks (more than the gateway holds before it streams). */
    large: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 'g');
      for (let i = 0; i < 48; i++) res.write(chunk);
      res.end();
    },
    /** A 500 with a body that is not JSON. */
    error: (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('upstream exploded');
    },
  };

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const exact = this.paths.get((req.url ?? '').split('?')[0]!);
        if (exact) {
          exact(req, res, body);
          return;
        }
        if (req.url === '/healthz') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"alive"}');
          return;
        }
        this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const name = /^\/api\/v1\/players\/behave\/([a-z]+)/.exec(req.url ?? '')?.[1];
        const behaviour = name ? this.behaviours[name] : undefined;
        if (behaviour) {
          behaviour(req, res, body);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Requests seen whose URL starts with `prefix`. */
  requests(prefix = ''): SeenRequest[] {
    return this.seen.filter((r) => r.url.startsWith(prefix));
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Milliseconds `fn` took, with its result. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, result };
}

/** The value of one sample line of a Prometheus text exposition, e.g. `name{a="b"}`. */
export function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1).split(' ')[0]);
}
