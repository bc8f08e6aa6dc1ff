// The transactional outbox. A service writes the event into its own `outbox` table in the same
// transaction as the change the event describes (a settled bet, a registered player), so there is
// never a change without its event or an event without its change. The relay publishes the rows to
// Kafka in id order and marks them published: at least once (a crash between the send and the mark
// sends again; consumers deduplicate by event id), in order per key (one relay at a time holds an
// advisory lock, and the producer keeps one request in flight). While Kafka is down rows wait.
import type { Pool, PoolClient } from 'pg';
import type { Producer } from 'kafkajs';
import type { Logger, ServiceMetrics } from '@gameday/telemetry';
import type { Migration } from '@gameday/platform';
import type { EventEnvelope } from './events';
import { EVENTS_TOPIC } from './events';
import { createProducer, kafkaClient } from './kafka';

/** The outbox table; a service adds it to its migrations under its own version number. */
export function outboxMigration(version: number): Migration {
  return {
    version,
    name: 'create the outbox',
    sql: `
      CREATE TABLE outbox (
        id           bigserial PRIMARY KEY,
        event_id     uuid NOT NULL UNIQUE,
        topic        text NOT NULL,
        key          text NOT NULL,
        payload      jsonb NOT NULL,
        headers      jsonb NOT NULL DEFAULT '{}',
        created_at   timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      );
      CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
    `,
  };
}

/** The INSERT of one event, to run inside the caller's transaction. */
export function outboxInsert(event: EventEnvelope, traceparent?: string, topic = EVENTS_TOPIC) {
  return {
    text: 'INSERT INTO outbox (event_id, topic, key, payload, headers) VALUES ($1, $2, $3, $4, $5)',
    values: [
      event.id,
      topic,
      event.player_id,
      JSON.stringify(event),
      JSON.stringify(traceparent ? { traceparent } : {}),
    ],
  };
}

export interface RelayOptions {
  pool: Pool;
  producer: Producer;
  logger: Logger;
  metrics: ServiceMetrics;
  /** pg_advisory_lock key: one relay per database publishes at a time. */
  lockKey: number;
  batchSize?: number;
  /** How long to wait when there is nothing to publish. */
  idleMs?: number;
  /** Published rows older than this are deleted (the table stays small). */
  retainSeconds?: number;
  /**
   * How long to wait at a time for Kafka to take a batch (10 s, at least 100 ms). kafkajs retries a
   * send itself (5 times, with backoff, each attempt up to the request timeout), which can take far
   * longer while a broker is unreachable: each wait that runs out is counted and logged as a failure,
   * and the same batch stays in flight and is waited for again, never sent twice by this relay.
   */
  sendTimeoutMs?: number;
}

/** A batch handed to the producer: its rows, and the send (still retrying while Kafka is away). */
interface InFlight {
  ids: string[];
  sent: Promise<'sent'>;
}

class SendTimeout extends Error {}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private connected = false;
  private readonly published;
  private readonly failures;
  /** The batch handed to the producer and not yet acknowledged; kept across a lost leadership. */
  private inFlight: InFlight | undefined;

  constructor(private readonly o: RelayOptions) {
    this.published = o.metrics.counter({
      name: 'gameday_outbox_published_total',
      help: 'Outbox events published to Kafka.',
    });
    this.failures = o.metrics.counter({
      name: 'gameday_outbox_publish_failures_total',
      help: 'Outbox publish attempts that failed (Kafka unreachable or refusing); the events are retried.',
    });
    const pool = o.pool;
    o.metrics.gauge({
      name: 'gameday_outbox_pending',
      help: 'Outbox events not yet published.',
      async collect() {
        const { rows } = await pool
          .query<{ n: string; age: number | null }>(
            `SELECT count(*) AS n, EXTRACT(EPOCH FROM now() - min(created_at)) AS age FROM outbox WHERE published_at IS NULL`,
          )
          .catch(() => ({ rows: [] as { n: string; age: number | null }[] }));
        if (rows[0]) this.set(Number(rows[0].n));
      },
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    if (this.connected) await this.o.producer.disconnect().catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let client: PoolClient | undefined;
      // The leader keeps its connection (and its session lock) between queries. A connection that
      // breaks meanwhile emits 'error' on the client: without a listener that would crash the
      // process (a game day's PostgreSQL blackhole found it). The next query fails and the loop
      // starts over with a fresh connection; the broken one is destroyed, not pooled.
      let broken: Error | undefined;
      const onError = (err: Error) => {
        broken ??= err;
        this.o.logger.warn('outbox relay: lost its database connection', { error: err.message });
      };
      try {
        client = await this.o.pool.connect();
        client.on('error', onError);
        const { rows } = await client.query<{ leader: boolean }>(
          'SELECT pg_try_advisory_lock($1) AS leader',
          [this.o.lockKey],
        );
        if (!rows[0]?.leader) {
          client.off('error', onError);
          client.release();
          client = undefined;
          await sleep(2000);
          continue;
        }
        await this.publishWhileLeader(client);
      } catch (err) {
        broken ??= err as Error;
        this.o.logger.warn('outbox relay: database unavailable, retrying', { error: (err as Error).message });
        await sleep(1000);
      } finally {
        if (client) {
          if (!broken) {
            await client.query('SELECT pg_advisory_unlock($1)', [this.o.lockKey]).catch(() => undefined);
          }
          client.off('error', onError);
          // release(err) destroys the connection (its session, and the lock with it, ends).
          client.release(broken);
        }
      }
    }
  }

  private async publishWhileLeader(client: PoolClient): Promise<void> {
    let backoff = 200;
    let lastCleanup = 0;
    while (this.running) {
      // Published rows are kept a day for inspection, then deleted (also under constant load).
      if (Date.now() - lastCleanup > 60_000) {
        lastCleanup = Date.now();
        await client.query(`DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)`, [
          this.o.retainSeconds ?? 86_400,
        ]);
      }
      // A batch still in flight (even from before a lost leadership) is waited for, not sent again.
      if (!this.inFlight) {
        const { rows } = await client.query<OutboxRow>(
          `SELECT id, topic, key, payload, headers FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
          [this.o.batchSize ?? 500],
        );
        if (rows.length === 0) {
          await sleep(this.o.idleMs ?? 100);
          continue;
        }
        try {
          if (!this.connected) {
            await this.o.producer.connect();
            this.connected = true;
          }
        } catch (err) {
          backoff = await this.failed(err as Error, rows.length, backoff);
          continue;
        }
        this.inFlight = { ids: rows.map((r) => r.id), sent: this.send(rows) };
      }
      const batch = this.inFlight;
      try {
        await this.withinTimeout(batch.sent);
      } catch (err) {
        // Still sending (Kafka away): wait for the same batch again. Refused: select it afresh.
        const stillSending = err instanceof SendTimeout;
        if (!stillSending) this.inFlight = undefined;
        backoff = await this.failed(err as Error, batch.ids.length, backoff, stillSending);
        continue;
      }
      backoff = 200;
      await client.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [batch.ids]);
      this.published.inc(batch.ids.length);
      this.inFlight = undefined;
    }
  }

  private send(rows: OutboxRow[]): Promise<'sent'> {
    const byTopic = new Map<string, OutboxRow[]>();
    for (const r of rows) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
    const sent = this.o.producer
      .sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, rs]) => ({
          topic,
          messages: rs.map((r) => ({ key: r.key, value: JSON.stringify(r.payload), headers: r.headers })),
        })),
      })
      .then(() => 'sent' as const);
    // Awaited in turns (withinTimeout); a rejection after the relay stopped waiting is not unhandled.
    sent.catch(() => undefined);
    return sent;
  }

  private withinTimeout<T>(p: Promise<T>): Promise<T> {
    const ms = Math.max(100, this.o.sendTimeoutMs ?? 10_000);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SendTimeout(`Kafka has not acknowledged the batch in ${ms} ms`)),
        ms,
      );
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  /** Counts and reports a failed (or not yet acknowledged) publish; returns the next backoff. */
  private async failed(err: Error, batch: number, backoff: number, stillInFlight = false): Promise<number> {
    this.failures.inc();
    this.o.logger.warn('outbox relay: Kafka did not take the events; they wait in the outbox', {
      error: err.message,
      pending_batch: batch,
      ...(stillInFlight ? { still_sending: true } : { retry_in_ms: backoff }),
    });
    if (stillInFlight) return backoff;
    await sleep(backoff);
    return Math.min(backoff * 2, 5000);
  }
}

/** The parts of a telemetry Service the relay wiring uses. */
interface ServiceLike {
  logger: Logger;
  metrics: ServiceMetrics;
  onShutdown(name: string, hook: () => Promise<void> | void): void;
}

/**
 * Starts the outbox relay of a service when KAFKA_BROKERS is set. Without it events wait in the
 * outbox (a warning says so) and are published once a broker is configured.
 */
export function relayOutbox(o: {
  service: ServiceLike;
  pool: Pool;
  brokers: string | undefined;
  lockKey: number;
  clientId: string;
}): OutboxRelay | undefined {
  if (!o.brokers) {
    o.service.logger.warn('KAFKA_BROKERS is not set: events stay in the outbox until a broker is configured');
    return undefined;
  }
  const kafka = kafkaClient(o.brokers, o.clientId, o.service.logger);
  const relay = new OutboxRelay({
    pool: o.pool,
    producer: createProducer(kafka),
    logger: o.service.logger,
    metrics: o.service.metrics,
    lockKey: o.lockKey,
  });
  relay.start();
  o.service.onShutdown('outbox relay', () => relay.stop());
  return relay;
}
