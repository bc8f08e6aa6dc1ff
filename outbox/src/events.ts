// The game events that travel through Kafka: one envelope for every type, a data schema per type.
// The events service validates what clients post against these; the outbox relays write them; the
// leaderboard consumer reads them back with the same schemas (and dead-letters what does not parse).
import { z } from '@gameday/telemetry';

/** Every game event, keyed by player id so one player's events stay in order on one partition. */
export const EVENTS_TOPIC = 'gameday.events';
/** Events the consumer could not process, with the reason in a header. */
export const DEAD_LETTER_TOPIC = 'gameday.events.dlq';

const uuid = z.uuid();
const cents = z.number().int().min(0).max(1e13);

/** Client events: `client.<name>` with a small flat object of primitives. */
const clientData = z
  .record(
    z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'keys must be snake_case, at most 40 characters'),
    z.union([z.string().max(200), z.number(), z.boolean(), z.null()]),
  )
  .refine((d) => Object.keys(d).length <= 20, 'at most 20 fields');

export const EVENT_DATA = {
  'bet.settled': z.strictObject({
    round_id: uuid,
    game: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
    stake_cents: cents.min(1),
    payout_cents: cents,
    multiplier: z.number().min(0).max(1e6),
    outcome: z.enum(['win', 'lose', 'push']),
  }),
  // From the pokemon service. Against the AI, the AI's id is the nil UUID; in a draw, winner and
  // loser are simply the two sides. Ratings are each trainer's Glicko-2 rating after a rated battle.
  'battle.finished': z.strictObject({
    battle_id: uuid,
    winner_id: uuid,
    loser_id: uuid,
    turns: z.number().int().min(1).max(10_000),
    format: z
      .string()
      .regex(/^[a-z0-9]{1,40}$/)
      .optional(),
    mode: z.enum(['ai', 'pvp']).optional(),
    rated: z.boolean().optional(),
    draw: z.boolean().optional(),
    winner_rating: z.number().min(0).max(10_000).optional(),
    loser_rating: z.number().min(0).max(10_000).optional(),
  }),
  // From the scheduler: a tournament's result, and a daily challenge a player completed.
  'tournament.finished': z.strictObject({
    tournament_id: uuid,
    name: z.string().min(1).max(60),
    format: z.string().regex(/^[a-z0-9]{1,40}$/),
    kind: z.enum(['single-elimination', 'swiss']),
    winner_id: uuid,
    entrants: z.number().int().min(2).max(64),
    rounds: z.number().int().min(1).max(64),
    battles: z.number().int().min(0).max(10_000),
  }),
  'challenge.completed': z.strictObject({
    day: z.iso.date(),
    challenge: z.string().regex(/^[a-z0-9-]{1,40}$/),
    category: z.string().regex(/^[a-z-]{1,40}$/),
    difficulty: z.enum(['easy', 'medium', 'hard']),
    reward_points: z.number().int().min(0).max(1_000_000),
  }),
  'player.registered': z.strictObject({
    display_name: z.string().min(1).max(64),
  }),
  'session.started': z.strictObject({
    client: z.string().min(1).max(64),
    platform: z.enum(['web', 'ios', 'android', 'desktop']).optional(),
  }),
} as const;

export type ServerEventType = keyof typeof EVENT_DATA;
export const EVENT_TYPES = Object.keys(EVENT_DATA) as ServerEventType[];
const CLIENT_TYPE = /^client\.[a-z][a-z0-9_.]{0,47}$/;

/** Types players may post themselves; the rest come from the services that own the facts. */
export const PLAYER_EVENT_TYPES: readonly string[] = ['session.started'];

export function isKnownType(type: string): boolean {
  // Own keys only: `in` also finds "constructor" or "toString" on Object.prototype (then a 500).
  return Object.hasOwn(EVENT_DATA, type) || CLIENT_TYPE.test(type);
}

export function isClientType(type: string): boolean {
  return CLIENT_TYPE.test(type);
}

/** The envelope as it travels on Kafka (JSON, snake_case). */
export interface EventEnvelope {
  id: string;
  type: string;
  occurred_at: string;
  player_id: string;
  /** Who produced it: a service name, or "player" for what clients posted. */
  source: string;
  data: Record<string, unknown>;
}

export const envelopeSchema = z
  .strictObject({
    id: uuid,
    type: z.string().refine(isKnownType, 'is not a known event type'),
    occurred_at: z.iso.datetime({ offset: true }),
    player_id: uuid,
    source: z.string().min(1).max(32),
    data: z.record(z.string(), z.unknown()),
  })
  .superRefine((e, ctx) => {
    const schema = dataSchema(e.type);
    if (!schema) return;
    const parsed = schema.safeParse(e.data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', path: ['data', ...issue.path.map(String)], message: issue.message });
      }
    }
  });

/** The data schema of a type (client events share one). */
export function dataSchema(type: string): z.ZodType | undefined {
  if (Object.hasOwn(EVENT_DATA, type)) return (EVENT_DATA as Record<string, z.ZodType>)[type];
  return isClientType(type) ? clientData : undefined;
}
