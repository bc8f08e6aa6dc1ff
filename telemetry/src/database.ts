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
  end(): Promise<void>;
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
