// Daily challenges as a job (draw the day's three) and a claim a player makes, checked against the
// pokemon service's battles of the day; a completed challenge publishes challenge.completed once.
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, UnprocessableError } from '@gameday/telemetry';
import { outboxInsert } from '@gameday/outbox';
import type { PokemonClient } from '../data-access/pokemon-client';
import type { Store } from '../data-access/store';
import { challengesFor } from './challenges';

export const today = (now = new Date()) => now.toISOString().slice(0, 10);

export class DailyChallenges {
  constructor(
    private readonly store: Store,
    private readonly pokemon: PokemonClient,
  ) {}

  /** The job: draws (once) the challenges of `day`. */
  async draw(day = today()): Promise<number> {
    return this.store.saveChallenges(day, challengesFor(day));
  }

  async list(playerId: string, day = today()) {
    await this.draw(day);
    return this.store.challenges(day, playerId);
  }

  async claim(playerId: string, day: string, key: string): Promise<{ reward_points: number }> {
    if (day !== today())
      throw new ConflictError(`Only today's challenges (${today()}) can be claimed.`, 'challenge-expired');
    await this.draw(day);
    const c = await this.store.challenge(day, key);
    if (!c) throw new NotFoundError(`No challenge "${key}" on ${day}.`);
    const { wins } = await this.pokemon.wins(playerId, new Date(`${day}T00:00:00Z`), c.goal);
    if (wins < c.goal.wins) {
      throw new UnprocessableError(
        `Not done yet: ${wins} of ${c.goal.wins} wins today (${c.title}).`,
        'challenge-not-done',
      );
    }
    await this.store.transaction(async (client) => {
      const inserted = await client.query(
        'INSERT INTO challenge_completions (player_id, day, key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [playerId, day, key],
      );
      if (!inserted.rowCount)
        throw new ConflictError('You have claimed this challenge already.', 'challenge-claimed');
      await client.query(
        outboxInsert({
          id: randomUUID(),
          type: 'challenge.completed',
          occurred_at: new Date().toISOString(),
          player_id: playerId,
          source: 'scheduler',
          data: {
            day,
            challenge: key,
            category: c.category,
            difficulty: c.difficulty,
            reward_points: c.reward_points,
          },
        }),
      );
    });
    return { reward_points: c.reward_points };
  }
}
