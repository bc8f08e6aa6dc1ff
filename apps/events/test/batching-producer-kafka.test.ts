// The batching producer against a real broker: one player's burst (all one partition) larger than
// the broker's message.max.bytes is acknowledged in full, because no produce request exceeds
// maxBatchBytes; without the bound the broker refuses the record batch.
import { Kafka, logLevel } from 'kafkajs';
import { startKafka } from '@gameday/testing';
import type { TestKafka } from '@gameday/testing';
import { createProducer } from '@gameday/outbox';
import { BatchingProducer } from '../src/data-access/batching-producer';

const TOPIC = 'batching-test';
let kafka: TestKafka;
let client: Kafka;

beforeAll(async () => {
  kafka = await startKafka();
  await kafka.createTopics([{ topic: TOPIC, partitions: 3 }]);
  client = new Kafka({
    clientId: 'batching-test',
    brokers: [kafka.brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 50 },
  });
}, 120_000);

afterAll(async () => {
  await kafka?.destroy();
});

async function messagesInTopic(): Promise<number> {
  const admin = client.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** 40 POSTs of 100 events, ~400 bytes each, for one player: ~1.6 MB for one partition. */
function burst(player: string) {
  return Array.from({ length: 40 }, (_, i) =>
    Array.from({ length: 100 }, (_, j) => ({
      key: player,
      value: JSON.stringify({ id: `${i}-${j}`, type: 'session.started', data: { pad: 'x'.repeat(360) } }),
    })),
  );
}

it('acknowledges a single-partition burst larger than message.max.bytes, in requests under the bound', async () => {
  const producer = createProducer(client);
  // A long linger: the whole burst is queued before the first request goes.
  const batching = new BatchingProducer(producer, TOPIC, { timeoutMs: 20_000, lingerMs: 200 });
  const before = await messagesInTopic();
  try {
    await Promise.all(burst('player-a').map((messages) => batching.send(messages)));
  } finally {
    await batching.close();
  }
  expect((await messagesInTopic()) - before).toBe(4000);
});

it('is refused by the broker without the byte bound (the bound is what makes the test above pass)', async () => {
  const producer = createProducer(client);
  const batching = new BatchingProducer(producer, TOPIC, {
    timeoutMs: 20_000,
    lingerMs: 200,
    maxBatchBytes: Number.POSITIVE_INFINITY,
  });
  try {
    const results = await Promise.allSettled(burst('player-b').map((messages) => batching.send(messages)));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/larger than the max message size/);
  } finally {
    await batching.close();
  }
});
