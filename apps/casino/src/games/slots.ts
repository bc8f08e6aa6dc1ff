// Slots: three reels, three visible rows and five paylines (the three rows and the two diagonals).
// Each reel is a fixed strip of 32 symbols: 8 cherry, 7 lemon, 6 orange, 5 bell, 3 bar, 2 seven and
// 1 jackpot, in a different order on each reel (published as REEL_STRIPS). A spin stops each reel
// on a uniformly random position, so on every payline each reel shows each symbol with probability
// count / 32, independently of the other reels: every line has the same expected pay,
//   Σ pay(3 × s) × (count(s) / 32)³ + pay(2 cherries) × (8/32)² × (24/32) = 31,303 / 32,768 ≈ 0.955292.
// The stake is spread evenly over the 1–5 lines played, so the multiplier (total paid / total
// stake) is the mean line pay; `rtpFor` nevertheless enumerates all 32³ stop combinations, so the
// rounding of the multiplier to 4 decimals (thirds, with 3 lines) is accounted for exactly.
//
// `rtp` and `rtpFor` are the base game only. Three jackpot symbols on the middle line (line 1,
// played by every bet) also win the progressive jackpot, which the casino pays from its pool;
// that pool is fed JACKPOT_CONTRIBUTION = 1% of every slot stake, so in the long run the slots
// return the base RTP + 0.01 ≈ 0.9653. The jackpot hits once in 32³ = 32,768 spins.
//
// Randomness: numbers 0, 1, 2 stop reels 1, 2, 3 at position stop = int(32). The visible rows of
// a reel are strip positions stop − 1 (top), stop (middle) and stop + 1 (bottom), wrapping around.
import { z } from '@gameday/telemetry';
import { roundMultiplier } from './types';
import type { InstantGame } from './types';

export const SLOT_SYMBOLS = ['cherry', 'lemon', 'orange', 'bell', 'bar', 'seven', 'jackpot'] as const;
export type SlotSymbol = (typeof SLOT_SYMBOLS)[number];

/** The share of every slot stake added to the progressive jackpot pool (not part of `rtp`). */
export const JACKPOT_CONTRIBUTION = 0.01;

/** Reels 1–3, each a ring of symbols: position 31 is followed by position 0. */
// prettier-ignore
export const REEL_STRIPS: readonly (readonly SlotSymbol[])[] = [
  [
    'orange', 'bell', 'jackpot', 'cherry', 'lemon', 'bar', 'bell', 'cherry',
    'bell', 'lemon', 'bell', 'bar', 'cherry', 'orange', 'cherry', 'orange',
    'lemon', 'cherry', 'lemon', 'cherry', 'bell', 'lemon', 'seven', 'orange',
    'cherry', 'lemon', 'cherry', 'orange', 'bar', 'orange', 'lemon', 'seven',
  ],
  [
    'cherry', 'bell', 'cherry', 'orange', 'cherry', 'lemon', 'bar', 'orange',
    'bell', 'jackpot', 'lemon', 'orange', 'cherry', 'lemon', 'bar', 'cherry',
    'lemon', 'bell', 'cherry', 'bar', 'lemon', 'cherry', 'seven', 'lemon',
    'orange', 'seven', 'orange', 'lemon', 'bell', 'cherry', 'orange', 'bell',
  ],
  [
    'cherry', 'lemon', 'orange', 'bell', 'lemon', 'orange', 'lemon', 'bell',
    'seven', 'cherry', 'bell', 'bar', 'cherry', 'jackpot', 'bell', 'lemon',
    'orange', 'seven', 'cherry', 'orange', 'cherry', 'bar', 'lemon', 'orange',
    'cherry', 'orange', 'lemon', 'cherry', 'lemon', 'cherry', 'bell', 'bar',
  ],
];

/** Three of a kind on a line pays this many line stakes. */
export const THREE_OF_A_KIND: Record<SlotSymbol, number> = {
  cherry: 10,
  lemon: 15,
  orange: 24,
  bell: 50,
  bar: 80,
  seven: 150,
  jackpot: 100,
};
/** Cherries on the first two reels of a line (the third not a cherry) pay this many line stakes. */
export const TWO_CHERRIES = 4;

/** The [row, reel] cells of each payline; rows are 0 top, 1 middle, 2 bottom. */
export const PAYLINES: readonly (readonly [number, number, number])[] = [
  [1, 1, 1], // line 1: middle row
  [0, 0, 0], // line 2: top row
  [2, 2, 2], // line 3: bottom row
  [0, 1, 2], // line 4: diagonal, top left to bottom right
  [2, 1, 0], // line 5: diagonal, bottom left to top right
];

/** The chance that a spin wins the progressive jackpot: a jackpot symbol on the middle row of every reel. */
export const JACKPOT_PROBABILITY = REEL_STRIPS.reduce(
  (p, strip) => (p * strip.filter((s) => s === 'jackpot').length) / strip.length,
  1,
);

export interface SlotsParams {
  /** How many paylines to play, 1–5 (always lines 1…lines); the stake is split evenly over them. */
  lines: number;
}

export interface SlotWin {
  line: number;
  symbol: SlotSymbol;
  /** 3 of a kind, or 2 cherries. */
  count: 2 | 3;
  /** What the line pays, in line stakes (the round multiplier is the sum over lines / lines). */
  multiplier: number;
}

export interface SlotsResult {
  /** The stop position of each reel. */
  stops: number[];
  /** The visible symbols: grid[row][reel], rows top to bottom. */
  grid: SlotSymbol[][];
  wins: SlotWin[];
  /** The middle line shows three jackpot symbols: the casino pays the progressive pool. */
  jackpot: boolean;
}

function gridAt(stops: readonly number[]): SlotSymbol[][] {
  return [-1, 0, 1].map((offset) =>
    REEL_STRIPS.map((strip, reel) => strip[(stops[reel]! + offset + strip.length) % strip.length]!),
  );
}

/** The win on one line of `grid`, if any. */
function lineWin(grid: SlotSymbol[][], line: number): SlotWin | undefined {
  const [r0, r1, r2] = PAYLINES[line - 1]!;
  const a = grid[r0]![0]!;
  const b = grid[r1]![1]!;
  const c = grid[r2]![2]!;
  if (a === b && b === c) return { line, symbol: a, count: 3, multiplier: THREE_OF_A_KIND[a] };
  if (a === 'cherry' && b === 'cherry') return { line, symbol: 'cherry', count: 2, multiplier: TWO_CHERRIES };
  return undefined;
}

function spin(stops: number[], lines: number): { multiplier: number; result: SlotsResult } {
  const grid = gridAt(stops);
  const wins: SlotWin[] = [];
  let paid = 0;
  for (let line = 1; line <= lines; line++) {
    const win = lineWin(grid, line);
    if (win) {
      wins.push(win);
      paid += win.multiplier;
    }
  }
  const jackpot = grid[1]!.every((s) => s === 'jackpot');
  return { multiplier: roundMultiplier(paid / lines), result: { stops, grid, wins, jackpot } };
}

const rtpByLines = new Map<number, number>();

function rtpFor(params: SlotsParams): number {
  let rtp = rtpByLines.get(params.lines);
  if (rtp === undefined) {
    const [n0, n1, n2] = REEL_STRIPS.map((s) => s.length) as [number, number, number];
    let sum = 0;
    for (let s0 = 0; s0 < n0; s0++) {
      for (let s1 = 0; s1 < n1; s1++) {
        for (let s2 = 0; s2 < n2; s2++) sum += spin([s0, s1, s2], params.lines).multiplier;
      }
    }
    rtp = sum / (n0 * n1 * n2);
    rtpByLines.set(params.lines, rtp);
  }
  return rtp;
}

const params = z.strictObject({
  lines: z
    .number({
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be a whole number from 1 to 5'),
    })
    .int({ error: 'must be a whole number from 1 to 5' })
    .min(1, { error: 'must be a whole number from 1 to 5' })
    .max(PAYLINES.length, { error: 'must be a whole number from 1 to 5' }),
});

export const slots: InstantGame<SlotsParams, SlotsResult> = {
  kind: 'instant',
  id: 'slots',
  name: 'Slots',
  // The base game; the progressive jackpot adds JACKPOT_CONTRIBUTION on top in the long run.
  rtp: roundMultiplier(rtpFor({ lines: 1 })),
  rules:
    'Three reels of 32 symbols, three rows, five paylines: 1 middle row, 2 top row, 3 bottom row, ' +
    '4 and 5 the diagonals. Play 1–5 lines (lines 1 to n); the stake is split evenly over them. ' +
    'Numbers 0, 1, 2 of the stream stop reels 1–3 at position int(32); the rows show positions ' +
    'stop − 1, stop and stop + 1 of each strip. Three of a kind on a line pays, in line stakes: ' +
    `${SLOT_SYMBOLS.map((s) => `${s} ×${THREE_OF_A_KIND[s]}`).join(', ')}; ` +
    `cherries on the first two reels of a line pay ×${TWO_CHERRIES}. ` +
    'Three jackpot symbols on the middle line also win the progressive jackpot (about 1 in 32,768 ' +
    'spins), funded by 1% of every slot stake. Base game RTP 95.5% (96.5% with the jackpot).',
  params,
  rtpFor,
  rtpCases: [{ lines: 1 }, { lines: 3 }, { lines: 5 }],
  resolve(bet, rng) {
    const stops = REEL_STRIPS.map((strip) => rng.int(strip.length));
    const { multiplier, result } = spin(stops, bet.lines);
    return { multiplier, result, jackpot: result.jackpot };
  },
};
