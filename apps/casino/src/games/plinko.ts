// Plinko: a ball falls through `rows` rows of pegs and bounces left or right at each, landing in one
// of rows + 1 buckets; bucket k (counted from the left) is the number of right bounces, so it is
// Binomial(rows, 1/2) and the edges are rare. The multiplier tables per (rows, risk) are Stake's
// well-known ones: symmetric, and each returns about 0.99 (house edge ≈ 1%). `rtpFor` is the exact
// expectation Σₖ C(rows, k) / 2^rows × table[k]:
//   8 rows:  low 0.98984, medium 0.98906, high 0.99063
//   12 rows: low 0.98979, medium 0.98989, high 0.99116
//   16 rows: low 0.98999, medium 0.98988, high 0.98976
// Randomness: number i (i = 0 … rows − 1) decides row i + 1: right if it is < 0.5, else left.
import { z } from '@gameday/telemetry';
import { roundMultiplier } from './types';
import type { InstantGame } from './types';

export const PLINKO_ROWS = [8, 12, 16] as const;
export const PLINKO_RISKS = ['low', 'medium', 'high'] as const;
export type PlinkoRows = (typeof PLINKO_ROWS)[number];
export type PlinkoRisk = (typeof PLINKO_RISKS)[number];

export interface PlinkoParams {
  rows: PlinkoRows;
  risk: PlinkoRisk;
}

export interface PlinkoResult {
  /** The bounce at each row, top to bottom. */
  path: ('L' | 'R')[];
  /** The bucket the ball landed in, 0 (far left) … rows (far right): the number of R bounces. */
  bucket: number;
}

// The left half of each table up to and including the centre bucket; the right half mirrors it.
const HALF_TABLES: Record<PlinkoRows, Record<PlinkoRisk, number[]>> = {
  8: {
    low: [5.6, 2.1, 1.1, 1, 0.5],
    medium: [13, 3, 1.3, 0.7, 0.4],
    high: [29, 4, 1.5, 0.3, 0.2],
  },
  12: {
    low: [10, 3, 1.6, 1.4, 1.1, 1, 0.5],
    medium: [33, 11, 4, 2, 1.1, 0.6, 0.3],
    high: [170, 24, 8.1, 2, 0.7, 0.2, 0.2],
  },
  16: {
    low: [16, 9, 2, 1.4, 1.4, 1.2, 1.1, 1, 0.5],
    medium: [110, 41, 10, 5, 3, 1.5, 1, 0.5, 0.3],
    high: [1000, 130, 26, 9, 4, 2, 0.2, 0.2, 0.2],
  },
};

const mirror = (half: number[]): number[] => [...half, ...half.slice(0, -1).reverse()];
const mirrorAll = (halves: Record<PlinkoRisk, number[]>): Record<PlinkoRisk, readonly number[]> => ({
  low: mirror(halves.low),
  medium: mirror(halves.medium),
  high: mirror(halves.high),
});

/** The multiplier of each bucket 0 … rows, left to right. */
export const PLINKO_TABLES: Record<PlinkoRows, Record<PlinkoRisk, readonly number[]>> = {
  8: mirrorAll(HALF_TABLES[8]),
  12: mirrorAll(HALF_TABLES[12]),
  16: mirrorAll(HALF_TABLES[16]),
};

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return c;
}

function rtpFor(params: PlinkoParams): number {
  const table = PLINKO_TABLES[params.rows][params.risk];
  const total = 2 ** params.rows;
  let rtp = 0;
  for (let k = 0; k <= params.rows; k++) rtp += (binomial(params.rows, k) / total) * table[k]!;
  return rtp;
}

// A missing field says so; anything else gets the field's own message.
const required = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : message;

const params = z.strictObject({
  rows: z.literal(PLINKO_ROWS, { error: required('must be 8, 12 or 16') }),
  risk: z.enum(PLINKO_RISKS, { error: required("must be 'low', 'medium' or 'high'") }),
});

function describeTable(rows: PlinkoRows, risk: PlinkoRisk): string {
  return `${risk} ${HALF_TABLES[rows][risk].join('/')}`;
}

export const plinko: InstantGame<PlinkoParams, PlinkoResult> = {
  kind: 'instant',
  id: 'plinko',
  name: 'Plinko',
  rtp: 0.99,
  rules:
    'Choose 8, 12 or 16 rows and a risk level. The ball bounces right at a row when that row’s number ' +
    '(one per row, in order from the top) is below 0.5, otherwise left; the bucket is the number of ' +
    'right bounces and pays the multiplier shown on it. Tables from the edge to the centre (the other ' +
    `half mirrors them) — 8 rows: ${PLINKO_RISKS.map((r) => describeTable(8, r)).join('; ')}. ` +
    `12 rows: ${PLINKO_RISKS.map((r) => describeTable(12, r)).join('; ')}. ` +
    `16 rows: ${PLINKO_RISKS.map((r) => describeTable(16, r)).join('; ')}. ` +
    'Every table returns about 99%.',
  params,
  rtpFor,
  rtpCases: [
    { rows: 8, risk: 'low' },
    { rows: 12, risk: 'high' },
    { rows: 16, risk: 'medium' },
  ],
  resolve(bet, rng) {
    const path: ('L' | 'R')[] = [];
    let bucket = 0;
    for (let row = 0; row < bet.rows; row++) {
      const right = rng.next() < 0.5;
      path.push(right ? 'R' : 'L');
      if (right) bucket += 1;
    }
    return {
      multiplier: roundMultiplier(PLINKO_TABLES[bet.rows][bet.risk][bucket]!),
      result: { path, bucket },
    };
  },
};
