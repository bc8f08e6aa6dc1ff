// Rate limits: per client address before authentication, per player after it; 429 problem+json
// with Retry-After, counted in gameday_gateway_rate_limited_total{scope}.
import { randomUUID } from 'node:crypto';
import { request, startService } from '@gameday/testing';
import type { HttpResponse, ServiceProcess } from '@gameday/testing';
import { claims, ed25519, eddsaToken, sample, StandInUpstream } from './support';

const keys = ed25519();
const upstream = new StandInUpstream();

beforeAll(async () => {
  await upstream.start();
});

afterAll(async () => {
  await upstream.stop();
});

function expectRateLimited(res: HttpResponse, scope: 'ip' | 'player') {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.body).toMatchObject({ status: 429, type: 'https://gameday.dev/problems/rate-limited' });
  expect(String(res.body.detail)).toContain(scope === 'ip' ? 'from your address' : 'for your player');
}

describe('the per-address limit', () => {
  // A fresh gateway (and limiter) for each test: no test depends on what another spent.
  let gateway: ServiceProcess;

  beforeEach(async () => {
    gateway = await startService('gateway', {
      env: { ACCOUNTS_URL: upstream.url, JWT_PUBLIC_KEY: keys.publicPem, RATE_LIMIT_IP_PER_MINUTE: '5' },
    });
  });

  afterEach(async () => {
    await gateway?.stop();
  });

  /** Spends the address's whole budget (5 requests a minute). */
  async function spend(): Promise<number[]> {
    const token = eddsaToken(keys.privateKey);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      // Bad and good tokens alike count against the address.
      const res = await request(`${gateway.url}/api/v1/players/me`, i % 2 ? { token } : {});
      statuses.push(res.status);
    }
    return statuses;
  }

  it('refuses the request after the limit with a 429 problem and Retry-After, before checking tokens', async () => {
    expect(await spend()).toEqual([401, 200, 401, 200, 401]);
    const before = upstream.seen.length;
    const limited = await request(`${gateway.url}/api/v1/players/me`, { token: eddsaToken(keys.privateKey) });
    expectRateLimited(limited, 'ip');
    expect(upstream.seen.length).toBe(before);
    // Public routes too.
    expectRateLimited(await request(`${gateway.url}/api/v1/players/login`, { body: {} }), 'ip');
  });

  it('leaves probes and metrics alone, and counts what it refused', async () => {
    await spend();
    expectRateLimited(await request(`${gateway.url}/api/v1/players/me`), 'ip');
    expectRateLimited(await request(`${gateway.url}/api/v1/players/login`, { body: {} }), 'ip');
    expect((await request(`${gateway.url}/healthz`)).status).toBe(200);
    const metrics = await request(`${gateway.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(sample(metrics.text, 'gameday_gateway_rate_limited_total{scope="ip"}')).toBe(2);
    expect(sample(metrics.text, 'gameday_gateway_rate_limited_total{scope="player"}')).toBe(0);
  });

  it('ignores a client-supplied X-Forwarded-For (no dodging the limit by lying about the address)', async () => {
    await spend();
    const res = await request(`${gateway.url}/api/v1/players/me`, {
      headers: { 'x-forwarded-for': '198.51.100.9' },
    });
    expectRateLimited(res, 'ip');
  });
});

describe('the per-player limit', () => {
  let gateway: ServiceProcess;

  beforeAll(async () => {
    gateway = await startService('gateway', {
      env: {
        ACCOUNTS_URL: upstream.url,
        JWT_PUBLIC_KEY: keys.publicPem,
        RATE_LIMIT_IP_PER_MINUTE: '1000',
        RATE_LIMIT_PLAYER_PER_MINUTE: '3',
      },
    });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('refuses a player over the limit while other players go on', async () => {
    const aliceId = randomUUID();
    const alice = eddsaToken(keys.privateKey, claims({ sub: aliceId }));
    const bob = eddsaToken(keys.privateKey, claims({ sub: randomUUID() }));
    for (let i = 0; i < 3; i++) {
      expect((await request(`${gateway.url}/api/v1/players/me`, { token: alice })).status).toBe(200);
    }
    const before = upstream.seen.length;
    expectRateLimited(await request(`${gateway.url}/api/v1/players/me`, { token: alice }), 'player');
    expect(upstream.seen.length).toBe(before);
    // Another token for the same player is the same player.
    const aliceAgain = eddsaToken(
      keys.privateKey,
      claims({ sub: aliceId, iat: Math.floor(Date.now() / 1000) - 1 }),
    );
    expectRateLimited(await request(`${gateway.url}/api/v1/players/me`, { token: aliceAgain }), 'player');
    expect((await request(`${gateway.url}/api/v1/players/me`, { token: bob })).status).toBe(200);

    const metrics = await request(`${gateway.url}/metrics`);
    expect(sample(metrics.text, 'gameday_gateway_rate_limited_total{scope="player"}')).toBe(2);
  });

  it('does not count public requests against anyone', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await request(`${gateway.url}/api/v1/players/login`, { body: {} })).status).toBe(200);
    }
  });
});
