// Ingestion rules: what a caller may post, how each event is checked and completed, and the rate
// limits. Every event of a request is valid or none is produced; the answer names each bad field.
import { randomUUID } from 'node:crypto';
import { dataSchema, isKnownType, PLAYER_EVENT_TYPES, type EventEnvelope } from '@gameday/outbox';
import { ForbiddenError, TooManyRequestsError, ValidationError, toFieldErrors, z } from '@gameday/telemetry';
import type { FieldError } from '@gameday/telemetry';
import type { PlayerIdentity } from '@gameday/platform';
import type { KeyedBuckets, TokenBucket } from './token-bucket';

/** One event as posted. */
const postedEvent = z.strictObject({
  id: z.uuid('must be a UUID (reuse it when retrying, so the event is counted once)').optional(),
  type: z
    .string()
    .max(64)
    .refine(
      isKnownType,
      'is not a known event type (bet.settled, battle.finished, tournament.finished, challenge.completed, ' +
        'player.registered, session.started, client.<name>)',
    ),
  occurred_at: z.iso
    .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' })
    .optional(),
  player_id: z.uuid().optional(),
  data: z.record(z.string(), z.unknown()).default({}),
});

export interface IngestLimits {
  maxBatch: number;
  maxAgeSeconds: number;
  maxFutureSeconds: number;
}

/** Parses a body that is one event or `{ events: [...] }`, completes ids and times, checks everything. */
export function parseEvents(
  body: unknown,
  who: PlayerIdentity,
  limits: IngestLimits,
  now = new Date(),
): EventEnvelope[] {
  const isBatch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body;
  const items: unknown[] = isBatch ? ((body as { events: unknown }).events as unknown[]) : [body];
  if (!Array.isArray(items)) {
    throw new ValidationError([
      { pointer: '/events', field: 'events', detail: 'must be an array of events' },
    ]);
  }
  if (isBatch && Object.keys(body as object).length > 1) {
    const extra = Object.keys(body as object).filter((k) => k !== 'events');
    throw new ValidationError(
      extra.map((k) => ({ pointer: `/${k}`, field: k, detail: 'is not a known field' })),
    );
  }
  if (items.length === 0 || items.length > limits.maxBatch) {
    throw new ValidationError([
      {
        pointer: '/events',
        field: 'events',
        detail: `must hold 1 to ${limits.maxBatch} events (got ${items.length})`,
      },
    ]);
  }
  const errors: FieldError[] = [];
  const events: EventEnvelope[] = [];
  items.forEach((item, i) => {
    const root = isBatch ? `/events/${i}` : '';
    const parsed = postedEvent.safeParse(item);
    if (!parsed.success) {
      errors.push(...toFieldErrors(parsed.error, root));
      return;
    }
    const e = parsed.data;
    const data = dataSchema(e.type)!.safeParse(e.data);
    if (!data.success) errors.push(...toFieldErrors(data.error, `${root}/data`));
    const at = e.occurred_at ? new Date(e.occurred_at) : now;
    const ageSeconds = (now.getTime() - at.getTime()) / 1000;
    if (ageSeconds > limits.maxAgeSeconds) {
      errors.push({
        pointer: `${root}/occurred_at`,
        field: 'occurred_at',
        detail: `is more than ${limits.maxAgeSeconds} s in the past`,
      });
    } else if (-ageSeconds > limits.maxFutureSeconds) {
      errors.push({
        pointer: `${root}/occurred_at`,
        field: 'occurred_at',
        detail: `is more than ${limits.maxFutureSeconds} s in the future`,
      });
    }
    const own = PLAYER_EVENT_TYPES.includes(e.type) || e.type.startsWith('client.');
    if (!own && who.role !== 'admin') {
      // Bets, battles and registrations are facts other services own: a player cannot claim them.
      throw new ForbiddenError(
        `Players cannot post "${e.type}" events: the service that owns the fact publishes it.`,
      );
    }
    if (e.player_id && e.player_id !== who.playerId && who.role !== 'admin') {
      throw new ForbiddenError('Players post events about themselves only: leave player_id out.');
    }
    events.push({
      id: e.id ?? randomUUID(),
      type: e.type,
      occurred_at: at.toISOString(),
      player_id: e.player_id ?? who.playerId,
      source: who.role === 'admin' ? 'admin' : 'player',
      data: (data.success ? data.data : e.data) as Record<string, unknown>,
    });
  });
  if (errors.length > 0) throw new ValidationError(errors);
  return events;
}

/** Takes `n` events from the player's and the global bucket, or throws a 429. */
export function admit(n: number, player: TokenBucket, global: TokenBucket): void {
  const p = player.take(n);
  if (!p.ok)
    throw new TooManyRequestsError(p.retryAfterSeconds, `Too many events for this player (${n} posted).`);
  const g = global.take(n);
  if (!g.ok) {
    player.refund(n);
    throw new TooManyRequestsError(g.retryAfterSeconds, 'The event service is at its limit.');
  }
}

export type { KeyedBuckets };
