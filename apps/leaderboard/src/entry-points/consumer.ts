// The Kafka consumer: one group for all replicas; each batch is parsed, poison messages go to the
// dead-letter topic with their reason, the rest is applied to the read models in one transaction,
// and only then are the offsets committed (kafkajs commits resolved offsets after the batch). A
// crash before the commit redelivers the batch; the processed-event ids make that harmless.
import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DEAD_LETTER_TOPIC, envelopeSchema, EVENTS_TOPIC } from '@gameday/outbox';
import type { EventEnvelope } from '@gameday/outbox';
import type { Logger, ServiceMetrics } from '@gameday/telemetry';
import type { PgReadModels } from '../data-access/read-models';

const tracer = trace.getTracer('gameday-leaderboard');

export interface ConsumerOptions {
  kafka: Kafka;
  groupId: string;
  readModels: PgReadModels;
  dlq: Producer;
  logger: Logger;
  metrics: ServiceMetrics;
  lagIntervalMs: number;
  /** Where a group without committed offsets starts. */
  fromBeginning: boolean;
}

export class EventConsumer {
  private consumer: Consumer | undefined;
  private lagTimer: NodeJS.Timeout | undefined;
  private readonly admin;
  private readonly processed;
  private readonly deadLettered;
  private readonly freshness;
  private readonly lag;
  running = false;

  constructor(private readonly o: ConsumerOptions) {
    this.admin = o.kafka.admin();
    this.processed = o.metrics.counter({
      name: 'gameday_leaderboard_events_processed_total',
      help: 'Events consumed, by type ("client" for client events) and result: applied, or duplicate (seen before).',
      labelNames: ['type', 'result'],
    });
    this.deadLettered = o.metrics.counter({
      name: 'gameday_leaderboard_dead_lettered_total',
      help: 'Messages sent to the dead-letter topic, by reason (not-json, invalid).',
      labelNames: ['reason'],
    });
    for (const reason of ['not-json', 'invalid']) this.deadLettered.inc({ reason }, 0);
    this.freshness = o.metrics.histogram({
      name: 'gameday_leaderboard_event_freshness_seconds',
      help: 'From an event reaching Kafka to its effect being visible in the leaderboard.',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    });
    this.lag = o.metrics.gauge({
      name: 'gameday_consumer_lag',
      help: 'Messages in the partition not yet committed by the consumer group.',
      labelNames: ['topic', 'partition', 'group'],
    });
  }

  async start(): Promise<void> {
    const consumer = this.o.kafka.consumer({
      groupId: this.o.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (e) => {
      this.o.logger.warn('consumer crashed; kafkajs restarts it', {
        error: String(e.payload.error),
        restart: e.payload.restart,
      });
    });
    await consumer.connect();
    await this.o.dlq.connect();
    await consumer.subscribe({ topic: EVENTS_TOPIC, fromBeginning: this.o.fromBeginning });
    await consumer.run({
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, heartbeat }) => {
        await this.handle(batch.topic, batch.partition, batch.messages);
        await heartbeat();
      },
    });
    this.running = true;
    this.lagTimer = setInterval(
      () =>
        void this.measureLag().catch((err: unknown) =>
          this.o.logger.debug('could not measure consumer lag', { error: String(err) }),
        ),
      this.o.lagIntervalMs,
    );
    this.lagTimer.unref();
  }

  private async handle(topic: string, partition: number, messages: KafkaMessage[]): Promise<void> {
    const valid: { event: EventEnvelope; message: KafkaMessage }[] = [];
    const poison: { message: KafkaMessage; reason: 'not-json' | 'invalid'; detail: string }[] = [];
    for (const message of messages) {
      let json: unknown;
      try {
        json = JSON.parse(message.value?.toString('utf8') ?? '');
      } catch (err) {
        poison.push({ message, reason: 'not-json', detail: (err as Error).message });
        continue;
      }
      const parsed = envelopeSchema.safeParse(json);
      if (!parsed.success) {
        const detail = parsed.error.issues
          .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
          .join('; ');
        poison.push({ message, reason: 'invalid', detail });
      } else {
        valid.push({ event: parsed.data as EventEnvelope, message });
      }
    }
    if (poison.length > 0) {
      await this.o.dlq.send({
        topic: DEAD_LETTER_TOPIC,
        acks: -1,
        messages: poison.map((p) => ({
          key: p.message.key,
          value: p.message.value,
          headers: {
            'dlq-reason': p.reason,
            'dlq-detail': p.detail.slice(0, 1000),
            'original-topic': topic,
            'original-partition': String(partition),
            'original-offset': p.message.offset,
          },
        })),
      });
      for (const p of poison) {
        this.deadLettered.inc({ reason: p.reason });
        this.o.logger.warn('dead-lettered a message', {
          reason: p.reason,
          detail: p.detail,
          partition,
          offset: p.message.offset,
        });
      }
    }
    const started = Date.now();
    const applied = new Set((await this.o.readModels.apply(valid.map((v) => v.event))).map((e) => e.id));
    const now = Date.now();
    for (const { event, message } of valid) {
      const type = event.type.startsWith('client.') ? 'client' : event.type;
      this.processed.inc({ type, result: applied.has(event.id) ? 'applied' : 'duplicate' });
      this.freshness.observe(Math.max(0, (now - Number(message.timestamp)) / 1000));
      this.traceUpdate(event, message, started, now, applied.has(event.id));
    }
  }

  /**
   * The update is a span in the trace of the event that caused it (the bet, carried in the message's
   * traceparent), for sampled traces only.
   */
  private traceUpdate(
    event: EventEnvelope,
    message: KafkaMessage,
    start: number,
    end: number,
    applied: boolean,
  ): void {
    const header = message.headers?.traceparent;
    if (!header) return;
    const carrier = { traceparent: header.toString() };
    const parent = propagation.extract(ROOT_CONTEXT, carrier);
    const spanContext = trace.getSpanContext(parent);
    if (!spanContext || (spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return;
    context.with(parent, () => {
      const span = tracer.startSpan(`leaderboard update ${event.type}`, {
        startTime: start,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': EVENTS_TOPIC,
          'messaging.kafka.offset': Number(message.offset),
          'gameday.event.id': event.id,
          'gameday.event.type': event.type,
          'gameday.event.duplicate': !applied,
        },
      });
      span.end(end);
    });
  }

  private async measureLag(): Promise<void> {
    await this.admin.connect();
    const [latest, committed] = await Promise.all([
      this.admin.fetchTopicOffsets(EVENTS_TOPIC),
      this.admin.fetchOffsets({ groupId: this.o.groupId, topics: [EVENTS_TOPIC] }),
    ]);
    const done = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    for (const p of latest) {
      const high = Number(p.high);
      const at = done.get(p.partition) ?? -1;
      const lag = at < 0 ? high - Number(p.low) : Math.max(0, high - at);
      this.lag.set({ topic: EVENTS_TOPIC, partition: String(p.partition), group: this.o.groupId }, lag);
    }
  }

  async stop(): Promise<void> {
    if (this.lagTimer) clearInterval(this.lagTimer);
    await this.consumer?.disconnect().catch(() => undefined);
    await this.o.dlq.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    this.running = false;
  }
}
