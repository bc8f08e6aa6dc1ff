// What each event does to the read models, as pure data: the consumer folds a batch of events into
// increments and maxima per player, board and period, then writes them in one transaction.
import type { EventEnvelope } from '@gameday/outbox';

export const BOARDS = ['biggest-win', 'most-wagered', 'battle-rating'] as const;
export type Board = (typeof BOARDS)[number];
export const PERIODS = ['daily', 'weekly', 'all-time'] as const;
export type Period = (typeof PERIODS)[number];
/** The battle format a battle-rating board ranks when none is asked for (the pokemon service's default). */
export const DEFAULT_BATTLE_FORMAT = 'gen9ou';
/** The pokemon service's id for the AI in battle.finished: it gets no statistics and no board entry. */
export const HOUSE_PLAYER_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The key a board's scores are stored under: a battle-rating board per battle format
 * ("battle-rating:gen9ou"), the others as they are.
 */
export function boardKey(board: Board, format?: string): string {
  return board === 'battle-rating' ? `${board}:${format ?? DEFAULT_BATTLE_FORMAT}` : board;
}

/** The first day of the period holding `at` (UTC): the day, the ISO week's Monday, or 1970-01-01. */
export function periodStart(period: Period, at: Date): string {
  if (period === 'all-time') return '1970-01-01';
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  if (period === 'weekly') day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}

export interface StatsDelta {
  displayName?: string;
  bets: number;
  wins: number;
  wagered: number;
  paid: number;
  biggestWin: number;
  battles: number;
  battlesWon: number;
  sessions: number;
}

export interface ScoreDelta {
  /** boardKey(): the board, and for battle-rating the format. */
  board: string;
  period: Period;
  periodStart: string;
  playerId: string;
  /** Added to the score (most-wagered), compared with it (biggest-win), or replacing it (battle-rating). */
  value: number;
  /** When the value was true (battle-rating keeps the latest). */
  observedAt: Date;
}

/** How a board combines a new value with its score: add it, keep the larger, or keep the later. */
export type ScoreMode = 'sum' | 'max' | 'latest';
export const BOARD_MODES: Record<Board, ScoreMode> = {
  'most-wagered': 'sum',
  'biggest-win': 'max',
  'battle-rating': 'latest',
};

export interface Achievement {
  playerId: string;
  achievement: string;
  eventId: string;
}

export interface Fold {
  stats: Map<string, StatsDelta>;
  scores: Map<string, ScoreDelta>;
  achievements: Achievement[];
}

const emptyStats = (): StatsDelta => ({
  bets: 0,
  wins: 0,
  wagered: 0,
  paid: 0,
  biggestWin: 0,
  battles: 0,
  battlesWon: 0,
  sessions: 0,
});

/** Achievements a single event unlocks by itself (totals are checked against the stats table). */
const HIGH_MULTIPLIER = 10;

export function fold(events: EventEnvelope[]): Fold {
  const f: Fold = { stats: new Map(), scores: new Map(), achievements: [] };
  const stats = (player: string) => {
    let s = f.stats.get(player);
    if (!s) f.stats.set(player, (s = emptyStats()));
    return s;
  };
  const score = (board: string, player: string, at: Date, value: number, mode: ScoreMode) => {
    for (const period of PERIODS) {
      const start = periodStart(period, at);
      const key = `${board}|${period}|${start}|${player}`;
      const prev = f.scores.get(key);
      const later = !prev || at >= prev.observedAt;
      const combined = !prev
        ? value
        : mode === 'sum'
          ? prev.value + value
          : mode === 'max'
            ? Math.max(prev.value, value)
            : later
              ? value
              : prev.value;
      f.scores.set(key, {
        board,
        period,
        periodStart: start,
        playerId: player,
        value: combined,
        observedAt: later ? at : prev.observedAt,
      });
    }
  };
  for (const e of events) {
    const at = new Date(e.occurred_at);
    const d = e.data;
    switch (e.type) {
      case 'bet.settled': {
        const stake = Number(d.stake_cents);
        const payout = Number(d.payout_cents);
        const s = stats(e.player_id);
        s.bets += 1;
        s.wagered += stake;
        s.paid += payout;
        if (d.outcome === 'win') s.wins += 1;
        const net = payout - stake;
        if (net > s.biggestWin) s.biggestWin = net;
        score('most-wagered', e.player_id, at, stake, 'sum');
        if (net > 0) score('biggest-win', e.player_id, at, net, 'max');
        f.achievements.push({ playerId: e.player_id, achievement: 'first-bet', eventId: e.id });
        if (Number(d.multiplier) >= HIGH_MULTIPLIER) {
          f.achievements.push({ playerId: e.player_id, achievement: 'big-multiplier', eventId: e.id });
        }
        break;
      }
      case 'battle.finished': {
        const winner = String(d.winner_id);
        const loser = String(d.loser_id);
        const draw = d.draw === true;
        for (const [player, won, rating] of [
          [winner, !draw, d.winner_rating],
          [loser, false, d.loser_rating],
        ] as const) {
          if (player === HOUSE_PLAYER_ID) continue;
          stats(player).battles += 1;
          if (won) {
            stats(player).battlesWon += 1;
            f.achievements.push({ playerId: player, achievement: 'first-battle-won', eventId: e.id });
          }
          // A rated battle: the trainer's Glicko-2 rating after it, on its format's board.
          if (d.rated === true && typeof rating === 'number') {
            const board = boardKey('battle-rating', typeof d.format === 'string' ? d.format : undefined);
            score(board, player, at, Math.round(rating), 'latest');
          }
        }
        break;
      }
      case 'player.registered':
        stats(e.player_id).displayName = String(d.display_name);
        break;
      case 'session.started':
        stats(e.player_id).sessions += 1;
        break;
      default:
        // client.* events: counted as processed, nothing to aggregate.
        break;
    }
  }
  return f;
}

/** Achievements that depend on a player's totals, checked after the batch is applied. */
export const TOTAL_ACHIEVEMENTS: { achievement: string; column: string; atLeast: number }[] = [
  { achievement: 'high-roller', column: 'wagered_cents', atLeast: 100_000 },
  { achievement: 'regular', column: 'bets', atLeast: 100 },
];
