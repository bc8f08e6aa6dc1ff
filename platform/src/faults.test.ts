// Fault switches: off without CHAOS_FAULTS_TOKEN, admin-only with it, and the injected errors and
// delays are what the chaos harness asked for — counted in the HTTP histogram under the real route.
import { createService } from '@gameday/telemetry';
import type { Service } from '@gameday/telemetry';
import { installFaultSwitches } from './faults';

let service: Service<unknown>;
let url: string;
const token = 'test-chaos-token-0123456789';

async function start(env: Record<string, string>) {
  const s = createService({ name: 'faulty', env: { LOG_LEVEL: 'error', ...env } });
  installFaultSwitches(s);
  s.app.get('/api/v1/things/:id', (_req, res) => void res.json({ ok: true }));
  s.app.post('/api/v1/things', (_req, res) => void res.status(201).json({ ok: true }));
  const { url: u } = await s.listen({ signals: false });
  return { s, u };
}

const put = (id: string, body: unknown, auth = `Bearer ${token}`) =>
  fetch(`${url}/internal/chaos/faults/${id}`, {
    method: 'PUT',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  ({ s: service, u: url } = await start({ CHAOS_FAULTS_TOKEN: token }));
});
afterAll(() => service.stop());
afterEach(async () => {
  const list = (await (
    await fetch(`${url}/internal/chaos/faults`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as { faults: { id: string }[] };
  for (const f of list.faults)
    await fetch(`${url}/internal/chaos/faults/${f.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
});

describe('fault switches', () => {
  it('do not exist unless CHAOS_FAULTS_TOKEN is set', async () => {
    const { s, u } = await start({});
    try {
      expect((await fetch(`${u}/internal/chaos/faults`)).status).toBe(404);
      expect((await fetch(`${u}/internal/chaos/faults/x`, { method: 'PUT' })).status).toBe(404);
    } finally {
      await s.stop();
    }
  });

  it('are admin-only: no token 401, a wrong token 403, and nothing is set', async () => {
    expect((await put('a', { kind: 'error' }, '')).status).toBe(401);
    expect((await put('a', { kind: 'error' }, 'Bearer wrong-token-of-same-len')).status).toBe(403);
    expect((await fetch(`${url}/api/v1/things/1`)).status).toBe(200);
  });

  it('refuse a bad fault with problem+json naming the field', async () => {
    const r = await put('a', { kind: 'error', percent: 7 });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(await r.json())).toMatch(/percent/);
  });

  it('fail the share of matching requests asked for, under the route template they hit', async () => {
    expect(
      (await put('err', { kind: 'error', status: 502, route: '/api/v1/things/:id', method: 'GET' })).status,
    ).toBe(201);
    const hit = await fetch(`${url}/api/v1/things/42`);
    expect(hit.status).toBe(502);
    expect(((await hit.json()) as { type: string }).type).toMatch(/chaos-fault/);
    // Other routes and methods are untouched.
    expect((await fetch(`${url}/api/v1/things`, { method: 'POST' })).status).toBe(201);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      /http_server_request_duration_seconds_count\{[^}]*http_route="\/api\/v1\/things\/:id"[^}]*http_response_status_code="502"[^}]*\} 1/,
    );
    expect(metrics).toMatch(/gameday_chaos_faults_active\{kind="error"\} 1/);
    expect(metrics).toMatch(/gameday_chaos_faults_injected_total\{kind="error"\} 1/);
  });

  it('find the route template of an unscoped error too', async () => {
    await put('all', { kind: 'error', percent: 1 });
    expect((await fetch(`${url}/api/v1/things/7`)).status).toBe(503);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(
      /http_route="\/api\/v1\/things\/:id"[^}]*http_response_status_code="503"/,
    );
    // Scrapes and probes are never failed: the harness must still see the service.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('apply a percentage', async () => {
    await put('half', { kind: 'error', percent: 0.5 });
    let failed = 0;
    for (let i = 0; i < 400; i++) if ((await fetch(`${url}/api/v1/things/1`)).status === 503) failed++;
    // Binomial(400, 0.5): mean 200, sd 10 — six sd either way.
    expect(failed).toBeGreaterThan(140);
    expect(failed).toBeLessThan(260);
  });

  it('delay requests, and stop when removed', async () => {
    await put('slow', { kind: 'latency', delayMs: 300 });
    let t = Date.now();
    expect((await fetch(`${url}/api/v1/things/1`)).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
    expect(
      (
        await fetch(`${url}/internal/chaos/faults/slow`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
    ).toBe(204);
    t = Date.now();
    await fetch(`${url}/api/v1/things/1`);
    expect(Date.now() - t).toBeLessThan(290);
  });

  it('expire by themselves after ttlSeconds', async () => {
    await put('brief', { kind: 'error', ttlSeconds: 1 });
    expect((await fetch(`${url}/api/v1/things/1`)).status).toBe(503);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await fetch(`${url}/api/v1/things/1`)).status).toBe(200);
    const list = (await (
      await fetch(`${url}/internal/chaos/faults`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { faults: unknown[] };
    expect(list.faults).toEqual([]);
  });
});
