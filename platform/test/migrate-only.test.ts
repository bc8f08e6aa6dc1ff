// GAMEDAY_MIGRATE_ONLY: a service applies its migrations (under the advisory lock) and exits 0
// without serving, which is what the Kubernetes migrations Job runs before the rollout; run again,
// it applies nothing and still exits 0. A database it cannot reach fails the Job (exit 1).
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startPostgres, startService } from '@gameday/testing';
import type { TestPostgres } from '@gameday/testing';

let pg: TestPostgres;

beforeAll(async () => {
  pg = await startPostgres();
  await pg.createDatabase('wallet_migrate_only');
}, 120_000);

afterAll(async () => {
  await pg?.destroy();
});

async function tables(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    return r.rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

test('migrations only: applied, exit 0, never listens; a second run applies nothing', async () => {
  const url = pg.url('wallet_migrate_only');
  expect(await tables(url)).toEqual([]);
  // A token made here, never one written in the tree (the secrets check would rightly flag it).
  const token = randomBytes(18).toString('base64url');
  const env = { DATABASE_URL: url, GAMEDAY_MIGRATE_ONLY: 'true', WALLET_SERVICE_TOKENS: `casino=${token}` };
  const first = await startService('wallet', { env, waitFor: 'none' });
  expect(await first.exited()).toBe(0);
  const done = first.logs.find((l) => String(l['message']).startsWith('migrations applied'));
  expect(done?.['applied']).toBeGreaterThan(0);
  expect(first.logs.some((l) => l['message'] === 'listening')).toBe(false);
  expect((await tables(url)).length).toBeGreaterThan(2);

  const again = await startService('wallet', { env, waitFor: 'none' });
  expect(await again.exited()).toBe(0);
  expect(again.logs.find((l) => String(l['message']).startsWith('migrations applied'))?.['applied']).toBe(0);
}, 60_000);

test('a bad GAMEDAY_MIGRATE_ONLY value fails the start naming the variable', async () => {
  const bad = await startService('wallet', {
    env: { DATABASE_URL: pg.url('wallet_migrate_only'), GAMEDAY_MIGRATE_ONLY: 'yes' },
    waitFor: 'none',
  });
  expect(await bad.exited()).toBe(1);
  expect(bad.stderr.join('')).toMatch(/GAMEDAY_MIGRATE_ONLY/);
}, 30_000);
