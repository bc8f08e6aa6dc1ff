// Readiness follows PostgreSQL, and SIGTERM under load drains: no request that was accepted fails.
import { eventually, request, startPostgres, startService } from '@gameday/testing';
import type { ServiceProcess, TestPostgres } from '@gameday/testing';

let pg: TestPostgres;

beforeAll(async () => {
  pg = await startPostgres();
  await pg.createDatabase('accounts');
});

afterAll(async () => {
  await pg?.destroy();
});

describe('readiness', () => {
  let accounts: ServiceProcess;
  beforeAll(async () => {
    accounts = await startService('accounts', { env: { DATABASE_URL: pg.url('accounts') } });
  });
  afterAll(async () => {
    await pg.start();
    await accounts.stop();
  });

  it('/readyz turns 503 naming postgres when PostgreSQL stops, and 200 when it is back', async () => {
    expect((await request(`${accounts.url}/readyz`)).status).toBe(200);
    await pg.stop();
    const down = await eventually(
      async () => {
        const res = await request(`${accounts.url}/readyz`);
        return res.status === 503 ? res : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: '/readyz answering 503 with PostgreSQL stopped' },
    );
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(down.body).toMatchObject({ failed: ['postgres'], checks: { postgres: { status: 'down' } } });
    // Liveness is not readiness: the process itself is fine.
    expect((await request(`${accounts.url}/healthz`)).status).toBe(200);
    const metrics = await request(`${accounts.url}/metrics`);
    expect(metrics.text).toContain('gameday_dependency_up{dependency="postgres"} 0');

    await pg.start();
    const up = await eventually(
      async () => {
        const res = await request(`${accounts.url}/readyz`);
        return res.status === 200 ? res : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: '/readyz answering 200 with PostgreSQL back' },
    );
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: 'ready', checks: { postgres: { status: 'up' } } });
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM during load: every request the server accepted gets its response, and the process exits 0', async () => {
    const accounts = await startService('accounts', { env: { DATABASE_URL: pg.url('accounts') } });
    await request(`${accounts.url}/api/v1/players`, {
      body: { email: 'load@example.com', display_name: 'Load', password: 'a long enough password' },
    });

    const succeeded = new Set<string>();
    const failedAfterAccept: string[] = [];
    const refused: string[] = [];
    let stopAt = 0;
    let n = 0;
    // Logins hash with scrypt (tens of ms), so requests are in flight when SIGTERM lands.
    const worker = async (w: number) => {
      while (stopAt === 0 || Date.now() < stopAt) {
        const id = `load-${w}-${n++}`;
        try {
          const res = await fetch(`${accounts.url}/api/v1/players/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-request-id': id },
            body: JSON.stringify({ email: 'load@example.com', password: 'a long enough password' }),
          });
          await res.text();
          if (res.status === 200) succeeded.add(id);
          else failedAfterAccept.push(`${id}: HTTP ${res.status}`);
        } catch {
          refused.push(id);
          await new Promise((r) => setTimeout(r, 20));
        }
        if (n > 5000) break;
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    await new Promise((r) => setTimeout(r, 700));
    const exit = accounts.stop('SIGTERM');
    stopAt = Date.now() + 1500;
    expect(await exit).toBe(0);
    await Promise.all(workers);

    // The server logs one line per request it accepted: each of those must have succeeded.
    const accepted = accounts.logs
      .filter((l) => l.message === 'request' && String(l.request_id).startsWith('load-'))
      .map((l) => ({ id: String(l.request_id), status: Number(l.http_response_status_code) }));
    expect(accepted.length).toBeGreaterThan(10);
    expect(accepted.filter((a) => a.status !== 200)).toEqual([]);
    expect(accepted.filter((a) => !succeeded.has(a.id))).toEqual([]);
    expect(failedAfterAccept).toEqual([]);
    // After the stop, new connections are refused: the load did reach the shutdown.
    expect(refused.length).toBeGreaterThan(0);
    expect(accounts.logs.some((l) => l.message === 'stopped')).toBe(true);
  });
});
