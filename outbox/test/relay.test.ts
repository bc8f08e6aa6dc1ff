// The outbox relay against a real PostgreSQL and a real Kafka broker: events reach Kafka in order
// per key, at least once across a broker outage (nothing is lost; rows wait in the table), one relay
// publishes at a time and another takes over when it goes, and published rows are deleted after the
// retention while unpublished ones never are.
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { createService } from '@gameday/telemetry';
import type { Service } from '@gameday/telemetry';
import { migrate } from '@gameday/platform';
import { eventually, startKafka, startPostgres } from '@gameday/testing';
import type { TestKafka, TestPostgres } from '@gameday/testing';
import { createProducer, kafkaClient, OutboxRelay, outboxInsert, outboxMigration } from '../src';
import type { EventEnvelope } from '../src/events';

jest.setTimeout(180_000);

const LOCK_KEY = 4242;
let pg: TestPostgres;
let kafka: TestKafka;
let service: Service<unknown>;
const relays: OutboxRelay[] = [];
const pools: Pool[] = [];
const consumers: Consumer[] = [];

beforeAll(async () => {
  [pg, kafka] = await Promise.all([startPostgres(), startKafka()]);
  service = createService({ name: 'outbox-test', env: { LOG_LEVEL: 'error' } });
});
afterEach(async () => {
  for (const r of relays.splice(0)) await r.stop();
  for (const c of consumers.splice(0)) await c.disconnect();
});
afterAll(async () => {
  for (const p of pools) await p.end();
  await kafka?.destroy();
  await pg?.destroy();
});

/** A fresh database with the outbox table, and a topic of its own. */
async function setup(partitions = 3): Promise<{ pool: Pool; topic: string }> {
  const name = `outbox_${randomUUID().slice(0, 8)}`;
  await pg.createDatabase(name);
  const pool = new Pool({ connectionString: pg.url(name), max: 4 });
  pools.push(pool);
  await migrate(pool, [outboxMigration(1)], 1);
  const topic = `outbox-test-${name}`;
  await kafka.createTopics([{ topic, partitions }]);
  return { pool, topic };
}

function envelope(player: string, seq: number): EventEnvelope {
  return {
    id: randomUUID(),
    type: 'session.started',
    player_id: player,
    occurred_at: new Date().toISOString(),
    data: { client: `seq-${seq}` },
  } as unknown as EventEnvelope;
}

async function insert(pool: Pool, topic: string, events: EventEnvelope[]): Promise<void> {
  for (const e of events) await pool.query(outboxInsert(e, undefined, topic));
}

/** A relay with metrics of its own (each relay registers its counters). */
function relay(
  pool: Pool,
  options: { retainSeconds?: number } = {},
): OutboxRelay & { own: Service<unknown> } {
  const own = createService({ name: 'outbox-relay', env: { LOG_LEVEL: 'error' } });
  const r = new OutboxRelay({
    pool,
    producer: createProducer(kafkaClient(kafka.brokers, `relay-${randomUUID().slice(0, 8)}`, own.logger)),
    logger: own.logger,
    metrics: own.metrics,
    lockKey: LOCK_KEY,
    idleMs: 50,
    sendTimeoutMs: 2000,
    ...options,
  });
  relays.push(r);
  return Object.assign(r, { own });
}

/** Every message on `topic`, as it arrives, from the beginning. */
async function consume(topic: string): Promise<KafkaMessage[]> {
  const seen: KafkaMessage[] = [];
  const consumer = kafkaClient(kafka.brokers, 'outbox-test-reader', service.logger).consumer({
    groupId: `reader-${randomUUID()}`,
  });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
  return seen;
}

const seqOf = (m: KafkaMessage) =>
  (JSON.parse(m.value!.toString()) as { data: { client: string } }).data.client;
const idOf = (m: KafkaMessage) => (JSON.parse(m.value!.toString()) as { id: string }).id;

async function pending(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL',
  );
  return Number(rows[0]!.n);
}

it('publishes every event in order per key (the key is the player)', async () => {
  const { pool, topic } = await setup();
  const players = [randomUUID(), randomUUID(), randomUUID()];
  const events = Array.from({ length: 120 }, (_, i) => envelope(players[i % 3]!, i));
  await insert(pool, topic, events);
  const seen = await consume(topic);
  relay(pool).start();
  await eventually(() => (seen.length >= events.length ? true : undefined), {
    timeoutMs: 60_000,
    what: `all ${events.length} events on ${topic}`,
  });
  for (const player of players) {
    const sent = events.filter((e) => e.player_id === player).map((e) => e.data.client);
    const got = seen.filter((m) => m.key!.toString() === player).map(seqOf);
    expect(got).toEqual(sent);
  }
  expect(await pending(pool)).toBe(0);
});

it('loses nothing while the broker is down: events wait in the table and go out when it is back', async () => {
  const { pool, topic } = await setup();
  const player = randomUUID();
  const seen = await consume(topic);
  const r = relay(pool);
  r.start();
  await insert(pool, topic, [envelope(player, 0)]);
  await eventually(() => (seen.length === 1 ? true : undefined), {
    timeoutMs: 30_000,
    what: 'the first event',
  });

  await kafka.kill();
  const during = Array.from({ length: 20 }, (_, i) => envelope(player, i + 1));
  try {
    await insert(pool, topic, during);
    // The relay tries, says Kafka has not taken the batch (counted) and keeps the rows: nothing is
    // marked published without the broker.
    await eventually(
      async () => {
        const failures = r.own.metrics.registry.getSingleMetric('gameday_outbox_publish_failures_total')!;
        return ((await failures.get()).values[0]?.value ?? 0) > 0 ? true : undefined;
      },
      { timeoutMs: 60_000, what: 'a failed publish attempt while the broker is down' },
    );
    expect(await pending(pool)).toBe(during.length);
  } finally {
    await kafka.start();
  }
  await eventually(() => (seen.length >= 1 + during.length ? true : undefined), {
    timeoutMs: 90_000,
    what: 'the events written during the outage',
  });
  // At least once: every event arrived, in order (a resend after a lost acknowledgement may repeat one).
  const ids = seen.map(idOf);
  for (const e of during) expect(ids).toContain(e.id);
  const order = [...new Set(seen.map(seqOf))];
  expect(order).toEqual(['seq-0', ...during.map((e) => e.data.client)]);
  expect(await pending(pool)).toBe(0);
});

it('publishes from one relay at a time, and another takes over when the leader goes', async () => {
  const { pool, topic } = await setup();
  const player = randomUUID();
  const seen = await consume(topic);
  const first = relay(pool);
  const second = relay(pool);
  first.start();
  await insert(pool, topic, [envelope(player, 0)]);
  await eventually(() => (seen.length === 1 ? true : undefined), {
    timeoutMs: 30_000,
    what: 'the first event',
  });
  second.start();
  const holders = async () =>
    Number(
      (
        await pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [LOCK_KEY],
        )
      ).rows[0]!.n,
    );
  expect(await holders()).toBe(1);

  // The leader's connection dies (as in a failover or a killed backend): its lock goes with it.
  await pool.query(
    `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [LOCK_KEY],
  );
  await first.stop();
  const after = Array.from({ length: 10 }, (_, i) => envelope(player, i + 1));
  await insert(pool, topic, after);
  await eventually(() => (seen.length >= 11 ? true : undefined), {
    timeoutMs: 30_000,
    what: 'the events written after the leader went, published by the other relay',
  });
  expect([...new Set(seen.map(seqOf))]).toEqual(['seq-0', ...after.map((e) => e.data.client)]);
  expect(await holders()).toBe(1);
});

it('deletes published rows after the retention and never an unpublished one', async () => {
  const { pool, topic } = await setup();
  const player = randomUUID();
  const old = [envelope(player, 0), envelope(player, 1)];
  await insert(pool, topic, old);
  await pool.query("UPDATE outbox SET published_at = now() - interval '2 days'");
  const recent = envelope(player, 2);
  await insert(pool, topic, [recent]);
  await pool.query("UPDATE outbox SET published_at = now() - interval '1 hour' WHERE event_id = $1", [
    recent.id,
  ]);
  // Unpublished and two days old: waiting for a broker, never deleted.
  const waiting = envelope(player, 3);
  await insert(pool, topic, [waiting]);
  await pool.query("UPDATE outbox SET created_at = now() - interval '2 days' WHERE event_id = $1", [
    waiting.id,
  ]);

  relay(pool, { retainSeconds: 86_400 }).start();
  const left = await eventually(
    async () => {
      const { rows } = await pool.query<{ event_id: string }>('SELECT event_id FROM outbox ORDER BY id');
      return rows.length === 2 ? rows.map((r) => r.event_id) : undefined;
    },
    { timeoutMs: 30_000, what: 'the two-day-old published rows deleted' },
  );
  expect(left).toEqual([recent.id, waiting.id]);
  await eventually(async () => ((await pending(pool)) === 0 ? true : undefined), {
    timeoutMs: 30_000,
    what: 'the waiting event published',
  });
});
