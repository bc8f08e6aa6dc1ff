// The job queues, on pg-boss (PostgreSQL: jobs commit with the database the scheduler already has,
// SKIP LOCKED fetching, retries with exponential backoff, dead-letter queues, cron schedules and
// heartbeats that hand a dead worker's job to another). Every job runs at least once, so every
// handler is idempotent. Each run is a span and is measured: how late it started (the freshness
// SLO), how long it ran, how it ended; queue depths and the age of the oldest due job are read from
// pg-boss on each scrape.
import type { Pool } from 'pg';
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { PgBoss as PgBossType, JobWithMetadata, Queue } from 'pg-boss' with {
  'resolution-mode': 'import',
};
import { backgroundRoot } from '@gameday/telemetry';
import type { Logger, ServiceMetrics } from '@gameday/telemetry';

export const QUEUES = {
  tournamentStart: 'tournament-start',
  tournamentRound: 'tournament-round',
  matchmaking: 'matchmaking-pass',
  challenges: 'daily-challenges',
  retention: 'data-retention',
  fetcherRefresh: 'fetcher-refresh',
  /** Where a job goes when its retries are spent: listed and retried by the admin API. */
  dead: 'dead-jobs',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const WORK_QUEUES = Object.values(QUEUES).filter((q) => q !== QUEUES.dead) as Exclude<
  QueueName,
  'dead-jobs'
>[];

export type Handler = (
  data: Record<string, unknown>,
  job: JobWithMetadata<Record<string, unknown>>,
) => Promise<unknown>;

export interface JobsOptions {
  connectionString: string;
  pool: Pool;
  logger: Logger;
  metrics: ServiceMetrics;
  pollSeconds: number;
  heartbeatSeconds: number;
  superviseSeconds: number;
  retryLimit: number;
  retryDelaySeconds: number;
  retryDelayMaxSeconds: number;
}

const tracer = trace.getTracer('gameday-scheduler');

/** The buckets of the start delay: the freshness SLO counts starts within 30 s of their due time. */
export const START_DELAY_BUCKETS = [0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300, 900];

export class Jobs {
  private constructor(
    readonly boss: PgBossType,
    private readonly o: JobsOptions,
  ) {}

  /** Installs (or migrates) pg-boss's schema, creates the queues and starts supervising. */
  static async start(o: JobsOptions): Promise<Jobs> {
    // pg-boss is an ES module; the services are CommonJS, so it is loaded with import().
    const { PgBoss } = await import('pg-boss');
    const boss = new PgBoss({
      connectionString: o.connectionString,
      max: 4,
      schema: 'pgboss',
      superviseIntervalSeconds: o.superviseSeconds,
      monitorIntervalSeconds: Math.max(1, o.superviseSeconds),
      application_name: 'gameday-scheduler',
    } as ConstructorParameters<typeof PgBoss>[0]);
    boss.on('error', (err: Error) => o.logger.warn('pg-boss reported an error', { error: err.message }));
    await boss.start();
    const jobs = new Jobs(boss, o);
    await jobs.createQueues();
    jobs.registerMetrics();
    return jobs;
  }

  private async createQueues(): Promise<void> {
    const existing = new Set((await this.boss.getQueues()).map((q) => q.name));
    const retries: Omit<Queue, 'name'> = {
      retryLimit: this.o.retryLimit,
      retryDelay: this.o.retryDelaySeconds,
      retryBackoff: true,
      retryDelayMax: this.o.retryDelayMaxSeconds,
      heartbeatSeconds: this.o.heartbeatSeconds,
      deadLetter: QUEUES.dead,
    };
    const wanted: Queue[] = [
      { name: QUEUES.dead, policy: 'standard', retentionSeconds: 30 * 86_400 },
      // One queued and one running job per key at most: a round sent twice is one job.
      { name: QUEUES.tournamentStart, policy: 'stately', ...retries },
      { name: QUEUES.tournamentRound, policy: 'stately', ...retries },
      { name: QUEUES.matchmaking, policy: 'stately', ...retries },
      { name: QUEUES.challenges, policy: 'stately', ...retries },
      { name: QUEUES.retention, policy: 'stately', ...retries },
      { name: QUEUES.fetcherRefresh, policy: 'stately', ...retries },
    ];
    for (const q of wanted) {
      const { name, policy, ...options } = q;
      // A queue's policy is fixed when it is created; its retry and retention settings follow the config.
      if (!existing.has(name)) await this.boss.createQueue(name, { policy, ...options });
      else await this.boss.updateQueue(name, options);
    }
  }

  private registerMetrics(): void {
    const { metrics, pool } = this.o;
    const runs = metrics.counter({
      name: 'gameday_scheduler_jobs_total',
      help: 'Job runs by queue and outcome (completed, failed: a failed run is retried until its retries are spent).',
      labelNames: ['queue', 'outcome'],
    });
    const duration = metrics.histogram({
      name: 'gameday_scheduler_job_duration_seconds',
      help: 'How long a job ran, by queue.',
      labelNames: ['queue'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    });
    const delay = metrics.histogram({
      name: 'gameday_scheduler_job_start_delay_seconds',
      help: 'How late a job started after it was due (its start-after time), by queue: the freshness SLI.',
      labelNames: ['queue'],
      buckets: START_DELAY_BUCKETS,
    });
    for (const queue of WORK_QUEUES) {
      for (const outcome of ['completed', 'failed']) runs.inc({ queue, outcome }, 0);
    }
    const boss = this.boss;
    metrics.gauge({
      name: 'gameday_scheduler_queue_jobs',
      help: 'Jobs per queue by state: ready (due, waiting for a worker), deferred (not due yet), active, failed (retained).',
      labelNames: ['queue', 'state'],
      async collect() {
        const queues = await boss.getQueues().catch(() => []);
        for (const q of queues) {
          this.set({ queue: q.name, state: 'ready' }, q.readyCount ?? 0);
          this.set({ queue: q.name, state: 'deferred' }, q.deferredCount ?? 0);
          this.set({ queue: q.name, state: 'active' }, q.activeCount ?? 0);
          this.set({ queue: q.name, state: 'failed' }, q.failedCount ?? 0);
        }
      },
    });
    metrics.gauge({
      name: 'gameday_scheduler_oldest_due_job_age_seconds',
      help: 'Age of the oldest job that is due and not started, by queue (0 when none waits).',
      labelNames: ['queue'],
      async collect() {
        const { rows } = await pool
          .query<{ name: string; age: number }>(
            `SELECT name, EXTRACT(EPOCH FROM now() - min(start_after))::float8 AS age FROM pgboss.job
             WHERE state IN ('created', 'retry') AND start_after <= now() GROUP BY name`,
          )
          .catch(() => ({ rows: [] as { name: string; age: number }[] }));
        const ages = new Map(rows.map((r) => [r.name, r.age]));
        for (const queue of WORK_QUEUES) this.set({ queue }, Math.max(0, ages.get(queue) ?? 0));
      },
    });
    this.observe = { runs, duration, delay };
  }

  private observe!: {
    runs: { inc(labels: { queue: string; outcome: string }): void };
    duration: { observe(labels: { queue: string }, v: number): void };
    delay: { observe(labels: { queue: string }, v: number): void };
  };

  /** Runs `handler` for each job of `queue` (one at a time per worker), measured and traced. */
  async work(queue: QueueName, handler: Handler): Promise<void> {
    const { logger } = this.o;
    await this.boss.work(
      queue,
      { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: this.o.pollSeconds },
      async (jobs: JobWithMetadata<Record<string, unknown>>[]) => {
        for (const job of jobs) {
          const late = Math.max(0, (Date.now() - new Date(job.startAfter).getTime()) / 1000);
          this.observe.delay.observe({ queue }, late);
          const started = performance.now();
          // A job is a unit of background work: a new trace, kept like a new request's (its ratio).
          await context.with(backgroundRoot(), () =>
            tracer.startActiveSpan(`job ${queue}`, async (span) => {
              span.setAttributes({
                'messaging.system': 'pg-boss',
                'messaging.destination.name': queue,
                'messaging.message.id': job.id,
                'gameday.job.retry_count': job.retryCount,
                'gameday.job.start_delay_seconds': late,
              });
              try {
                await handler(job.data ?? {}, job);
                this.observe.runs.inc({ queue, outcome: 'completed' });
              } catch (err) {
                this.observe.runs.inc({ queue, outcome: 'failed' });
                span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
                logger.warn('job failed; pg-boss retries it with backoff, then dead-letters it', {
                  queue,
                  job_id: job.id,
                  retry_count: job.retryCount,
                  error: (err as Error).message,
                });
                throw err;
              } finally {
                this.observe.duration.observe({ queue }, (performance.now() - started) / 1000);
                span.end();
              }
            }),
          );
        }
      },
    );
  }

  send(queue: QueueName, data: object, options: { startAfter?: Date | number; singletonKey?: string } = {}) {
    return this.boss.send(queue, data, options);
  }

  schedule(queue: QueueName, cron: string) {
    return this.boss.schedule(queue, cron, {}, { tz: 'UTC' });
  }

  /** Jobs whose retries are spent, newest last. */
  dead(limit: number): Promise<JobWithMetadata<Record<string, unknown>>[]> {
    return this.boss.findJobs<Record<string, unknown>>(QUEUES.dead, { limit });
  }

  /** Sends a dead job's data to its original queue again and removes it from the dead-letter queue. */
  async redrive(id: string): Promise<{ queue: string; job_id: string | null } | undefined> {
    const [job] = await this.boss.findJobs<Record<string, unknown>>(QUEUES.dead, { id });
    if (!job) return undefined;
    const queue = (job.sourceName ?? '') as QueueName;
    if (!WORK_QUEUES.includes(queue as never)) return undefined;
    const jobId = await this.boss.send(queue, job.data ?? {});
    // A queue that takes one queued job at a time may refuse it: then the dead job stays, to retry later.
    if (jobId === null) return { queue, job_id: null };
    await this.boss.deleteJob(QUEUES.dead, id);
    return { queue, job_id: jobId };
  }

  queues() {
    return this.boss.getQueues();
  }

  stop(): Promise<void> {
    return this.boss.stop({ graceful: true, timeout: 10_000 });
  }
}
