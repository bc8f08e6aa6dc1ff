// The scheduler's state in PostgreSQL: tournaments with their entries and matches, the matchmaking
// queue, the daily challenges and their completions. Writes that a retried job repeats are
// idempotent: a match row is inserted once per (tournament, round, slot), a result is recorded
// only where none is, a tournament finishes once.
import { withTransaction } from '@gameday/platform';
import type { Pool, PoolClient } from 'pg';
import type { TournamentKind } from '../domain/tournaments';
import type { ChallengeTemplate } from '../domain/challenges';

type Queryable = Pool | PoolClient;

export type TournamentStatus = 'open' | 'running' | 'finished' | 'cancelled';

export interface Tournament {
  id: string;
  name: string;
  format: string;
  kind: TournamentKind;
  max_entrants: number;
  rounds: number | null;
  current_round: number;
  status: TournamentStatus;
  starts_at: Date;
  winner_id: string | null;
  created_by: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface Entry {
  tournament_id: string;
  trainer_id: string;
  team_id: string;
  rating: number;
  seed: number | null;
  joined_at: Date;
}

export interface Match {
  tournament_id: string;
  round: number;
  slot: number;
  p1: string;
  p2: string | null;
  battle_id: string | null;
  winner_id: string | null;
  draw: boolean;
  played_at: Date | null;
}

export interface QueueEntry {
  id: string;
  trainer_id: string;
  format: string;
  team_id: string;
  rating: number;
  status: 'waiting' | 'matched' | 'left';
  enqueued_at: Date;
  battle_id: string | null;
  opponent_id: string | null;
  matched_at: Date | null;
}

export class Store {
  constructor(readonly pool: Pool) {}

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }

  // --- tournaments -----------------------------------------------------------------------------

  async createTournament(
    db: Queryable,
    t: Omit<
      Tournament,
      'created_at' | 'started_at' | 'finished_at' | 'winner_id' | 'current_round' | 'rounds' | 'status'
    >,
  ): Promise<Tournament> {
    const { rows } = await db.query<Tournament>(
      `INSERT INTO tournaments (id, name, format, kind, max_entrants, status, starts_at, created_by)
       VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) RETURNING *`,
      [t.id, t.name, t.format, t.kind, t.max_entrants, t.starts_at, t.created_by],
    );
    return rows[0]!;
  }

  async tournament(id: string, db: Queryable = this.pool, lock = false): Promise<Tournament | undefined> {
    const { rows } = await db.query<Tournament>(
      `SELECT * FROM tournaments WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0];
  }

  async tournaments(status: TournamentStatus | undefined, limit: number): Promise<Tournament[]> {
    const { rows } = await this.pool.query<Tournament>(
      `SELECT * FROM tournaments WHERE ($1::text IS NULL OR status = $1) ORDER BY starts_at DESC, id LIMIT $2`,
      [status ?? null, limit],
    );
    return rows;
  }

  async entries(tournamentId: string, db: Queryable = this.pool): Promise<Entry[]> {
    const { rows } = await db.query<Entry>(
      'SELECT * FROM tournament_entries WHERE tournament_id = $1 ORDER BY joined_at, trainer_id',
      [tournamentId],
    );
    return rows;
  }

  /** Adds an entry; false when the trainer is already in. */
  async addEntry(
    db: Queryable,
    e: Pick<Entry, 'tournament_id' | 'trainer_id' | 'team_id' | 'rating'>,
  ): Promise<boolean> {
    const { rowCount } = await db.query(
      `INSERT INTO tournament_entries (tournament_id, trainer_id, team_id, rating) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [e.tournament_id, e.trainer_id, e.team_id, e.rating],
    );
    return rowCount === 1;
  }

  async setSeeds(
    db: Queryable,
    tournamentId: string,
    seeds: { trainerId: string; seed: number }[],
  ): Promise<void> {
    await db.query(
      `UPDATE tournament_entries e SET seed = s.seed
       FROM unnest($2::uuid[], $3::int[]) AS s(trainer_id, seed)
       WHERE e.tournament_id = $1 AND e.trainer_id = s.trainer_id`,
      [tournamentId, seeds.map((s) => s.trainerId), seeds.map((s) => s.seed)],
    );
  }

  async setStatus(
    db: Queryable,
    id: string,
    status: TournamentStatus,
    extra: { rounds?: number; currentRound?: number; winnerId?: string | null } = {},
  ): Promise<void> {
    await db.query(
      `UPDATE tournaments SET status = $2, rounds = COALESCE($3, rounds), current_round = COALESCE($4, current_round),
         winner_id = COALESCE($5, winner_id),
         started_at = CASE WHEN $2 = 'running' AND started_at IS NULL THEN now() ELSE started_at END,
         finished_at = CASE WHEN $2 IN ('finished', 'cancelled') AND finished_at IS NULL THEN now() ELSE finished_at END
       WHERE id = $1`,
      [id, status, extra.rounds ?? null, extra.currentRound ?? null, extra.winnerId ?? null],
    );
  }

  /** Inserts a round's matches; a second insert of the same round changes nothing. */
  async addMatches(
    db: Queryable,
    tournamentId: string,
    round: number,
    pairings: { slot: number; p1: string; p2: string | null }[],
  ): Promise<void> {
    await db.query(
      `INSERT INTO tournament_matches (tournament_id, round, slot, p1, p2)
       SELECT $1, $2, slot, p1, p2 FROM unnest($3::int[], $4::uuid[], $5::uuid[]) AS m(slot, p1, p2)
       ON CONFLICT DO NOTHING`,
      [
        tournamentId,
        round,
        pairings.map((p) => p.slot),
        pairings.map((p) => p.p1),
        pairings.map((p) => p.p2),
      ],
    );
  }

  async matches(tournamentId: string, round?: number, db: Queryable = this.pool): Promise<Match[]> {
    const { rows } = await db.query<Match>(
      `SELECT * FROM tournament_matches WHERE tournament_id = $1 AND ($2::int IS NULL OR round = $2)
       ORDER BY round, slot`,
      [tournamentId, round ?? null],
    );
    return rows;
  }

  /** Records a match's result unless one is recorded already. */
  async recordResult(
    tournamentId: string,
    round: number,
    slot: number,
    r: { battleId: string | null; winnerId: string | null; draw: boolean },
  ): Promise<void> {
    await this.pool.query(
      `UPDATE tournament_matches SET battle_id = $4, winner_id = $5, draw = $6, played_at = now()
       WHERE tournament_id = $1 AND round = $2 AND slot = $3 AND played_at IS NULL`,
      [tournamentId, round, slot, r.battleId, r.winnerId, r.draw],
    );
  }

  // --- the matchmaking queue --------------------------------------------------------------------

  async enqueue(
    db: Queryable,
    e: Pick<QueueEntry, 'id' | 'trainer_id' | 'format' | 'team_id' | 'rating'>,
  ): Promise<QueueEntry | undefined> {
    const { rows } = await db.query<QueueEntry>(
      `INSERT INTO match_queue (id, trainer_id, format, team_id, rating, status) VALUES ($1, $2, $3, $4, $5, 'waiting')
       ON CONFLICT (trainer_id) WHERE status = 'waiting' DO NOTHING RETURNING *`,
      [e.id, e.trainer_id, e.format, e.team_id, e.rating],
    );
    return rows[0];
  }

  async queueEntry(id: string, db: Queryable = this.pool): Promise<QueueEntry | undefined> {
    const { rows } = await db.query<QueueEntry>('SELECT * FROM match_queue WHERE id = $1', [id]);
    return rows[0];
  }

  async latestQueueEntry(trainerId: string): Promise<QueueEntry | undefined> {
    const { rows } = await this.pool.query<QueueEntry>(
      'SELECT * FROM match_queue WHERE trainer_id = $1 ORDER BY enqueued_at DESC LIMIT 1',
      [trainerId],
    );
    return rows[0];
  }

  async leaveQueue(trainerId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      "UPDATE match_queue SET status = 'left' WHERE trainer_id = $1 AND status = 'waiting'",
      [trainerId],
    );
    return rowCount === 1;
  }

  async waiting(): Promise<QueueEntry[]> {
    const { rows } = await this.pool.query<QueueEntry>(
      "SELECT * FROM match_queue WHERE status = 'waiting' ORDER BY enqueued_at, id LIMIT 10000",
    );
    return rows;
  }

  /** Marks two waiting entries matched (both or neither: one of them may have left meanwhile). */
  async markMatched(a: QueueEntry, b: QueueEntry, battleId: string): Promise<boolean> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ id: string }>(
        "SELECT id FROM match_queue WHERE id = ANY($1::uuid[]) AND status = 'waiting' ORDER BY id FOR UPDATE",
        [[a.id, b.id]],
      );
      if (rows.length !== 2) return false;
      await client.query(
        `UPDATE match_queue SET status = 'matched', battle_id = $2, matched_at = now(),
           opponent_id = CASE WHEN id = $3 THEN $4::uuid ELSE $5::uuid END
         WHERE id = ANY($1::uuid[])`,
        [[a.id, b.id], battleId, a.id, b.trainer_id, a.trainer_id],
      );
      return true;
    });
  }

  // --- daily challenges -------------------------------------------------------------------------

  async saveChallenges(day: string, list: ChallengeTemplate[]): Promise<number> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO challenges (day, key, category, difficulty, title, goal, reward_points)
       SELECT $1::date, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::int[])
       ON CONFLICT DO NOTHING`,
      [
        day,
        list.map((c) => c.key),
        list.map((c) => c.category),
        list.map((c) => c.difficulty),
        list.map((c) => c.title),
        list.map((c) => JSON.stringify(c.goal)),
        list.map((c) => c.reward_points),
      ],
    );
    return rowCount ?? 0;
  }

  async challenges(
    day: string,
    playerId: string,
  ): Promise<(ChallengeTemplate & { completed_at: Date | null })[]> {
    const { rows } = await this.pool.query(
      `SELECT c.key, c.category, c.difficulty, c.title, c.goal, c.reward_points, x.completed_at
       FROM challenges c LEFT JOIN challenge_completions x ON x.day = c.day AND x.key = c.key AND x.player_id = $2
       WHERE c.day = $1 ORDER BY c.reward_points, c.key`,
      [day, playerId],
    );
    return rows;
  }

  async challenge(day: string, key: string): Promise<ChallengeTemplate | undefined> {
    const { rows } = await this.pool.query<ChallengeTemplate>(
      'SELECT key, category, difficulty, title, goal, reward_points FROM challenges WHERE day = $1 AND key = $2',
      [day, key],
    );
    return rows[0];
  }

  // --- retention --------------------------------------------------------------------------------

  async purge(tournamentDays: number): Promise<{ tournaments: number; queue: number }> {
    const t = await this.pool.query(
      `DELETE FROM tournaments WHERE status IN ('finished', 'cancelled') AND finished_at < now() - make_interval(days => $1)`,
      [tournamentDays],
    );
    const q = await this.pool.query(
      `DELETE FROM match_queue WHERE status <> 'waiting' AND enqueued_at < now() - make_interval(days => $1)`,
      [tournamentDays],
    );
    return { tournaments: t.rowCount ?? 0, queue: q.rowCount ?? 0 };
  }
}
