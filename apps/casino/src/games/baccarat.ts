// Baccarat (punto banco) dealt from an infinite shoe: every card is an independent draw of one of the
// 52 cards, so the ten values are not equally likely (tens and faces make 0 with weight 4/13, each
// of A–9 has 1/13). The hands are played by the fixed tableau (no player decisions), so the RTP of
// each bet follows from the exact win/lose/tie probabilities. `outcomeCounts` walks every sequence
// of card values through the tableau, counting how many of the 13^6 = 4,826,809 equally likely rank
// sequences (6 card slots, used or not) end each way:
//   player wins 2,153,464 (0.446147), banker wins 2,212,744 (0.458428), tie 460,601 (0.095426)
//   player bet (pays 2, pushes on a tie):  RTP = 2 P(player) + P(tie)    = 0.987719 (edge 1.228%)
//   banker bet (pays 1.95, pushes on tie): RTP = 1.95 P(banker) + P(tie) = 0.989360 (edge 1.064%)
//   tie bet (pays 9):                      RTP = 9 P(tie)                = 0.858830 (edge 14.12%)
// Randomness: each card is int(52) of the next number: rank = [A, 2, …, 10, J, Q, K][card mod 13]
// (value: A = 1, 2–9 face value, 10/J/Q/K = 0), suit = [♠, ♥, ♦, ♣][floor(card / 13)]. Cards are dealt in the
// order player 1, banker 1, player 2, banker 2, player's third (if drawn), banker's third (if drawn).
import { z } from '@gameday/telemetry';
import { roundMultiplier } from './types';
import type { InstantGame } from './types';

export const BACCARAT_BETS = ['player', 'banker', 'tie'] as const;
export type BaccaratBet = (typeof BACCARAT_BETS)[number];

export interface BaccaratParams {
  on: BaccaratBet;
}

export type BaccaratWinner = 'player' | 'banker' | 'tie';

export interface BaccaratResult {
  /** Cards such as "A♠", "10♥", "K♦", in the order dealt to the hand. */
  player: string[];
  banker: string[];
  player_total: number;
  banker_total: number;
  winner: BaccaratWinner;
}

/** What each bet returns per unit staked when it wins; player and banker bets push (1) on a tie. */
export const BACCARAT_PAYS: Record<BaccaratBet, number> = { player: 2, banker: 1.95, tie: 9 };

const RANKS = ['A', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'J', 'Q', 'K'] as const;
const SUITS = ['♠', '♥', '♦', '♣'] as const;

/** The baccarat value of rank index 0 (ace) … 12 (king). */
function rankValue(rank: number): number {
  return rank < 9 ? rank + 1 : 0;
}

/** Whether the player, holding two cards totalling `playerTotal`, draws a third. */
export function playerDraws(playerTotal: number): boolean {
  return playerTotal <= 5;
}

/**
 * Whether the banker draws a third card, given the banker's two-card total and the value of the
 * player's third card (null when the player stood). The standard tableau.
 */
export function bankerDraws(bankerTotal: number, playerThird: number | null): boolean {
  if (playerThird === null) return bankerTotal <= 5;
  switch (bankerTotal) {
    case 0:
    case 1:
    case 2:
      return true;
    case 3:
      return playerThird !== 8;
    case 4:
      return playerThird >= 2 && playerThird <= 7;
    case 5:
      return playerThird >= 4 && playerThird <= 7;
    case 6:
      return playerThird === 6 || playerThird === 7;
    default:
      return false;
  }
}

function winnerOf(playerTotal: number, bankerTotal: number): BaccaratWinner {
  if (playerTotal > bankerTotal) return 'player';
  if (bankerTotal > playerTotal) return 'banker';
  return 'tie';
}

function multiplierFor(on: BaccaratBet, winner: BaccaratWinner): number {
  if (winner === on) return BACCARAT_PAYS[on];
  // A tie returns the player and banker stakes.
  return winner === 'tie' ? 1 : 0;
}

// How many of the 13 ranks have each value 0–9: 0 is the four ranks 10, J, Q, K. Counting rank
// sequences (out of 13 per card, 13 for a card never drawn) keeps the sums exact integers.
const VALUE_COUNTS = Array.from({ length: 10 }, (_, v) => (v === 0 ? 4 : 1));
const ALL_RANKS = 13;
/** Every deal is 6 card slots: 13^6 equally likely rank sequences. */
const SEQUENCES = ALL_RANKS ** 6;

let cachedOutcomes: Record<BaccaratWinner, number> | undefined;

/**
 * How many of the 13^6 equally likely rank sequences (two cards each, then the third-card slots,
 * whether drawn or not) end in a player win, a banker win and a tie.
 */
export function outcomeCounts(): Record<BaccaratWinner, number> {
  const n: Record<BaccaratWinner, number> = { player: 0, banker: 0, tie: 0 };
  for (let p1 = 0; p1 < 10; p1++) {
    for (let p2 = 0; p2 < 10; p2++) {
      for (let b1 = 0; b1 < 10; b1++) {
        for (let b2 = 0; b2 < 10; b2++) {
          const deal = VALUE_COUNTS[p1]! * VALUE_COUNTS[p2]! * VALUE_COUNTS[b1]! * VALUE_COUNTS[b2]!;
          const player = (p1 + p2) % 10;
          const banker = (b1 + b2) % 10;
          if (player >= 8 || banker >= 8) {
            n[winnerOf(player, banker)] += deal * ALL_RANKS * ALL_RANKS;
            continue;
          }
          const playerThirds: (number | null)[] = playerDraws(player)
            ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
            : [null];
          for (const p3 of playerThirds) {
            const withP3 = deal * (p3 === null ? ALL_RANKS : VALUE_COUNTS[p3]!);
            const playerFinal = p3 === null ? player : (player + p3) % 10;
            if (!bankerDraws(banker, p3)) {
              n[winnerOf(playerFinal, banker)] += withP3 * ALL_RANKS;
              continue;
            }
            for (let b3 = 0; b3 < 10; b3++) {
              n[winnerOf(playerFinal, (banker + b3) % 10)] += withP3 * VALUE_COUNTS[b3]!;
            }
          }
        }
      }
    }
  }
  return n;
}

/** The exact probabilities of a player win, banker win and tie with an infinite shoe. */
export function outcomeProbabilities(): Record<BaccaratWinner, number> {
  if (!cachedOutcomes) {
    const n = outcomeCounts();
    cachedOutcomes = { player: n.player / SEQUENCES, banker: n.banker / SEQUENCES, tie: n.tie / SEQUENCES };
  }
  return cachedOutcomes;
}

function rtpFor(params: BaccaratParams): number {
  const p = outcomeProbabilities();
  if (params.on === 'tie') return BACCARAT_PAYS.tie * p.tie;
  return BACCARAT_PAYS[params.on] * p[params.on] + p.tie;
}

const params = z.strictObject({
  on: z.enum(BACCARAT_BETS, {
    error: (issue) => (issue.input === undefined ? 'is required' : "must be 'player', 'banker' or 'tie'"),
  }),
});

export const baccarat: InstantGame<BaccaratParams, BaccaratResult> = {
  kind: 'instant',
  id: 'baccarat',
  name: 'Baccarat',
  // The banker bet, the best of the three.
  rtp: roundMultiplier(rtpFor({ on: 'banker' })),
  rules:
    'Punto banco from an infinite shoe: bet on the player, the banker or a tie. Each hand gets two ' +
    'cards; a hand is worth the last digit of its total (aces 1, 2–9 face value, tens and faces 0). ' +
    'With 8 or 9 on either hand both stand. Otherwise the player draws on 0–5 and stands on 6–7; if ' +
    'the player stood, the banker draws on 0–5; if the player drew, the banker draws on 0–2, on 3 ' +
    "unless the player's third card is 8, on 4 if it is 2–7, on 5 if it is 4–7, on 6 if it is 6–7, " +
    'and stands on 7. The higher hand wins. Player pays 1:1 (×2), banker 1:1 less 5% commission ' +
    '(×1.95), tie 8:1 (×9); on a tie player and banker bets are returned. Each card is int(52) of ' +
    'the next number (rank A, 2–10, J, Q, K by card mod 13; suit ♠♥♦♣ by card div 13), dealt player, ' +
    'banker, player, banker, then the third cards. RTP: banker 98.94%, player 98.77%, tie 85.88%.',
  params,
  rtpFor,
  rtpCases: [{ on: 'player' }, { on: 'banker' }, { on: 'tie' }],
  resolve(bet, rng) {
    const player: string[] = [];
    const banker: string[] = [];
    // Deals one card to `hand` and returns its value.
    const deal = (hand: string[]): number => {
      const card = rng.int(52);
      const rank = card % 13;
      hand.push(`${RANKS[rank]}${SUITS[Math.floor(card / 13)]}`);
      return rankValue(rank);
    };
    let playerTotal = deal(player);
    let bankerTotal = deal(banker);
    playerTotal = (playerTotal + deal(player)) % 10;
    bankerTotal = (bankerTotal + deal(banker)) % 10;
    if (playerTotal < 8 && bankerTotal < 8) {
      let playerThird: number | null = null;
      if (playerDraws(playerTotal)) {
        playerThird = deal(player);
        playerTotal = (playerTotal + playerThird) % 10;
      }
      if (bankerDraws(bankerTotal, playerThird)) bankerTotal = (bankerTotal + deal(banker)) % 10;
    }
    const winner = winnerOf(playerTotal, bankerTotal);
    return {
      multiplier: multiplierFor(bet.on, winner),
      result: { player, banker, player_total: playerTotal, banker_total: bankerTotal, winner },
    };
  },
};
