// A service's own PostgreSQL database: the pool (instrumented: pool gauges and a readiness check) and
// versioned schema migrations, applied at start under a PostgreSQL advisory lock so that two
// instances starting together apply each migration exactly once. Every service that owns a
// database lists its migrations as data and opens it with `openDatabase` before it listens.
import { Pool } from 'pg';
import type { PoolClient, PoolConfig } from 'pg';
import { MigrationsApplied, instrumentPool } from '@gameday/telemetry';
import type { Service } from '@gameday/telemetry';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The part of a pg Pool that migrations need (structural, so tests can pass a fake). */
export interface MigrationPool {
  connect(): Promise<{
    query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
    release(): void;
  }>;
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction.
 * `lockKey` is the service's fixed pg_advisory_lock key. Returns the versions applied.
 */
export async function migrate(
  pool: MigrationPool,
  migrations: Migration[],
  lockKey: number,
): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query('SELECT version FROM schema_migrations');
    const done = new Set((rows as { version: number }[]).map((r) => r.version));
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      try {
        await client.query('BEGIN');
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          m.version,
          m.name,
        ]);
        await client.query('COMMIT');
        applied.push(m.version);
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
    client.release();
  }
  return applied;
}

export interface DatabaseOptions {
  /** DATABASE_URL. */
  url: string;
  /** DATABASE_POOL_MAX. */
  max: number;
  migrations: Migration[];
  /** The service's fixed pg_advisory_lock key for migrations. */
  lockKey: number;
  /** Other pool settings; the defaults: 2 s to get a connection, idle ones closed after 30 s. */
  pool?: Omit<PoolConfig, 'connectionString' | 'max'>;
}

/**
 * Opens a service's database: a pool with its telemetry (`instrumentPool`: gauges, the `postgres`
 * readiness check, closed at shutdown), then the migrations not yet applied. Logs what it applied.
 */
export async function openDatabase(service: Service<unknown>, options: DatabaseOptions): Promise<Pool> {
  const pool = new Pool({
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30_000,
    ...options.pool,
    connectionString: options.url,
    max: options.max,
  });
  instrumentPool(service, pool);
  const applied = await migrate(pool, options.migrations, options.lockKey);
  service.logger.info('database migrated', { applied });
  if ((service.config as { GAMEDAY_MIGRATE_ONLY?: boolean }).GAMEDAY_MIGRATE_ONLY) {
    await pool.end();
    throw new MigrationsApplied(applied.length);
  }
  return pool;
}

/** Runs `work` in a transaction on one connection of `pool`: committed when it resolves, rolled back when it throws. */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
