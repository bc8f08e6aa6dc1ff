// Crash: a multiplier climbs from 1.00× until it crashes; the player sets an automatic cash-out
// before the round and wins it if the multiplier gets there.
//
// The crash point comes from the round's first number u: floor(99 / (1 − u)) / 100, at least 1.00×
// and at most 1,000,000×. For a cash-out c with 2 decimals (C = 100c hundredths, C ≥ 101):
//   crash ≥ c  ⇔  floor(99 / (1 − u)) ≥ C  ⇔  99 / (1 − u) ≥ C  (C is an integer)  ⇔  u ≥ 1 − 99 / C,
// so P(crash ≥ c) = 99 / C = 0.99 / c exactly for a uniform u, and the RTP is c × 0.99 / c = 0.99
// for every cash-out: a 1% house edge. It is also why 1% of rounds (u < 0.01) crash at 1.00×. The
// 1,000,000× cap never binds, since cash-outs stop at 1000×. FairRng numbers are k / 2³², which
// moves P(crash ≥ c) by less than 2⁻³² (the RTP by less than c × 2⁻³² ≤ 2.4 × 10⁻⁷); rtpFor gives
// the uniform value 0.99. The comparison is made in whole hundredths, and the floating-point
// division cannot misplace a boundary: 1 − k / 2³² is exact, and 99 × 2³² / (2³² − k) is either a
// whole number (computed exactly) or at least a relative 1 / (99 × 2³²) ≈ 2.4 × 10⁻¹² away from one,
// far more than the division's relative rounding error of 2⁻⁵³.
import { z } from '@gameday/telemetry';
import type { InstantGame } from './types';

export interface CrashParams {
  /** The automatic cash-out multiplier, 1.01 to 1000 with 2 decimals at most. */
  cash_out: number;
}

export interface CrashResult {
  /** Where the multiplier crashed, 1.00 to 1,000,000 with 2 decimals. */
  crash_point: number;
  /** Whether the multiplier reached the cash-out before crashing. */
  cashed_out: boolean;
}

export const MIN_CASH_OUT = 1.01;
export const MAX_CASH_OUT = 1000;
const MAX_CRASH_HUNDREDTHS = 100_000_000;

/** The crash point in hundredths for a stream number u in [0, 1). */
export function crashHundredths(u: number): number {
  return Math.min(MAX_CRASH_HUNDREDTHS, Math.max(100, Math.floor(99 / (1 - u))));
}

const hasAtMostTwoDecimals = (x: number) => Math.round(x * 100) / 100 === x;

export const crash: InstantGame<CrashParams, CrashResult> = {
  kind: 'instant',
  id: 'crash',
  name: 'Crash',
  rtp: 0.99,
  rules:
    'Set an automatic cash-out from 1.01× to 1000× (2 decimals) before the round. The multiplier ' +
    'crashes at max(1, floor(99 / (1 − first number)) / 100), capped at 1,000,000×: 1% of rounds ' +
    'crash at 1.00×, and it reaches any c with probability 0.99 / c. If the crash point is at least ' +
    'your cash-out you win cash-out× the stake, otherwise you lose it (RTP 99% for every cash-out).',
  params: z
    .strictObject({ cash_out: z.number().min(MIN_CASH_OUT).max(MAX_CASH_OUT) })
    .superRefine((bet, ctx) => {
      if (!hasAtMostTwoDecimals(bet.cash_out)) {
        ctx.addIssue({ code: 'custom', path: ['cash_out'], message: 'must have at most 2 decimals' });
      }
    }),
  rtpFor() {
    return 0.99;
  },
  rtpCases: [{ cash_out: 1.01 }, { cash_out: 2 }, { cash_out: 10 }],
  resolve(params, rng) {
    const crashPoint = crashHundredths(rng.next());
    const cashedOut = crashPoint >= Math.round(params.cash_out * 100);
    return {
      multiplier: cashedOut ? params.cash_out : 0,
      result: { crash_point: crashPoint / 100, cashed_out: cashedOut },
    };
  },
};
