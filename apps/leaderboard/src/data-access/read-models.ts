// The read models in PostgreSQL. A batch of events is applied in one transaction: the event ids are
// recorded first, and only the events whose id was new are folded in, so a redelivered event (a
// consumer restart before the offset commit, a relay resend) changes nothing.
import type { Pool } from 'pg';
import type { EventEnvelope } from '@gameday/outbox';
import { BOARD_MODES, fold, TOTAL_ACHIEVEMENTS } from '../domain/boards';
import type { Board, Period } from '../domain/boards';

export interface BoardEntry {
  rank: number;
  playerId: string;
  displayName: string | null;
  score: number;
}

export interface PlayerStats {
  playerId: string;
  displayName: string | null;
  bets: number;
  wins: number;
  wageredCents: number;
  paidCents: number;
  biggestWinCents: number;
  battles: number;
  battlesWon: number;
  sessions: number;
  achievements: { achievement: string; unlockedAt: Date }[];
}

/** The board of a stored key ("battle-rating:gen9ou" → battle-rating). */
const boardOf = (key: string): Board => key.split(':')[0] as Board;

export class PgReadModels {
  constructor(private readonly pool: Pool) {}

  /** Applies the events not seen before; returns those it applied. */
  async apply(events: EventEnvelope[]): Promise<EventEnvelope[]> {
    const unique = [...new Map(events.map((e) => [e.id, e])).values()];
    if (unique.length === 0) return [];
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ event_id: string }>(
        'INSERT INTO processed_events (event_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id',
        [unique.map((e) => e.id)],
      );
      const fresh = new Set(rows.map((r) => r.event_id));
      const applied = unique.filter((e) => fresh.has(e.id));
      const f = fold(applied);
      if (f.stats.size > 0) {
        const s = [...f.stats];
        await client.query(
          `INSERT INTO player_stats (player_id, display_name, bets, wins, wagered_cents, paid_cents, biggest_win_cents,
                                     battles, battles_won, sessions)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
                                $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])
           ON CONFLICT (player_id) DO UPDATE SET
             display_name = COALESCE(EXCLUDED.display_name, player_stats.display_name),
             bets = player_stats.bets + EXCLUDED.bets,
             wins = player_stats.wins + EXCLUDED.wins,
             wagered_cents = player_stats.wagered_cents + EXCLUDED.wagered_cents,
             paid_cents = player_stats.paid_cents + EXCLUDED.paid_cents,
             biggest_win_cents = GREATEST(player_stats.biggest_win_cents, EXCLUDED.biggest_win_cents),
             battles = player_stats.battles + EXCLUDED.battles,
             battles_won = player_stats.battles_won + EXCLUDED.battles_won,
             sessions = player_stats.sessions + EXCLUDED.sessions,
             updated_at = now()`,
          [
            s.map(([p]) => p),
            s.map(([, d]) => d.displayName ?? null),
            s.map(([, d]) => d.bets),
            s.map(([, d]) => d.wins),
            s.map(([, d]) => d.wagered),
            s.map(([, d]) => d.paid),
            s.map(([, d]) => d.biggestWin),
            s.map(([, d]) => d.battles),
            s.map(([, d]) => d.battlesWon),
            s.map(([, d]) => d.sessions),
          ],
        );
      }
      for (const mode of ['sum', 'max', 'latest'] as const) {
        const scores = [...f.scores.values()].filter((x) => BOARD_MODES[boardOf(x.board)] === mode);
        if (scores.length === 0) continue;
        const combine = {
          sum: 'board_scores.score + EXCLUDED.score',
          max: 'GREATEST(board_scores.score, EXCLUDED.score)',
          // A redelivered older event arriving after a newer one does not roll a rating back.
          latest:
            'CASE WHEN EXCLUDED.observed_at >= board_scores.observed_at THEN EXCLUDED.score ELSE board_scores.score END',
        }[mode];
        // nosemgrep: gameday.sql-built-from-strings -- combine is one of the three constant expressions above, picked by mode
        await client.query(
          `INSERT INTO board_scores (board, period, period_start, player_id, score, observed_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::uuid[], $5::bigint[], $6::timestamptz[])
           ON CONFLICT (board, period, period_start, player_id) DO UPDATE SET
             score = ${combine},
             observed_at = GREATEST(board_scores.observed_at, EXCLUDED.observed_at),
             updated_at = now()`,
          [
            scores.map((x) => x.board),
            scores.map((x) => x.period),
            scores.map((x) => x.periodStart),
            scores.map((x) => x.playerId),
            scores.map((x) => x.value),
            scores.map((x) => x.observedAt.toISOString()),
          ],
        );
      }
      const lastEvent = new Map(applied.map((e) => [e.player_id, e.id]));
      const unlocked = [...f.achievements];
      if (lastEvent.size > 0) {
        for (const t of TOTAL_ACHIEVEMENTS) {
          const { rows: reached } = await client.query<{ player_id: string }>(
            `SELECT player_id FROM player_stats WHERE player_id = ANY($1::uuid[]) AND ${t.column} >= $2`,
            [[...lastEvent.keys()], t.atLeast],
          );
          for (const r of reached) {
            unlocked.push({
              playerId: r.player_id,
              achievement: t.achievement,
              eventId: lastEvent.get(r.player_id)!,
            });
          }
        }
      }
      if (unlocked.length > 0) {
        await client.query(
          `INSERT INTO achievements (player_id, achievement, event_id)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[]) ON CONFLICT DO NOTHING`,
          [
            unlocked.map((a) => a.playerId),
            unlocked.map((a) => a.achievement),
            unlocked.map((a) => a.eventId),
          ],
        );
      }
      await client.query('COMMIT');
      return applied;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** `board` is a stored key: boardKey() of domain/boards. */
  async board(board: string, period: Period, periodStart: string, limit: number): Promise<BoardEntry[]> {
    const { rows } = await this.pool.query<{ player_id: string; display_name: string | null; score: string }>(
      `SELECT b.player_id, s.display_name, b.score FROM board_scores b
         LEFT JOIN player_stats s ON s.player_id = b.player_id
        WHERE b.board = $1 AND b.period = $2 AND b.period_start = $3
        ORDER BY b.score DESC, b.player_id LIMIT $4`,
      [board, period, periodStart, limit],
    );
    return rows.map((r, i) => ({
      rank: i + 1,
      playerId: r.player_id,
      displayName: r.display_name,
      score: Number(r.score),
    }));
  }

  async stats(playerId: string): Promise<PlayerStats | undefined> {
    const { rows } = await this.pool.query<Record<string, string | null>>(
      'SELECT * FROM player_stats WHERE player_id = $1',
      [playerId],
    );
    const r = rows[0];
    if (!r) return undefined;
    const ach = await this.pool.query<{ achievement: string; unlocked_at: Date }>(
      'SELECT achievement, unlocked_at FROM achievements WHERE player_id = $1 ORDER BY unlocked_at, achievement',
      [playerId],
    );
    return {
      playerId,
      displayName: r.display_name ?? null,
      bets: Number(r.bets),
      wins: Number(r.wins),
      wageredCents: Number(r.wagered_cents),
      paidCents: Number(r.paid_cents),
      biggestWinCents: Number(r.biggest_win_cents),
      battles: Number(r.battles),
      battlesWon: Number(r.battles_won),
      sessions: Number(r.sessions),
      achievements: ach.rows.map((a) => ({ achievement: a.achievement, unlockedAt: a.unlocked_at })),
    };
  }

  async processedCount(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM processed_events');
    return Number(rows[0]!.n);
  }
}
