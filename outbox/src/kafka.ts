// Kafka clients as every gameday service makes them: brokers from KAFKA_BROKERS, kafkajs logs into
// the service's logger, and a producer that is idempotent with acks=all (nothing acknowledged is lost,
// retries do not duplicate within a producer session).
import { Kafka, logLevel } from 'kafkajs';
import type { Admin, Producer, LogEntry } from 'kafkajs';
import type { Logger } from '@gameday/telemetry';

export function kafkaClient(brokers: string, clientId: string, logger: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    // kafkajs retries inside each call; callers decide what an exhausted retry means.
    retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const fields = { component: 'kafkajs', ...extra };
        if (level <= logLevel.ERROR) logger.warn(String(message), fields);
        else if (level === logLevel.WARN) logger.info(String(message), fields);
        else logger.debug(String(message), fields);
      },
  });
}

/** Idempotent, acks=all, one request in flight per broker: order is kept per partition through retries. */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
}

/** Creates the topics that are missing; adds partitions to one that has fewer than wanted. */
export async function ensureTopics(
  admin: Admin,
  topics: readonly { topic: string; partitions: number }[],
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.partitions, replicationFactor: 1 })),
      waitForLeaders: true,
    });
  }
  const present = topics.filter((t) => existing.has(t.topic));
  if (present.length > 0) {
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics: present.map((t) => t.topic) });
    const grow = present.filter(
      (t) => (metadata.find((m) => m.name === t.topic)?.partitions.length ?? t.partitions) < t.partitions,
    );
    if (grow.length > 0) {
      await admin.createPartitions({
        topicPartitions: grow.map((t) => ({ topic: t.topic, count: t.partitions })),
      });
    }
  }
  return missing.map((t) => t.topic);
}
