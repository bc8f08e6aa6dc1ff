// The gateway verifies access tokens before anything reaches an upstream, and the upstream learns
// who the caller is only from the verified token.
import { randomUUID } from 'node:crypto';
import { freePort, request, startService } from '@gameday/testing';
import type { ServiceProcess } from '@gameday/testing';
import { claims, ed25519, eddsaToken, hs256Token, StandInUpstream, unsignedToken } from './support';

const keys = ed25519();
const otherKeys = ed25519();
const upstream = new StandInUpstream();
let gateway: ServiceProcess;

beforeAll(async () => {
  await upstream.start();
  gateway = await startService('gateway', {
    env: { ACCOUNTS_URL: upstream.url, JWT_PUBLIC_KEY: keys.publicPem },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const me = () => `${gateway.url}/api/v1/players/me`;

describe('a request without a valid token', () => {
  const now = Math.floor(Date.now() / 1000);
  const cases: [string, () => Record<string, string>][] = [
    ['no Authorization header', () => ({})],
    ['an empty Authorization header', () => ({ authorization: '' })],
    ['a scheme other than Bearer', () => ({ authorization: 'Basic dXNlcjpwYXNz' })],
    ['a token that is not a JWT', () => ({ authorization: 'Bearer not-a-token' })],
    ['a JWT whose parts are not base64url JSON', () => ({ authorization: 'Bearer aaaa.bbbb.cccc' })],
    [
      'an expired token',
      () => ({ authorization: `Bearer ${eddsaToken(keys.privateKey, claims({ exp: now - 60 }))}` }),
    ],
    [
      'a token signed with another key',
      () => ({ authorization: `Bearer ${eddsaToken(otherKeys.privateKey)}` }),
    ],
    [
      'a valid signature over a tampered payload',
      () => {
        const [h, , s] = eddsaToken(keys.privateKey).split('.');
        const forged = Buffer.from(JSON.stringify(claims({ role: 'admin' }))).toString('base64url');
        return { authorization: `Bearer ${h}.${forged}.${s}` };
      },
    ],
    ['an unsigned token (alg: none)', () => ({ authorization: `Bearer ${unsignedToken()}` })],
    [
      'an HS256 token keyed with the public key (key confusion)',
      () => ({ authorization: `Bearer ${hs256Token(keys.publicPem)}` }),
    ],
    [
      'a token for another audience',
      () => ({ authorization: `Bearer ${eddsaToken(keys.privateKey, claims({ aud: 'someone-else' }))}` }),
    ],
    [
      'a token from another issuer',
      () => ({ authorization: `Bearer ${eddsaToken(keys.privateKey, claims({ iss: 'evil' }))}` }),
    ],
    [
      'a token whose subject is not a player id',
      () => ({
        authorization: `Bearer ${eddsaToken(keys.privateKey, claims({ sub: 'admin\r\nx-evil: 1' }))}`,
      }),
    ],
    [
      'a token with an unknown role',
      () => ({ authorization: `Bearer ${eddsaToken(keys.privateKey, claims({ role: 'root' }))}` }),
    ],
    [
      'a token without an expiry',
      () => ({ authorization: `Bearer ${eddsaToken(keys.privateKey, claims({ exp: undefined }))}` }),
    ],
  ];

  it.each(cases)('with %s is a 401 problem that never reaches the upstream', async (_name, headers) => {
    const before = upstream.seen.length;
    const res = await request(me(), { headers: headers() });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthenticated', instance: '/api/v1/players/me' });
    expect(res.body.request_id).toBe(res.headers.get('x-request-id'));
    // The detail says what to do, not what the verifier found (no library messages, no claims).
    expect(String(res.body.detail)).not.toMatch(/alg|signature|JWS|JWT[A-Z]|claim|aud|iss|jose|HS256|EdDSA/);
    expect(upstream.seen.length).toBe(before);
  });

  it('says when the token has merely expired, so the client knows to log in again', async () => {
    const expired = eddsaToken(keys.privateKey, claims({ exp: now - 60 }));
    const res = await request(me(), { token: expired });
    expect(res.body.detail).toBe('The bearer token has expired: log in again.');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gameday", error="invalid_token"');
  });
});

describe('a request with a valid token', () => {
  it('reaches the upstream with the identity from the token, whatever identity the client claimed', async () => {
    const playerId = randomUUID();
    const token = eddsaToken(keys.privateKey, claims({ sub: playerId, role: 'player' }));
    const res = await request<{ headers: Record<string, string> }>(me(), {
      token,
      headers: { 'x-player-id': randomUUID(), 'X-Player-Role': 'admin', 'x-player-anything': 'else' },
    });
    expect(res.status).toBe(200);
    const seen = upstream.requests('/api/v1/players/me').at(-1)!;
    expect(seen.headers['x-player-id']).toBe(playerId);
    expect(seen.headers['x-player-role']).toBe('player');
    expect(seen.headers['x-player-anything']).toBeUndefined();
    // The token itself is passed on too: an upstream may want to verify it again.
    expect(seen.headers.authorization).toBe(`Bearer ${token}`);
  });
});

describe('public routes', () => {
  it.each([
    ['POST', '/api/v1/players'],
    ['POST', '/api/v1/players/login'],
  ])(
    '%s %s reach the upstream without a token, with client-supplied identity stripped',
    async (method, path) => {
      const res = await request(`${gateway.url}${path}`, {
        method,
        body: { email: 'x@example.com' },
        headers: { 'x-player-id': randomUUID(), 'x-player-role': 'admin' },
      });
      expect(res.status).toBe(200);
      const seen = upstream.requests(path).at(-1)!;
      expect(seen.method).toBe(method);
      expect(seen.headers['x-player-id']).toBeUndefined();
      expect(seen.headers['x-player-role']).toBeUndefined();
    },
  );

  it('do not open other methods on the same paths: 405 before any token is asked for', async () => {
    const before = upstream.seen.length;
    const res = await request(`${gateway.url}/api/v1/players/login`, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(upstream.seen.length).toBe(before);
  });

  it('include the OpenAPI document', async () => {
    const res = await request(`${gateway.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
  });
});

describe('keys from the JWKS of accounts (JWT_PUBLIC_KEY unset)', () => {
  const accounts = new StandInUpstream();
  let jwksGateway: ServiceProcess;
  const kid = 'test-key-1';
  let jwksFetches = 0;

  beforeAll(async () => {
    const jwk = { ...keys.publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' };
    accounts.paths.set('/.well-known/jwks.json', (_req, res) => {
      jwksFetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await accounts.start();
    jwksGateway = await startService('gateway', {
      env: { ACCOUNTS_URL: accounts.url, JWT_PUBLIC_KEY: undefined },
    });
  });

  afterAll(async () => {
    await jwksGateway?.stop();
    await accounts.stop();
  });

  const meThere = () => `${jwksGateway.url}/api/v1/players/me`;

  it('accepts tokens signed with the published key, fetching the key set once', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await request(meThere(), { token: eddsaToken(keys.privateKey, claims(), { kid }) });
      expect(res.status).toBe(200);
    }
    expect(jwksFetches).toBe(1);
  });

  it('refuses a token signed with another key under the same kid, or with an unknown kid', async () => {
    const before = accounts.requests('/api/v1').length;
    const forged = await request(meThere(), { token: eddsaToken(otherKeys.privateKey, claims(), { kid }) });
    expect(forged.status).toBe(401);
    const unknownKid = await request(meThere(), {
      token: eddsaToken(otherKeys.privateKey, claims(), { kid: 'rotated-away' }),
    });
    expect(unknownKid.status).toBe(401);
    expect(accounts.requests('/api/v1').length).toBe(before);
  });

  it('answers 503, not 401, when the key set cannot be fetched', async () => {
    const down = await startService('gateway', {
      // Nothing listens there: connection refused.
      env: { ACCOUNTS_URL: `http://127.0.0.1:${await freePort()}`, JWT_PUBLIC_KEY: undefined },
      waitFor: 'alive',
    });
    try {
      const res = await request(`${down.url}/api/v1/players/me`, {
        token: eddsaToken(keys.privateKey, claims(), { kid }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.body).toMatchObject({ status: 503, upstream: 'accounts' });
      expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
    } finally {
      await down.stop();
    }
  });
});
