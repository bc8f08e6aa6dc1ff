// Kafka clients as every gameday service makes them: brokers from KAFKA_BROKERS, kafkajs logs into
// the service's logger, and a producer that is idempotent with acks=all (nothing acknowledged is lost,
// retries do not duplicate within a producer session).
import { Kafka, logLevel } from 'kafkajs';
import type { Admin, KafkaConfig, LogEntry, Producer, SASLOptions } from 'kafkajs';
import type { Logger } from '@gameday/telemetry';

/**
 * How a service authenticates to the brokers, from the environment: nothing locally; on Amazon MSK
 * TLS and SASL/SCRAM (KAFKA_TLS=true, KAFKA_SASL_MECHANISM=scram-sha-512, KAFKA_SASL_USERNAME,
 * KAFKA_SASL_PASSWORD). A partial setting fails naming the variable that is missing or wrong.
 */
export function kafkaSecurity(
  env: Readonly<Record<string, string | undefined>>,
): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const tls = env.KAFKA_TLS;
  if (tls !== undefined && !['true', 'false'].includes(tls)) {
    throw new Error(`KAFKA_TLS must be true or false (got ${JSON.stringify(tls)})`);
  }
  const mechanism = env.KAFKA_SASL_MECHANISM;
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = tls === 'true' ? { ssl: true } : {};
  if (mechanism === undefined || mechanism === '') {
    for (const v of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (env[v])
        throw new Error(`${v} is set but KAFKA_SASL_MECHANISM is not (scram-sha-256 or scram-sha-512)`);
    }
    return out;
  }
  if (mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') {
    throw new Error(
      `KAFKA_SASL_MECHANISM must be scram-sha-256 or scram-sha-512 (got ${JSON.stringify(mechanism)})`,
    );
  }
  const username = env.KAFKA_SASL_USERNAME;
  const password = env.KAFKA_SASL_PASSWORD;
  if (!username) throw new Error(`KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM=${mechanism}`);
  if (!password) throw new Error(`KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM=${mechanism}`);
  const sasl: SASLOptions =
    mechanism === 'scram-sha-256'
      ? { mechanism: 'scram-sha-256', username, password }
      : { mechanism: 'scram-sha-512', username, password };
  return { ...out, sasl };
}

export function kafkaClient(
  brokers: string,
  clientId: string,
  logger: Logger,
  security: Pick<KafkaConfig, 'ssl' | 'sasl'> = kafkaSecurity(process.env),
): Kafka {
  return new Kafka({
    clientId,
    ...security,
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
