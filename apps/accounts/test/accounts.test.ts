// Component tests of the accounts service: the real process, a real PostgreSQL, real HTTP.
import { Client } from 'pg';
import { generateKeyPairSync } from 'node:crypto';
import { request, startPostgres, startService } from '@gameday/testing';
import type { ServiceProcess, TestPostgres } from '@gameday/testing';

let pg: TestPostgres;
let accounts: ServiceProcess;
const { privateKey } = generateKeyPairSync('ed25519');
const JWT_PRIVATE_KEY = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

beforeAll(async () => {
  pg = await startPostgres();
  await pg.createDatabase('accounts');
  accounts = await startService('accounts', {
    env: {
      DATABASE_URL: pg.url('accounts'),
      JWT_PRIVATE_KEY,
      ACCOUNTS_ADMIN_EMAILS: 'boss@example.com',
      LOGIN_MAX_FAILURES: '3',
    },
  });
});

afterAll(async () => {
  await accounts?.stop();
  await pg?.destroy();
});

const as = (id: string, role = 'player') => ({ 'x-player-id': id, 'x-player-role': role });

async function register(email: string, display_name = 'Player One', password = 'a long enough password') {
  return request(`${accounts.url}/api/v1/players`, { body: { email, display_name, password } });
}

describe('registration', () => {
  it('creates a player with the role player and hides the password hash', async () => {
    const res = await register('ann@example.com', 'Ann');
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v1/players/${res.body.id}`);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: 'ann@example.com',
      display_name: 'Ann',
      role: 'player',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it('answers 409 for an email that is taken, whatever its case', async () => {
    await register('bob@example.com');
    const res = await register('BOB@Example.com');
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, type: 'https://gameday.dev/problems/email-taken' });
  });

  it('gives the admin role to configured admin emails', async () => {
    const res = await register('boss@example.com');
    expect(res.body.role).toBe('admin');
  });
});

describe('login', () => {
  it('returns a short-lived EdDSA JWT whose subject is the player', async () => {
    const reg = await register('carol@example.com');
    const res = await request(`${accounts.url}/api/v1/players/login`, {
      body: { email: 'Carol@example.com', password: 'a long enough password' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const [header, payload] = String(res.body.access_token)
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header.alg).toBe('EdDSA');
    expect(payload).toMatchObject({
      sub: reg.body.id,
      role: 'player',
      iss: 'gameday-accounts',
      aud: 'gameday',
    });
    expect(payload.exp - payload.iat).toBe(900);
  });

  it('answers the same 401 for an unknown email and for a wrong password', async () => {
    await register('dave@example.com');
    const wrong = await request(`${accounts.url}/api/v1/players/login`, {
      body: { email: 'dave@example.com', password: 'not the password' },
      headers: { 'x-forwarded-for': '10.0.0.1' },
    });
    const unknown = await request(`${accounts.url}/api/v1/players/login`, {
      body: { email: 'nobody@example.com', password: 'not the password' },
      headers: { 'x-forwarded-for': '10.0.0.2' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.body.type).toBe(unknown.body.type);
  });

  it('refuses further logins with 429 and Retry-After after repeated failures, even with the right password', async () => {
    await register('eve@example.com');
    for (let i = 0; i < 3; i++) {
      const r = await request(`${accounts.url}/api/v1/players/login`, {
        body: { email: 'eve@example.com', password: `guess number ${i}` },
        headers: { 'x-forwarded-for': `10.1.0.${i}` },
      });
      expect(r.status).toBe(401);
    }
    const res = await request(`${accounts.url}/api/v1/players/login`, {
      body: { email: 'eve@example.com', password: 'a long enough password' },
      headers: { 'x-forwarded-for': '10.1.0.9' },
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ status: 429, type: 'https://gameday.dev/problems/rate-limited' });
  });
});

describe('profiles and roles', () => {
  it('reads and updates the caller’s own profile', async () => {
    const { body: me } = await register('frank@example.com', 'Frank');
    const got = await request(`${accounts.url}/api/v1/players/me`, { headers: as(String(me.id)) });
    expect(got.body).toMatchObject({ id: me.id, display_name: 'Frank' });
    const patched = await request(`${accounts.url}/api/v1/players/me`, {
      method: 'PATCH',
      headers: as(String(me.id)),
      body: { display_name: 'Frank Ü' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.display_name).toBe('Frank Ü');
  });

  it('answers 401 without the identity the gateway sets', async () => {
    const res = await request(`${accounts.url}/api/v1/players/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('lets only admins read other players and change roles', async () => {
    const { body: gina } = await register('gina@example.com');
    const { body: hal } = await register('hal@example.com');
    const asPlayer = await request(`${accounts.url}/api/v1/players/${hal.id}`, {
      headers: as(String(gina.id)),
    });
    expect(asPlayer.status).toBe(403);
    const promote = await request(`${accounts.url}/api/v1/players/${gina.id}/role`, {
      method: 'PUT',
      headers: as(String(gina.id)),
      body: { role: 'admin' },
    });
    expect(promote.status).toBe(403);

    const admin = await register('admin2@example.com');
    await request(`${accounts.url}/api/v1/players/${admin.body.id}/role`, {
      method: 'PUT',
      headers: as(String(admin.body.id), 'admin'),
      body: { role: 'admin' },
    });
    const read = await request(`${accounts.url}/api/v1/players/${hal.id}`, {
      headers: as(String(admin.body.id), 'admin'),
    });
    expect(read.status).toBe(200);
    expect(read.body.email).toBe('hal@example.com');
    const missing = await request(`${accounts.url}/api/v1/players/00000000-0000-4000-8000-000000000000`, {
      headers: as(String(admin.body.id), 'admin'),
    });
    expect(missing.status).toBe(404);
  });
});

describe('migrations', () => {
  it('are applied exactly once when two instances start together on an empty database', async () => {
    await pg.createDatabase('accounts_race');
    const env = { DATABASE_URL: pg.url('accounts_race'), JWT_PRIVATE_KEY };
    const [a, b] = await Promise.all([startService('accounts', { env }), startService('accounts', { env })]);
    try {
      const client = new Client({ connectionString: pg.url('accounts_race') });
      await client.connect();
      const { rows } = await client.query(
        'SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version ORDER BY version',
      );
      await client.end();
      expect(rows).toEqual([
        { version: 1, n: 1 },
        { version: 2, n: 1 },
      ]);
      const r = await request(`${b.url}/api/v1/players`, {
        body: { email: 'x@example.com', display_name: 'Xavier', password: 'a long enough password' },
      });
      expect(r.status).toBe(201);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
