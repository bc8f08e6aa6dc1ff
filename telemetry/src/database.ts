// Database pool telemetry without depending on pg: pool gauges for the saturation alert and a
// readiness check. Accepts anything shaped like a pg.Pool.
import type { Service } from './service';

export interface PoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options: { max?: number };
  query(text: string): Promise<unknown>;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'acquire', listener: (client: ClientLike) => void): unknown;
  on(event: 'release', listener: (err: Error | undefined, client: ClientLike) => void): unknown;
  end(): Promise<void>;
}

/** The part of a pg.PoolClient the pool hooks use. */
export interface ClientLike {
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeListener(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * Makes a pool part of the service: exposes `gameday_db_pool_connections{state}` and
 * `gameday_db_pool_max`, registers a readiness check named after the dependency (`SELECT 1` under
 * the check's timeout), logs a broken idle connection instead of crashing (PostgreSQL restarted),
 * and closes the pool at shutdown.
 */
export function instrumentPool(service: Service<unknown>, pool: PoolLike, dependency = 'postgres'): void {
  pool.on('error', (err) =>
    service.logger.warn('idle database connection failed', { error: err.message, dependency }),
  );
  // pg-pool listens for errors on idle connections only. A checked-out connection that breaks
  // between two queries (a network partition ending, PostgreSQL restarting) emits 'error' with no
  // listener, which would crash the process: a game day's PostgreSQL blackhole did exactly that.
  // Logged instead; the next query on it fails, and the pool discards it when it is released.
  const checkedOut = (err: Error) =>
    service.logger.warn('database connection in use failed', { error: err.message, dependency });
  pool.on('acquire', (client) => client.on('error', checkedOut));
  pool.on('release', (_err, client) => client.removeListener('error', checkedOut));
  service.onShutdown('database pool', () => pool.end());
  service.metrics.gauge({
    name: 'gameday_db_pool_connections',
    help: 'Connections in the database pool by state (total, idle, waiting = queued clients).',
    labelNames: ['state'],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
  service.metrics.gauge({
    name: 'gameday_db_pool_max',
    help: 'Maximum size of the database pool.',
    collect() {
      this.set(pool.options.max ?? 10);
    },
  });
  service.health.register(dependency, () => pool.query('SELECT 1'), 1000);
}
