import { z } from '@gameday/telemetry';

/** Environment variables of the events service (validated at start; a bad value fails fast naming it). */
export const eventsConfig = z.object({
  /** Comma-separated host:port list of the Kafka brokers. */
  // eslint-disable-next-line security/detect-unsafe-regex -- linear: the parts are separated by ',' and ':', and it reads the service's environment
  KAFKA_BROKERS: z.string().regex(/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/, 'must be host:port[,host:port...]'),
  /** Most events in one POST. */
  EVENTS_MAX_BATCH: z.coerce.number().int().min(1).max(1000).default(100),
  /** Sustained events per second per player, and the burst above it. */
  EVENTS_PLAYER_RATE: z.coerce.number().int().min(1).max(1_000_000).default(50),
  EVENTS_PLAYER_BURST: z.coerce.number().int().min(1).max(1_000_000).default(500),
  /** Sustained events per second for the whole service (protects Kafka), and its burst. */
  EVENTS_GLOBAL_RATE: z.coerce.number().int().min(1).max(10_000_000).default(50_000),
  EVENTS_GLOBAL_BURST: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
  /** How far in the past and the future an event's occurred_at may be. */
  EVENTS_MAX_AGE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .default(86_400),
  EVENTS_MAX_FUTURE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /**
   * How long a produce may wait for Kafka's acknowledgement before the client gets a 503 with
   * Retry-After. Timeouts shrink downstream: this is under the gateway's UPSTREAM_TIMEOUT_MS (5 s),
   * so with Kafka down the player gets this service's 503 (counted in its SLO), not a gateway 504.
   */
  EVENTS_PRODUCE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  /**
   * How long a produce batch may wait for more events after its oldest one arrived (Kafka's
   * linger.ms, whose default is 5 ms since Kafka 4.0): fewer, larger produce requests for a little
   * latency. 0 sends at once.
   */
  EVENTS_PRODUCE_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(5),
});
export type EventsConfig = z.infer<typeof eventsConfig>;
