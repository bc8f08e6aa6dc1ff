// Keno: the player picks 1–10 distinct numbers from 1–80, the casino draws 20 of the 80, and the
// bet pays by how many picks were drawn (hits), from the table for that many picks. With k picks
// the hits are hypergeometric: P(h) = C(k, h) × C(80 − k, 20 − h) / C(80, 20), so the RTP of a
// k-pick bet is Σₕ P(h) × pay[k][h], computed exactly (integer binomials) by `rtpFor`:
//   picks:  1       2       3       4       5       6       7       8       9       10
//   RTP:    0.9500  0.9500  0.9574  0.9442  0.9491  0.9436  0.9503  0.9432  0.9404  0.9438
// (house edge 4.3–6%). The tables put most of the return on the common outcomes; the top prize is
// capped at ×10,000, so the most volatile bets (5+ picks) have a standard deviation of 20–36 per
// round.
// Randomness: a partial Fisher–Yates shuffle of the numbers 1–80. Start with pool = [1, 2, …, 80];
// for i = 0 … 19, j = i + int(80 − i) of the next number, swap pool[i] and pool[j]; the i-th
// number drawn is pool[i] (20 numbers, i.e. numbers 0–19 of the stream).
import { z } from '@gameday/telemetry';
import { roundMultiplier } from './types';
import type { InstantGame } from './types';

export const KENO_NUMBERS = 80;
export const KENO_DRAWN = 20;
export const KENO_MAX_PICKS = 10;

const POOL = Array.from({ length: KENO_NUMBERS }, (_, i) => i + 1);

export interface KenoParams {
  /** 1–10 distinct numbers from 1–80. */
  picks: number[];
}

export interface KenoResult {
  /** The 20 numbers drawn, in draw order. */
  drawn: number[];
  /** The picks that were drawn, ascending. */
  hits: number[];
}

/**
 * KENO_PAYTABLE[k][h]: the multiplier for h hits with k picks (index 0 unused). Missing entries pay
 * 0. A 10-pick bet also pays for catching none of the ten.
 */
export const KENO_PAYTABLE: readonly (readonly number[])[] = [
  [],
  [0, 3.8],
  [0, 0, 15.8],
  [0, 0, 2, 49],
  [0, 0, 1, 7, 140],
  [0, 0, 0, 3, 15, 800],
  [0, 0, 0, 1, 7, 115, 2000],
  [0, 0, 0, 1, 2, 24, 400, 7000],
  [0, 0, 0, 0, 2, 12, 110, 1600, 10_000],
  [0, 0, 0, 0, 1, 6, 50, 350, 4000, 10_000],
  [3, 0, 0, 0, 0, 3, 24, 130, 1000, 5000, 10_000],
];

function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let c = 1n;
  for (let i = 0; i < k; i++) c = (c * BigInt(n - i)) / BigInt(i + 1);
  return c;
}

const rtpByPicks = new Map<number, number>();

function rtpFor(params: KenoParams): number {
  const k = params.picks.length;
  let rtp = rtpByPicks.get(k);
  if (rtp === undefined) {
    // The ways to catch h of k picks, weighted by pay, summed in integers (pays have at most 4
    // decimals, so 10^4 × pay is whole); only the final division rounds.
    let returned = 0n;
    KENO_PAYTABLE[k]!.forEach((pay, h) => {
      returned += BigInt(Math.round(pay * 10_000)) * choose(k, h) * choose(KENO_NUMBERS - k, KENO_DRAWN - h);
    });
    rtp = Number(returned) / Number(choose(KENO_NUMBERS, KENO_DRAWN)) / 10_000;
    rtpByPicks.set(k, rtp);
  }
  return rtp;
}

const pick = z
  .number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a number from 1 to 80') })
  .int({ error: 'must be a whole number from 1 to 80' })
  .min(1, { error: 'must be a number from 1 to 80' })
  .max(KENO_NUMBERS, { error: 'must be a number from 1 to 80' });

const params = z.strictObject({
  picks: z
    .array(pick, {
      error: (issue) =>
        issue.input === undefined ? 'is required' : 'must be an array of 1 to 10 numbers from 1 to 80',
    })
    .min(1, { error: 'must pick at least 1 number' })
    .max(KENO_MAX_PICKS, { error: 'must pick at most 10 numbers' })
    .superRefine((picks, ctx) => {
      const first = new Map<number, number>();
      picks.forEach((n, i) => {
        const earlier = first.get(n);
        if (earlier === undefined) first.set(n, i);
        else
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `must not repeat a pick (${n} is already picks[${earlier}])`,
          });
      });
    }),
});

function describePaytable(): string {
  return KENO_PAYTABLE.slice(1)
    .map((row, k) => {
      const pays = row.flatMap((pay, h) => (pay > 0 ? [`${h}→×${pay}`] : []));
      return `${k + 1} pick${k === 0 ? '' : 's'}: ${pays.join(', ')}`;
    })
    .join('; ');
}

export const keno: InstantGame<KenoParams, KenoResult> = {
  kind: 'instant',
  id: 'keno',
  name: 'Keno',
  // The best bet (3 picks); every pick count returns 94–96%.
  rtp: roundMultiplier(rtpFor({ picks: [1, 2, 3] })),
  rules:
    'Pick 1 to 10 different numbers from 1 to 80. Twenty numbers are drawn: starting from the list ' +
    '1…80, for i = 0…19 the i-th number of the stream picks j = i + int(80 − i), positions i and j ' +
    'swap, and the number now at position i is drawn. You are paid by how many of your picks are ' +
    `drawn (hits → multiplier): ${describePaytable()}. Every pick count returns 94–96%.`,
  params,
  rtpFor,
  rtpCases: [{ picks: [17] }, { picks: [3, 41, 80] }],
  resolve(bet, rng) {
    const pool = POOL.slice();
    for (let i = 0; i < KENO_DRAWN; i++) {
      const j = i + rng.int(KENO_NUMBERS - i);
      const chosen = pool[j]!;
      pool[j] = pool[i]!;
      pool[i] = chosen;
    }
    const drawn = pool.slice(0, KENO_DRAWN);
    const hits = bet.picks.filter((n) => drawn.includes(n)).sort((a, b) => a - b);
    return {
      multiplier: KENO_PAYTABLE[bet.picks.length]![hits.length] ?? 0,
      result: { drawn, hits },
    };
  },
};
