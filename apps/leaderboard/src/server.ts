// Wires the leaderboard: database and migrations, the Kafka consumer group, the read API.
import { createService } from '@gameday/telemetry';
import { installFaultSwitches, openDatabase } from '@gameday/platform';
import type { Service } from '@gameday/telemetry';
import { kafkaClient } from '@gameday/outbox';
import { leaderboardConfig } from './config';
import type { LeaderboardConfig } from './config';
import { MIGRATIONS, MIGRATION_LOCK_KEY } from './data-access/migrations';
import { PgReadModels } from './data-access/read-models';
import { EventConsumer } from './entry-points/consumer';
import { leaderboardRoutes } from './entry-points/http';

export interface LeaderboardServer {
  service: Service<LeaderboardConfig>;
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<LeaderboardServer> {
  const service = createService({ name: 'leaderboard', config: leaderboardConfig, env });
  const { config, logger, metrics } = service;
  // Before any route: the chaos harness's fault switches (only with CHAOS_FAULTS_TOKEN).
  installFaultSwitches(service);
  const pool = await openDatabase(service, {
    url: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    migrations: MIGRATIONS,
    lockKey: MIGRATION_LOCK_KEY,
  });

  const models = new PgReadModels(pool);
  const kafka = kafkaClient(config.KAFKA_BROKERS, 'gameday-leaderboard', logger);
  const consumer = new EventConsumer({
    kafka,
    groupId: config.LEADERBOARD_GROUP_ID,
    readModels: models,
    dlq: kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }),
    logger,
    metrics,
    lagIntervalMs: config.LAG_INTERVAL_SECONDS * 1000,
    fromBeginning: config.LEADERBOARD_NEW_GROUP_FROM === 'earliest',
  });
  service.health.register('kafka-consumer', async () => {
    if (!consumer.running) throw new Error('the consumer has not joined its group yet');
  });
  // Stop consuming before the pool closes (shutdown hooks run in reverse order of registration).
  service.onShutdown('kafka consumer', () => consumer.stop());

  leaderboardRoutes(service.app, models);
  const { url, port } = await service.listen();
  await consumer.start();
  logger.info('consuming', { group: config.LEADERBOARD_GROUP_ID });
  return { service, url, port, stop: () => service.stop() };
}
