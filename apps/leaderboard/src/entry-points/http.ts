// The read side through the gateway: boards per period, and a player's statistics and achievements.
import type { Router } from 'express';
import { NotFoundError, ValidationError, parse, query, z } from '@gameday/telemetry';
import { formatCents, playerIdentity } from '@gameday/platform';
import type { PgReadModels, PlayerStats } from '../data-access/read-models';
import { BOARDS, DEFAULT_BATTLE_FORMAT, PERIODS, boardKey, periodStart } from '../domain/boards';

type Routes = Pick<Router, 'get'>;

const boardParam = z.object({ board: z.enum(BOARDS) });
const boardQuery = z.strictObject({
  period: z.enum(PERIODS).default('all-time'),
  limit: z.coerce.number().int('must be a whole number').min(1).max(100).default(10),
  /** A day inside the period (default today, UTC). */
  date: z.iso.date('must be a date like 2026-11-23').optional(),
  /** battle-rating only: the battle format (default gen9ou). */
  format: z
    .string()
    .regex(/^[a-z0-9]{1,40}$/, 'must be a battle format id such as gen9ou')
    .optional(),
});
const playerParam = z.object({ id: z.uuid('must be a player id (a UUID)') });

function statsJson(s: PlayerStats) {
  return {
    player_id: s.playerId,
    display_name: s.displayName,
    bets: s.bets,
    wins: s.wins,
    wagered: formatCents(s.wageredCents),
    paid_out: formatCents(s.paidCents),
    biggest_win: formatCents(s.biggestWinCents),
    battles: s.battles,
    battles_won: s.battlesWon,
    sessions: s.sessions,
    achievements: s.achievements.map((a) => ({ id: a.achievement, unlocked_at: a.unlockedAt.toISOString() })),
  };
}

export function leaderboardRoutes<R extends Routes>(r: R, models: PgReadModels): R {
  r.get('/api/v1/leaderboards/players/me', async (req, res) => {
    const who = playerIdentity(req);
    const s = await models.stats(who.playerId);
    if (!s)
      throw new NotFoundError(
        'No statistics yet: play a round (events reach the leaderboard within seconds).',
      );
    res.json(statsJson(s));
  });

  r.get('/api/v1/leaderboards/players/:id', async (req, res) => {
    playerIdentity(req);
    const { id } = parse(playerParam, req.params);
    const s = await models.stats(id);
    if (!s) throw new NotFoundError(`No statistics for player ${id}.`);
    res.json(statsJson(s));
  });

  r.get('/api/v1/leaderboards/:board', async (req, res) => {
    playerIdentity(req);
    const { board } = parse(boardParam, req.params);
    const q = query(req, boardQuery);
    const start = periodStart(q.period, q.date ? new Date(`${q.date}T00:00:00Z`) : new Date());
    if (q.format && board !== 'battle-rating') {
      throw new ValidationError([
        { pointer: '?/format', field: 'format', detail: 'applies only to the battle-rating board' },
      ]);
    }
    const entries = await models.board(boardKey(board, q.format), q.period, start, q.limit);
    res.json({
      board,
      period: q.period,
      period_start: start,
      ...(board === 'battle-rating' ? { format: q.format ?? DEFAULT_BATTLE_FORMAT } : {}),
      entries: entries.map((e) => ({
        rank: e.rank,
        player_id: e.playerId,
        display_name: e.displayName,
        // Money boards score cents as an amount; battle-rating a Glicko-2 rating.
        ...(board === 'battle-rating' ? { rating: e.score } : { score: formatCents(e.score) }),
      })),
    });
  });
  return r;
}
