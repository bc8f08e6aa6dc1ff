// Versioned schema migrations, applied at start under a PostgreSQL advisory lock so that two
// instances starting together apply each migration exactly once. Every service that owns a
// database lists its migrations as data and calls `migrate` before it listens.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The part of a pg Pool that migrations need (kept structural: telemetry does not depend on pg). */
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
