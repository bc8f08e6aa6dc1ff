// A connection that breaks while checked out of the pool (a network partition ending, PostgreSQL
// restarting) must not crash the service: instrumentPool (telemetry) listens for it. The game day's
// PostgreSQL blackhole crashed accounts and casino this way before the fix.
import { Pool } from 'pg';
import { createService, instrumentPool } from '@gameday/telemetry';
import { startPostgres } from '@gameday/testing';
import type { TestPostgres } from '@gameday/testing';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(() => pg?.destroy());

it('survives a checked-out connection dying between two queries, and the pool recovers', async () => {
  const service = createService({ name: 'pool-test', env: { LOG_LEVEL: 'error' } });
  const pool = new Pool({ connectionString: pg.url(), max: 2 });
  instrumentPool(service, pool);
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    const client = await pool.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // Killed from another connection while this one sits checked out, between queries.
    await pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await new Promise((r) => setTimeout(r, 300));
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release();
    expect(uncaught).toEqual([]);
    const again = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(again.rows[0]!.one).toBe(1);
  } finally {
    process.off('uncaughtException', onUncaught);
    await pool.end();
  }
});
