export * from './events';
export { outboxMigration, outboxInsert, OutboxRelay, relayOutbox } from './outbox';
export type { RelayOptions } from './outbox';
export { kafkaClient, kafkaSecurity, createProducer, ensureTopics } from './kafka';
