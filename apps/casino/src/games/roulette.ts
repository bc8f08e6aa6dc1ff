// European roulette: a single-zero wheel (0–36), one bet per round.
//
// Every bet covering k of the 37 pockets pays 36 / k times the stake (stake included): straight 36×,
// split 18×, street and trio 12×, corner and first four 9×, line 6×, dozen and column 3×, the
// even-money bets 2×. Its RTP is therefore k/37 × 36/k = 36/37 ≈ 0.973 for every bet: the single
// zero is the whole house edge (1/37 ≈ 2.7%); even-money bets lose on 0 (no la partage). rtpFor
// recomputes it by enumerating the 37 pockets. Randomness: number 0 → pocket int(37) (FairRng numbers
// are k / 2³², so the pockets are equally likely to within 2⁻³² each).
import { z } from '@gameday/telemetry';
import type { InstantGame } from './types';
import { ROULETTE_NUMBER_SETS } from '../contract';

/** The bets placed by listing the numbers they cover (in any order). */
export type InsideBetType = 'straight' | 'split' | 'street' | 'trio' | 'corner' | 'line';
export type EvenMoneyBetType = 'red' | 'black' | 'odd' | 'even' | 'low' | 'high';

export type RouletteParams =
  | { type: InsideBetType; numbers: number[] }
  | { type: 'first_four' }
  | { type: 'dozen'; dozen: 1 | 2 | 3 }
  | { type: 'column'; column: 1 | 2 | 3 }
  | { type: EvenMoneyBetType };

export type PocketColor = 'green' | 'red' | 'black';

export interface RouletteResult {
  number: number;
  color: PocketColor;
}

export const POCKETS = 37;
const RED = new Set([1, 3, 5, 7, 9, 12, 14, 16, 18, 19, 21, 23, 25, 27, 30, 32, 34, 36]);

export function pocketColor(n: number): PocketColor {
  if (n === 0) return 'green';
  return RED.has(n) ? 'red' : 'black';
}

const range = (from: number, count: number, step = 1) =>
  Array.from({ length: count }, (_, i) => from + i * step);

// The layout has 12 rows of three (1-2-3, 4-5-6, … 34-35-36) with 0 above the first row; a number's
// column is ((n − 1) mod 3) + 1. Each inside bet is one of these sets, listed from the layout.
const INSIDE_BETS: Record<InsideBetType, { count: number; sets: number[][]; shape: string }> = {
  straight: { count: 1, sets: range(0, 37).map((n) => [n]), shape: 'one number from 0 to 36' },
  split: {
    count: 2,
    sets: ROULETTE_NUMBER_SETS.split,
    shape: 'two numbers next to each other on the layout, e.g. [17, 18], [17, 20] or [0, 2]',
  },
  street: {
    count: 3,
    sets: ROULETTE_NUMBER_SETS.street,
    shape: 'a row of the layout: n, n + 1, n + 2 with n = 1, 4, 7, … 34',
  },
  trio: {
    count: 3,
    sets: ROULETTE_NUMBER_SETS.trio,
    shape: '[0, 1, 2] or [0, 2, 3]',
  },
  corner: {
    count: 4,
    sets: ROULETTE_NUMBER_SETS.corner,
    shape:
      'four numbers meeting at a corner: n, n + 1, n + 3, n + 4 with n not in the third column, e.g. [17, 18, 20, 21]',
  },
  line: {
    count: 6,
    sets: ROULETTE_NUMBER_SETS.line,
    shape: 'two adjacent rows: n … n + 5 with n = 1, 4, 7, … 31',
  },
};

const setKey = (numbers: readonly number[]) => [...numbers].sort((a, b) => a - b).join(',');
const VALID_SETS = Object.fromEntries(
  Object.entries(INSIDE_BETS).map(([type, bet]) => [type, new Set(bet.sets.map(setKey))]),
) as Record<InsideBetType, Set<string>>;

function insideBet<T extends InsideBetType>(type: T) {
  const { count, shape } = INSIDE_BETS[type];
  return z
    .strictObject({
      type: z.literal(type),
      numbers: z.array(z.number().int().min(0).max(36)).length(count),
    })
    .superRefine((bet, ctx) => {
      if (new Set(bet.numbers).size !== bet.numbers.length) {
        ctx.addIssue({ code: 'custom', path: ['numbers'], message: 'must not repeat a number' });
      } else if (!VALID_SETS[type].has(setKey(bet.numbers))) {
        ctx.addIssue({ code: 'custom', path: ['numbers'], message: `a ${type} bet must be ${shape}` });
      }
    });
}

const paramsSchema = z.discriminatedUnion('type', [
  insideBet('straight'),
  insideBet('split'),
  insideBet('street'),
  insideBet('trio'),
  insideBet('corner'),
  insideBet('line'),
  z.strictObject({ type: z.literal('first_four') }),
  z.strictObject({ type: z.literal('dozen'), dozen: z.literal([1, 2, 3]) }),
  z.strictObject({ type: z.literal('column'), column: z.literal([1, 2, 3]) }),
  ...(['red', 'black', 'odd', 'even', 'low', 'high'] as const).map((type) =>
    z.strictObject({ type: z.literal(type) }),
  ),
]);

/** Whether the bet wins when the ball lands on `n`. */
export function covers(bet: RouletteParams, n: number): boolean {
  switch (bet.type) {
    case 'first_four':
      return n <= 3;
    case 'dozen':
      return n >= 1 && Math.ceil(n / 12) === bet.dozen;
    case 'column':
      return n >= 1 && ((n - 1) % 3) + 1 === bet.column;
    case 'red':
      return pocketColor(n) === 'red';
    case 'black':
      return pocketColor(n) === 'black';
    case 'odd':
      return n >= 1 && n % 2 === 1;
    case 'even':
      return n >= 1 && n % 2 === 0;
    case 'low':
      return n >= 1 && n <= 18;
    case 'high':
      return n >= 19;
    default:
      return bet.numbers.includes(n);
  }
}

/** How many pockets the bet covers. */
export function coveredCount(bet: RouletteParams): number {
  switch (bet.type) {
    case 'first_four':
      return 4;
    case 'dozen':
    case 'column':
      return 12;
    case 'red':
    case 'black':
    case 'odd':
    case 'even':
    case 'low':
    case 'high':
      return 18;
    default:
      return bet.numbers.length;
  }
}

export const roulette: InstantGame<RouletteParams, RouletteResult> = {
  kind: 'instant',
  id: 'roulette',
  name: 'European Roulette',
  rtp: 0.973,
  rules:
    'European single-zero wheel, one bet per round; the ball lands on int(first number × 37). A bet ' +
    'on k numbers pays 36/k× the stake: straight (1 number) 36×, split (2 adjacent, incl. 0-1, 0-2, ' +
    '0-3) 18×, street (a row of 3) 12×, trio (0-1-2 or 0-2-3) 12×, corner (4 in a square) 9×, first ' +
    'four (0-1-2-3) 9×, line (two adjacent rows, 6 numbers) 6×, dozen (1–12, 13–24, 25–36) and ' +
    'column 3×, red, black, odd, even, low (1–18) and high (19–36) 2×. Zero loses every outside bet. ' +
    'RTP 36/37 ≈ 97.3% for every bet.',
  params: paramsSchema,
  rtpFor(params) {
    const multiplier = POCKETS - 1;
    let returned = 0;
    for (let n = 0; n < POCKETS; n++) if (covers(params, n)) returned += multiplier / coveredCount(params);
    return returned / POCKETS;
  },
  rtpCases: [
    { type: 'straight', numbers: [17] },
    { type: 'split', numbers: [17, 20] },
    { type: 'dozen', dozen: 2 },
    { type: 'red' },
  ],
  resolve(params, rng) {
    const number = rng.int(POCKETS);
    const multiplier = covers(params, number) ? (POCKETS - 1) / coveredCount(params) : 0;
    return { multiplier, result: { number, color: pocketColor(number) } };
  },
};
