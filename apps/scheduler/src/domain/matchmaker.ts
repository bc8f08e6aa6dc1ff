// Matchmaking as jobs: trainers join the queue for a format with a team (checked by the pokemon
// service, which also gives their rating); each pass pairs the waiting trainers by rating, with
// windows that widen as they wait, and has the pokemon service start a live battle for each pair
// (once per pair: the pair's entry ids are the battle's origin ref), then marks both matched.
import { randomUUID } from 'node:crypto';
import { ConflictError, ValidationError } from '@gameday/telemetry';
import type { Logger } from '@gameday/telemetry';
import type { PokemonClient } from '../data-access/pokemon-client';
import { PokemonRefusal } from '../data-access/pokemon-client';
import type { QueueEntry, Store } from '../data-access/store';
import { pairQueue, windowOf } from './matchmaking';
import type { Window } from './matchmaking';

export interface MatchmakerObserver {
  paired(format: string, waitedSeconds: number[]): void;
}

export class Matchmaker {
  constructor(
    private readonly store: Store,
    private readonly pokemon: PokemonClient,
    private readonly window: Window,
    private readonly logger: Logger,
    private readonly observer: MatchmakerObserver,
  ) {}

  async join(trainerId: string, format: string, teamId: string): Promise<QueueEntry> {
    const check = await this.pokemon.checkTeam(trainerId, teamId, format).catch((e: unknown) => {
      if (e instanceof PokemonRefusal) {
        const detail = Array.isArray(e.problem.errors)
          ? String((e.problem.errors as { detail?: string }[])[0]?.detail ?? e.message)
          : e.message;
        throw new ValidationError([{ pointer: '/team_id', field: 'team_id', detail }]);
      }
      throw e;
    });
    const entry = await this.store.enqueue(this.store.pool, {
      id: randomUUID(),
      trainer_id: trainerId,
      format,
      team_id: teamId,
      rating: check.rating,
    });
    if (!entry)
      throw new ConflictError(
        'You are already in the matchmaking queue: leave it first to change format or team.',
        'already-queued',
      );
    return entry;
  }

  /** The window (± rating points) an entry is matched within now. */
  windowNow(entry: QueueEntry): number {
    return Math.round(
      windowOf(
        {
          id: entry.id,
          trainerId: entry.trainer_id,
          format: entry.format,
          rating: entry.rating,
          enqueuedAt: entry.enqueued_at,
        },
        new Date(),
        this.window,
      ),
    );
  }

  /** One pass: pairs whoever can be paired now. Returns the number of battles started. */
  async pass(): Promise<number> {
    const waiting = await this.store.waiting();
    const now = new Date();
    const pairs = pairQueue(
      waiting.map((w) => ({
        id: w.id,
        trainerId: w.trainer_id,
        format: w.format,
        rating: w.rating,
        enqueuedAt: w.enqueued_at,
      })),
      now,
      this.window,
    );
    const byId = new Map(waiting.map((w) => [w.id, w]));
    let started = 0;
    for (const [x, y] of pairs) {
      const a = byId.get(x.id)!;
      const b = byId.get(y.id)!;
      try {
        const battle = await this.pokemon.arrange({
          format: a.format,
          mode: 'live',
          rated: true,
          p1: { trainer_id: a.trainer_id, team_id: a.team_id },
          p2: { trainer_id: b.trainer_id, team_id: b.team_id },
          origin: 'matchmaking',
          origin_ref: [a.id, b.id].sort().join(':'),
        });
        if (await this.store.markMatched(a, b, battle.id)) {
          started++;
          this.observer.paired(
            a.format,
            [a, b].map((e) => (now.getTime() - e.enqueued_at.getTime()) / 1000),
          );
        }
      } catch (e) {
        // A team that became invalid (edited, deleted): that trainer leaves the queue; the other waits on.
        if (e instanceof PokemonRefusal && e.status === 400) {
          const fields = Array.isArray(e.problem.errors)
            ? (e.problem.errors as { field?: string }[]).map((x) => x.field ?? '')
            : [];
          const unfit = [
            ...(fields.some((f) => f.startsWith('p1')) ? [a] : []),
            ...(fields.some((f) => f.startsWith('p2')) ? [b] : []),
          ];
          this.logger.warn('matchmaking: a queued team is no longer fit; its trainer leaves the queue', {
            trainers: unfit.map((u) => u.trainer_id),
            error: e.message,
          });
          for (const u of unfit.length ? unfit : [a, b]) await this.store.leaveQueue(u.trainer_id);
          continue;
        }
        throw e;
      }
    }
    return started;
  }
}
