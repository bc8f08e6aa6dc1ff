// Battles in PostgreSQL: the setup (format, seed, both teams), every choice in order, the log, the
// result, ratings and idempotency keys. A battle row is locked (FOR UPDATE) while a choice is applied,
// so two requests never move one battle at once.
import { withTransaction } from '@gameday/platform';
import type { Pool, PoolClient } from 'pg';
import type { PokemonSet } from '@pkmn/sim';
import type { RecordedChoice, SideId } from '../domain/engine';
import type { Rating } from '../domain/ratings';

type Queryable = Pool | PoolClient;

export type BattleStatus = 'pending' | 'active' | 'finished';
export type BattleMode = 'ai' | 'pvp';
export type EndReason = 'normal' | 'forfeit' | 'timeout';

export interface BattleRow {
  id: string;
  format: string;
  mode: BattleMode;
  status: BattleStatus;
  rated: boolean;
  seed: string;
  p1Trainer: string;
  p2Trainer: string | null;
  p1Name: string;
  p2Name: string;
  p1Team: PokemonSet[] | null;
  p2Team: PokemonSet[] | null;
  turn: number;
  choiceCount: number;
  winner: SideId | 'tie' | null;
  endReason: EndReason | null;
  log: string;
  logHash: string | null;
  turnDeadline: Date | null;
  timeoutAction: 'ai' | 'forfeit';
  origin: string;
  originRef: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** When retention removed the log and choices (the result and the log's hash stay). */
  logPurgedAt: Date | null;
}

export interface StoredChoice extends RecordedChoice {
  byAi: boolean;
  turn: number;
  /** The Idempotency-Key the player sent with it. */
  key?: string;
}

interface DbBattle {
  id: string;
  format: string;
  mode: BattleMode;
  status: BattleStatus;
  rated: boolean;
  seed: string;
  p1_trainer: string;
  p2_trainer: string | null;
  p1_name: string;
  p2_name: string;
  p1_team: PokemonSet[] | null;
  p2_team: PokemonSet[] | null;
  turn: number;
  choice_count: number;
  winner: SideId | 'tie' | null;
  end_reason: EndReason | null;
  log: string;
  log_hash: string | null;
  turn_deadline: Date | null;
  timeout_action: 'ai' | 'forfeit';
  origin: string;
  origin_ref: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  log_purged_at: Date | null;
}

const battleOf = (r: DbBattle): BattleRow => ({
  id: r.id,
  format: r.format,
  mode: r.mode,
  status: r.status,
  rated: r.rated,
  seed: r.seed,
  p1Trainer: r.p1_trainer,
  p2Trainer: r.p2_trainer,
  p1Name: r.p1_name,
  p2Name: r.p2_name,
  p1Team: r.p1_team,
  p2Team: r.p2_team,
  turn: r.turn,
  choiceCount: r.choice_count,
  winner: r.winner,
  endReason: r.end_reason,
  log: r.log,
  logHash: r.log_hash,
  turnDeadline: r.turn_deadline,
  timeoutAction: r.timeout_action,
  origin: r.origin,
  originRef: r.origin_ref,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  logPurgedAt: r.log_purged_at,
});

export type NewBattle = Omit<
  BattleRow,
  'createdAt' | 'logHash' | 'endReason' | 'winner' | 'finishedAt' | 'logPurgedAt'
> &
  Partial<Pick<BattleRow, 'logHash' | 'endReason' | 'winner' | 'finishedAt'>>;

export interface Progress {
  status: BattleStatus;
  turn: number;
  choiceCount: number;
  log: string;
  turnDeadline: Date | null;
  winner?: SideId | 'tie' | null;
  endReason?: EndReason | null;
  logHash?: string | null;
  p2Team?: PokemonSet[] | null;
  started?: boolean;
}

export class PgBattlesRepository {
  constructor(readonly pool: Pool) {}

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }

  async insert(db: Queryable, b: NewBattle): Promise<BattleRow> {
    const { rows } = await db.query<DbBattle>(
      `INSERT INTO battles (id, format, mode, status, rated, seed, p1_trainer, p2_trainer, p1_name, p2_name,
         p1_team, p2_team, turn, choice_count, winner, end_reason, log, log_hash, turn_deadline, timeout_action,
         origin, origin_ref, started_at, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
       RETURNING *`,
      [
        b.id,
        b.format,
        b.mode,
        b.status,
        b.rated,
        b.seed,
        b.p1Trainer,
        b.p2Trainer,
        b.p1Name,
        b.p2Name,
        b.p1Team ? JSON.stringify(b.p1Team) : null,
        b.p2Team ? JSON.stringify(b.p2Team) : null,
        b.turn,
        b.choiceCount,
        b.winner ?? null,
        b.endReason ?? null,
        b.log,
        b.logHash ?? null,
        b.turnDeadline,
        b.timeoutAction,
        b.origin,
        b.originRef,
        b.startedAt,
        b.finishedAt ?? null,
      ],
    );
    return battleOf(rows[0]!);
  }

  async get(id: string, db: Queryable = this.pool, lock = false): Promise<BattleRow | undefined> {
    const { rows } = await db.query<DbBattle>(
      `SELECT * FROM battles WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? battleOf(rows[0]) : undefined;
  }

  async byOrigin(origin: string, ref: string, db: Queryable = this.pool): Promise<BattleRow | undefined> {
    const { rows } = await db.query<DbBattle>('SELECT * FROM battles WHERE origin = $1 AND origin_ref = $2', [
      origin,
      ref,
    ]);
    return rows[0] ? battleOf(rows[0]) : undefined;
  }

  async choices(id: string, db: Queryable = this.pool): Promise<StoredChoice[]> {
    const { rows } = await db.query<{ side: SideId; choice: string; by_ai: boolean; turn: number }>(
      'SELECT side, choice, by_ai, turn FROM battle_choices WHERE battle_id = $1 ORDER BY seq',
      [id],
    );
    return rows.map((r) => ({ side: r.side, choice: r.choice, byAi: r.by_ai, turn: r.turn }));
  }

  /** Appends choices `from` onwards (their seq continues the battle's). */
  async appendChoices(db: Queryable, id: string, from: number, choices: StoredChoice[]): Promise<void> {
    if (!choices.length) return;
    await db.query(
      `INSERT INTO battle_choices (battle_id, seq, side, choice, by_ai, turn, idempotency_key)
       SELECT $1, $2 + ord - 1, side, choice, by_ai, turn, key
       FROM unnest($3::text[], $4::text[], $5::boolean[], $6::int[], $7::text[])
         WITH ORDINALITY AS c(side, choice, by_ai, turn, key, ord)`,
      [
        id,
        from,
        choices.map((c) => c.side),
        choices.map((c) => c.choice),
        choices.map((c) => c.byAi),
        choices.map((c) => c.turn),
        choices.map((c) => c.key ?? null),
      ],
    );
  }

  async choiceKeySeen(db: Queryable, battleId: string, side: string, key: string): Promise<boolean> {
    const { rowCount } = await db.query(
      'SELECT 1 FROM battle_choices WHERE battle_id = $1 AND side = $2 AND idempotency_key = $3',
      [battleId, side, key],
    );
    return (rowCount ?? 0) > 0;
  }

  async progress(db: Queryable, id: string, p: Progress): Promise<BattleRow> {
    const { rows } = await db.query<DbBattle>(
      `UPDATE battles SET status = $2, turn = $3, choice_count = $4, log = $5, turn_deadline = $6,
         winner = COALESCE($7, winner), end_reason = COALESCE($8, end_reason), log_hash = COALESCE($9, log_hash),
         p2_team = COALESCE($10, p2_team),
         started_at = CASE WHEN $11 THEN now() ELSE started_at END,
         finished_at = CASE WHEN $2 = 'finished' THEN now() ELSE finished_at END,
         updated_at = now()
       WHERE id = $1 RETURNING *`,
      [
        id,
        p.status,
        p.turn,
        p.choiceCount,
        p.log,
        p.turnDeadline,
        p.winner ?? null,
        p.endReason ?? null,
        p.logHash ?? null,
        p.p2Team ? JSON.stringify(p.p2Team) : null,
        p.started === true,
      ],
    );
    return battleOf(rows[0]!);
  }

  async list(
    trainerId: string,
    limit: number,
    before?: { createdAt: Date; id: string },
  ): Promise<BattleRow[]> {
    const { rows } = await this.pool.query<DbBattle>(
      `SELECT * FROM battles WHERE (p1_trainer = $1 OR p2_trainer = $1)
         AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [trainerId, before?.createdAt ?? null, before?.id ?? null, limit],
    );
    return rows.map(battleOf);
  }

  /** Active battles whose turn timer has run out, locked for this transaction (others skip them). */
  async dueForTimeout(db: Queryable, limit: number, exclude: string[] = []): Promise<BattleRow[]> {
    const { rows } = await db.query<DbBattle>(
      `SELECT * FROM battles WHERE status = 'active' AND turn_deadline < now() AND id <> ALL($2::uuid[])
       ORDER BY turn_deadline LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit, exclude],
    );
    return rows.map(battleOf);
  }

  /**
   * Retention: removes the logs and choices of battles finished more than `days` ago (at most
   * `limit` battles a call); the result and the log's hash stay. Returns how many were purged.
   */
  async purgeLogs(days: number, limit: number): Promise<number> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `UPDATE battles SET log = '', log_purged_at = now(), updated_at = now()
         WHERE id IN (SELECT id FROM battles WHERE status = 'finished' AND log_purged_at IS NULL
                        AND finished_at < now() - make_interval(days => $1)
                      ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id`,
        [days, limit],
      );
      if (rows.length) {
        await client.query('DELETE FROM battle_choices WHERE battle_id = ANY($1::uuid[])', [
          rows.map((r) => r.id),
        ]);
      }
      return rows.length;
    });
  }

  /** Battles the trainer won since `since` (a daily challenge's check), optionally of one mode or format. */
  async wins(trainerId: string, since: Date, filter: { mode?: string; format?: string }): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM battles
       WHERE status = 'finished' AND finished_at >= $2
         AND ((p1_trainer = $1 AND winner = 'p1') OR (p2_trainer = $1 AND winner = 'p2'))
         AND ($3::text IS NULL OR mode = $3) AND ($4::text IS NULL OR format = $4)`,
      [trainerId, since, filter.mode ?? null, filter.format ?? null],
    );
    return Number(rows[0]!.n);
  }

  async countActive(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM battles WHERE status = 'active'",
    );
    return Number(rows[0]!.n);
  }

  /** Both trainers' ratings for a format, locked in id order (no deadlock between two finishes). */
  async ratingsForUpdate(
    db: Queryable,
    format: string,
    ids: string[],
    initial: Rating,
  ): Promise<Map<string, Rating>> {
    const sorted = [...new Set(ids)].sort();
    await db.query(
      `INSERT INTO ratings (trainer_id, format, rating, rd, vol)
       SELECT unnest($1::uuid[]), $2, $3, $4, $5 ON CONFLICT DO NOTHING`,
      [sorted, format, initial.rating, initial.rd, initial.vol],
    );
    const { rows } = await db.query<{ trainer_id: string; rating: number; rd: number; vol: number }>(
      `SELECT trainer_id, rating, rd, vol FROM ratings WHERE format = $1 AND trainer_id = ANY($2::uuid[])
       ORDER BY trainer_id FOR UPDATE`,
      [format, sorted],
    );
    return new Map(rows.map((r) => [r.trainer_id, { rating: r.rating, rd: r.rd, vol: r.vol }]));
  }

  async saveRating(
    db: Queryable,
    trainerId: string,
    format: string,
    r: Rating,
    score: 0 | 0.5 | 1,
  ): Promise<void> {
    await db.query(
      `UPDATE ratings SET rating = $3, rd = $4, vol = $5, battles = battles + 1,
         wins = wins + ($6 = 1)::int, losses = losses + ($6 = 0)::int, draws = draws + ($6 = 0.5)::int,
         updated_at = now()
       WHERE trainer_id = $1 AND format = $2`,
      [trainerId, format, r.rating, r.rd, r.vol, score],
    );
  }

  async ratings(trainerId: string): Promise<
    {
      format: string;
      rating: number;
      rd: number;
      battles: number;
      wins: number;
      losses: number;
      draws: number;
    }[]
  > {
    const { rows } = await this.pool.query(
      'SELECT format, rating, rd, battles, wins, losses, draws FROM ratings WHERE trainer_id = $1 ORDER BY format',
      [trainerId],
    );
    return rows;
  }

  async board(
    format: string,
    limit: number,
  ): Promise<{ trainer_id: string; name: string; rating: number; rd: number; battles: number }[]> {
    const { rows } = await this.pool.query(
      `SELECT r.trainer_id, t.name, r.rating, r.rd, r.battles FROM ratings r JOIN trainers t ON t.id = r.trainer_id
       WHERE r.format = $1 ORDER BY r.rating DESC, r.trainer_id LIMIT $2`,
      [format, limit],
    );
    return rows;
  }

  /**
   * Claims an idempotency key inside `db`'s transaction. A concurrent claim of the same key waits for
   * this transaction; a finished one is returned for the caller to compare.
   */
  async claimKey(
    db: Queryable,
    trainerId: string,
    key: string,
    operation: string,
    requestHash: string,
    resourceId: string,
  ): Promise<
    { claimed: true } | { existing: { operation: string; requestHash: string; resourceId: string | null } }
  > {
    const inserted = await db.query(
      `INSERT INTO idempotency_keys (trainer_id, key, operation, request_hash, resource_id)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [trainerId, key, operation, requestHash, resourceId],
    );
    if (inserted.rowCount) return { claimed: true };
    return { existing: (await this.key(trainerId, key, db))! };
  }

  async key(
    trainerId: string,
    key: string,
    db: Queryable = this.pool,
  ): Promise<{ operation: string; requestHash: string; resourceId: string | null } | undefined> {
    const { rows } = await db.query<{ operation: string; request_hash: string; resource_id: string | null }>(
      'SELECT operation, request_hash, resource_id FROM idempotency_keys WHERE trainer_id = $1 AND key = $2',
      [trainerId, key],
    );
    const r = rows[0];
    return r ? { operation: r.operation, requestHash: r.request_hash, resourceId: r.resource_id } : undefined;
  }
}
