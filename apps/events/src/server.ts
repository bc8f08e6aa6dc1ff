// Wires the events service: configuration, the Kafka producer, rate limits, the route.
import { createService } from '@gameday/telemetry';
import { installFaultSwitches } from '@gameday/platform';
import type { Service } from '@gameday/telemetry';
import { createProducer, EVENTS_TOPIC, kafkaClient } from '@gameday/outbox';
import { eventsConfig } from './config';
import type { EventsConfig } from './config';
import { BatchingProducer } from './data-access/batching-producer';
import { KeyedBuckets, TokenBucket } from './domain/token-bucket';
import { eventRoutes } from './entry-points/http';

export interface EventsServer {
  service: Service<EventsConfig>;
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<EventsServer> {
  // Batches of 100 events are ~30 KB: above the default body limit of some proxies, not of ours.
  const service = createService({ name: 'events', config: eventsConfig, env });
  const { config, logger, metrics } = service;
  // Before any route: the chaos harness's fault switches (only with CHAOS_FAULTS_TOKEN).
  installFaultSwitches(service);

  const kafka = kafkaClient(config.KAFKA_BROKERS, 'gameday-events', logger);
  const producer = new BatchingProducer(createProducer(kafka), EVENTS_TOPIC, {
    timeoutMs: config.EVENTS_PRODUCE_TIMEOUT_MS,
    lingerMs: config.EVENTS_PRODUCE_LINGER_MS,
  });
  service.onShutdown('kafka producer', () => producer.close());

  const admin = kafka.admin();
  let adminConnected: Promise<void> | undefined;
  service.health.register(
    'kafka',
    async () => {
      adminConnected ??= admin.connect().catch((err: unknown) => {
        adminConnected = undefined;
        throw err;
      });
      await adminConnected;
      await admin.fetchTopicMetadata({ topics: [EVENTS_TOPIC] });
    },
    2000,
  );
  service.onShutdown('kafka admin', () => admin.disconnect());

  const ingested = metrics.counter({
    name: 'gameday_events_ingested_total',
    help: 'Events acknowledged by Kafka, by type (client events together as "client").',
    labelNames: ['type'],
  });
  const rejected = metrics.counter({
    name: 'gameday_events_rejected_total',
    help: 'Events refused, by reason: invalid (400/403), rate_limited (429), unavailable (Kafka down: 503).',
    labelNames: ['reason'],
  });
  for (const reason of ['invalid', 'rate_limited', 'unavailable']) rejected.inc({ reason }, 0);

  eventRoutes(service.app, {
    producer,
    limits: {
      maxBatch: config.EVENTS_MAX_BATCH,
      maxAgeSeconds: config.EVENTS_MAX_AGE_SECONDS,
      maxFutureSeconds: config.EVENTS_MAX_FUTURE_SECONDS,
    },
    players: new KeyedBuckets(config.EVENTS_PLAYER_RATE, config.EVENTS_PLAYER_BURST),
    global: new TokenBucket(config.EVENTS_GLOBAL_RATE, config.EVENTS_GLOBAL_BURST),
    ingested,
    rejected,
  });
  const { url, port } = await service.listen();
  return { service, url, port, stop: () => service.stop() };
}
