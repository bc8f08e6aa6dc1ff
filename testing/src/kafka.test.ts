// The real broker of startKafka (Kafka 3.9, KRaft) with kafkajs, the client the services use: an
// idempotent producer, a consumer group that commits, resumes from its commit, and data that
// survives a crash of the broker. One broker for the whole file.
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { startKafka } from './kafka';
import type { TestKafka } from './kafka';

const topic = 'gameday.test.orders';
let broker: TestKafka;
let kafka: Kafka;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const values = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `m-${String(from + i).padStart(3, '0')}`);

async function produce(batch: string[]): Promise<void> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    // acks=all (-1): every in-sync replica has it; the idempotent producer requires it.
    await producer.send({ topic, acks: -1, messages: batch.map((v) => ({ key: v, value: v })) });
  } finally {
    await producer.disconnect();
  }
}

/**
 * A consumer of `groupId` reads until it has `count` messages, committing each one itself, then
 * keeps polling `quietMs` longer (to see any message it should not get) and leaves the group.
 */
async function consume(groupId: string, count: number, quietMs = 1_500): Promise<string[]> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, sessionTimeout: 10_000 });
  const seen: string[] = [];
  let reached!: () => void;
  const enough = new Promise<void>((r) => (reached = r));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        seen.push(message.value!.toString());
        const next = (BigInt(message.offset) + 1n).toString();
        await consumer.commitOffsets([{ topic, partition, offset: next }]);
        if (seen.length >= count) reached();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`group ${groupId} got ${seen.length} of ${count} messages: ${seen.join(' ')}`)),
        30_000,
      );
    });
    await Promise.race([enough, timeout]).finally(() => clearTimeout(timer));
    await sleep(quietMs);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

async function committed(groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  const began = Date.now();
  broker = await startKafka();
  process.stderr.write(`[kafka.test] broker on ${broker.brokers} ready in ${Date.now() - began} ms\n`);
  kafka = new Kafka({ clientId: 'kafka-test', brokers: [broker.brokers], logLevel: logLevel.NOTHING });
  await broker.createTopics([{ topic, partitions: 3 }]);
  // Idempotent: a second call with the same topics changes nothing.
  await broker.createTopics([{ topic, partitions: 3 }]);
}, 120_000);

afterAll(async () => {
  await broker?.destroy();
});

describe('startKafka', () => {
  it('takes an idempotent acks=all producer, and a consumer group receives and commits every message', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(topics[0]!.partitions).toHaveLength(3);

    await produce(values(0, 30));
    const seen = await consume('orders', 30);
    expect(seen.sort()).toEqual(values(0, 30));
    expect(await committed('orders')).toBe(30);
  });

  it('resumes a group from its committed offsets: a new consumer reads only what came after', async () => {
    await produce(values(30, 40));
    const seen = await consume('orders', 10);
    expect(seen.sort()).toEqual(values(30, 40));
    expect(await committed('orders')).toBe(40);
  });

  it('keeps messages and committed offsets when the broker is killed (SIGKILL) and started again', async () => {
    await broker.kill();
    const began = Date.now();
    await broker.start();
    process.stderr.write(`[kafka.test] broker restarted after SIGKILL in ${Date.now() - began} ms\n`);

    // A new group reads everything produced before the crash.
    const all = await consume('after-crash', 40, 500);
    expect(all.sort()).toEqual(values(0, 40));
    // The old group still has its commits: it gets only what is produced now.
    await produce(values(40, 45));
    const resumed = await consume('orders', 5);
    expect(resumed.sort()).toEqual(values(40, 45));
    expect(await committed('orders')).toBe(45);
  });
});
