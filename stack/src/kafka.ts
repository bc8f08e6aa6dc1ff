// Kafka for the local stack: a single KRaft node (broker and controller in one JVM) on 9092, its
// controller on 9098, data in <GAMEDAY_HOME>/kafka, from the jars scripts/kafka.mjs fetches from
// Maven Central once. scripts/kafka.mjs also writes its configuration and formats the storage (the
// tests' broker, testing/src/kafka.ts, uses the same launcher: kafka-launcher.ts). With KAFKA_BROKERS set, the stack starts no
// broker and services use that cluster.

import { createServer } from 'node:net';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Command, ComponentSpec, StackContext } from './component';
import { proxiedAddress } from './toxiproxy';
import { ensureTopics } from '@gameday/outbox';
import { prepareKafkaBroker } from './kafka-launcher';
import type { BrokerCommand } from './kafka-launcher';

/** The topics the stack creates (idempotently) once the broker is ready. */
export const KAFKA_TOPICS: readonly { topic: string; partitions: number }[] = [
  { topic: 'gameday.events', partitions: 6 },
  { topic: 'gameday.events.dlq', partitions: 1 },
];

export const kafkaDefaultPort = 9092;
/** The KRaft controller listener: 9098 (9093 is Alertmanager's), moved with the broker's port. */
export const kafkaControllerDefaultPort = 9098;

/** KAFKA_BROKERS for the services: the external cluster when set, else the stack's broker. */
export function kafkaBrokers(ctx: StackContext): string {
  // Through Toxiproxy when it runs: the broker advertises the proxy's port, so every connection
  // (bootstrap and partition leader) crosses it and network faults reach Kafka traffic too.
  return ctx.env.KAFKA_BROKERS || proxiedAddress(ctx, 'kafka');
}

/** GAMEDAY_KAFKA_CONTROLLER_PORT, else as far from the broker's port as 9098 is from 9092. */
export function kafkaControllerPort(ctx: StackContext): number {
  const raw = ctx.env.GAMEDAY_KAFKA_CONTROLLER_PORT;
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      throw new Error(`GAMEDAY_KAFKA_CONTROLLER_PORT=${JSON.stringify(raw)} is not a port (1-65535).`);
    }
    return n;
  }
  return ctx.port('kafka') + (kafkaControllerDefaultPort - kafkaDefaultPort);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

export function kafka(): ComponentSpec {
  const dir = (ctx: StackContext) => join(ctx.home, 'kafka');
  let broker: BrokerCommand | undefined;
  return {
    name: 'kafka',
    kind: 'infra',
    description: `single-node Kafka (KRaft): ${KAFKA_TOPICS.map((t) => t.topic).join(', ')}`,
    defaultPort: kafkaDefaultPort,
    dependsOn: ['toxiproxy'],
    skip: (ctx) => (ctx.env.KAFKA_BROKERS ? 'KAFKA_BROKERS is set: services use that cluster' : undefined),
    async prepare(ctx) {
      const controller = kafkaControllerPort(ctx);
      if (!(await portFree(controller))) {
        throw new Error(
          `port ${controller} (the Kafka controller) is already in use. Stop whatever listens there ` +
            `(ss -ltnp 'sport = :${controller}') or move it: GAMEDAY_KAFKA_CONTROLLER_PORT=<port>.`,
        );
      }
      broker = await prepareKafkaBroker({
        root: ctx.root,
        dir: dir(ctx),
        port: ctx.port('kafka'),
        controllerPort: controller,
        advertisedPort: Number(proxiedAddress(ctx, 'kafka').split(':')[1]),
        progress: (line) => ctx.progress(line),
      });
    },
    command(ctx): Command {
      if (!broker) throw new Error('kafka: command() before prepare()');
      return { command: broker.command, args: broker.args, cwd: dir(ctx) };
    },
    readiness: (ctx) => ({
      kind: 'custom',
      describe: `kafkajs admin on ${kafkaBrokers(ctx)}, topics ${KAFKA_TOPICS.map((t) => t.topic).join(', ')}`,
      check: async () => {
        const admin = new Kafka({
          clientId: 'gameday-stack',
          brokers: [kafkaBrokers(ctx)],
          connectionTimeout: 2_000,
          requestTimeout: 10_000,
          logLevel: logLevel.NOTHING,
        }).admin({ retry: { retries: 0 } });
        try {
          await admin.connect();
          const created = await ensureTopics(admin, KAFKA_TOPICS);
          if (created.length > 0) ctx.progress(`kafka: created topics ${created.join(', ')}`);
        } finally {
          await admin.disconnect().catch(() => undefined);
        }
      },
    }),
    displayUrl: (ctx) => `kafka://${kafkaBrokers(ctx)}`,
    // SIGTERM is Kafka's controlled shutdown: flush, close the logs cleanly (no recovery next start).
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 30_000,
    shutdownPhase: 3,
    // The first start of the JVM on two busy cores, and a restart after a crash (log recovery and the
    // old registration's session to expire) take a while.
    readyTimeoutMs: 90_000,
    hint: (ctx) =>
      `look at ${join(ctx.home, 'logs', 'kafka.log')}. Is Java installed (java -version; apt-get install ` +
      `openjdk-17-jre-headless)? If the data directory is damaged, delete ${dir(ctx)} (local data only). ` +
      `To use another Kafka, set KAFKA_BROKERS=host:port.`,
  };
}
