// POST /api/v1/events: one event or { events: [...] }. 202 once Kafka acknowledged every event.
import type { Router } from 'express';
import { ServiceUnavailableError, traceHeaders } from '@gameday/telemetry';
import { playerIdentity } from '@gameday/platform';
import type { BatchingProducer } from '../data-access/batching-producer';
import { admit, parseEvents } from '../domain/ingest';
import type { IngestLimits } from '../domain/ingest';
import type { KeyedBuckets, TokenBucket } from '../domain/token-bucket';

type Routes = Pick<Router, 'post'>;

/** The part of a prom-client counter used here. */
interface Counter<L extends string> {
  inc(labels: Record<L, string>, value?: number): void;
}

export interface EventRoutesDeps {
  producer: BatchingProducer;
  limits: IngestLimits;
  players: KeyedBuckets;
  global: TokenBucket;
  ingested: Counter<'type'>;
  rejected: Counter<'reason'>;
}

/** A bounded label: server types by name, every client.* event as "client". */
const typeLabel = (type: string) => (type.startsWith('client.') ? 'client' : type);

export function eventRoutes<R extends Routes>(r: R, d: EventRoutesDeps): R {
  r.post('/api/v1/events', async (req, res) => {
    const who = playerIdentity(req);
    let events;
    try {
      events = parseEvents(req.body, who, d.limits);
    } catch (err) {
      d.rejected.inc({ reason: 'invalid' });
      throw err;
    }
    try {
      admit(events.length, d.players.bucket(who.playerId), d.global);
    } catch (err) {
      d.rejected.inc({ reason: 'rate_limited' }, events.length);
      throw err;
    }
    // A traced request's context travels in each of its messages (W3C traceparent): the batch they
    // are sent in mixes many requests, so the producer's own context is none of theirs.
    const trace = traceHeaders();
    try {
      await d.producer.send(
        events.map((e) => ({
          key: e.player_id,
          value: JSON.stringify(e),
          headers: { 'event-type': e.type, ...trace },
        })),
      );
    } catch (err) {
      d.rejected.inc({ reason: 'unavailable' }, events.length);
      throw new ServiceUnavailableError(
        `Kafka did not acknowledge the events (${(err as Error).message}). They may still arrive: retry with the same event ids (each id is applied once).`,
        5,
      );
    }
    for (const e of events) d.ingested.inc({ type: typeLabel(e.type) });
    res.status(202).json({ accepted: events.length, ids: events.map((e) => e.id) });
  });
  return r;
}
