// Wheel: spin a wheel of 10–50 equal segments, each printed with a multiplier; the risk level sets
// how the payouts are spread.
//
// The segment is int(first number × segments), so every segment is equally likely and the RTP of a
// table is the mean of its multipliers. Every table sums to 0.99 × segments, so the RTP is 0.99 (a 1%
// house edge) for every risk and size; rtpFor recomputes the mean in ten-thousandths so that it is
// exact. Low risk repeats 1.5, 1.2 ×3, 0, 1.2 ×4, 0 around the wheel (80% of spins pay); high risk
// has one segment paying 0.99 × segments and nothing else; medium loses on about half the segments
// with a few bigger prizes (3× on 10 segments up to 10× on 50). FairRng numbers are k / 2³², so the
// segments are equally likely to within 2⁻³² each.
import { z } from '@gameday/telemetry';
import type { InstantGame } from './types';

export type WheelRisk = 'low' | 'medium' | 'high';
export type WheelSegments = 10 | 20 | 30 | 40 | 50;

export interface WheelParams {
  risk: WheelRisk;
  segments: WheelSegments;
}

export interface WheelResult {
  /** The segment the wheel stopped on, 0 to segments − 1 clockwise from the top. */
  segment: number;
  multiplier: number;
}

export const WHEEL_SIZES = [10, 20, 30, 40, 50] as const;

const LOW_PATTERN = [1.5, 1.2, 1.2, 1.2, 0, 1.2, 1.2, 1.2, 1.2, 0];

// Laid out so the prizes are spread around the wheel rather than bunched together.
const MEDIUM: Record<WheelSegments, number[]> = {
  10: [3, 0, 1.5, 0, 2, 0, 1.5, 0, 1.9, 0],
  20: [5, 0, 1.5, 0, 3, 0, 1.5, 0, 2, 0, 0, 1.5, 0, 2, 0, 1.5, 0, 1.8, 0, 0],
  30: [
    6, 0, 1.5, 0, 2, 0, 1.5, 0, 1.5, 0, 2, 0, 1.5, 0, 0, 1.7, 0, 2, 0, 1.5, 0, 2, 0, 3, 0, 1.5, 0, 2, 0, 0,
  ],
  40: [
    8, 0, 1.5, 0, 2, 0, 1.5, 0, 2, 0, 0, 3, 0, 1.5, 0, 2, 0, 1.5, 0, 0, 1.6, 0, 3, 0, 1.5, 0, 2, 0, 1.5, 0, 0,
    1.5, 0, 2, 0, 1.5, 0, 2, 0, 0,
  ],
  50: [
    10, 0, 1.5, 0, 2, 0, 1.5, 0, 0, 2, 0, 1.5, 0, 2, 0, 2, 0, 0, 1.5, 0, 2, 0, 1.5, 0, 0, 2, 0, 3, 0, 1.5, 0,
    2, 0, 0, 1.5, 0, 2, 0, 3, 0, 1.5, 0, 0, 2, 0, 1.5, 0, 2, 0, 0,
  ],
};

/** The multiplier of each segment, clockwise from segment 0. */
export const WHEEL_TABLES: Record<WheelRisk, Record<WheelSegments, readonly number[]>> = {
  low: Object.fromEntries(
    WHEEL_SIZES.map((n) => [n, Array.from({ length: n }, (_, i) => LOW_PATTERN[i % 10]!)]),
  ) as Record<WheelSegments, number[]>,
  medium: MEDIUM,
  high: Object.fromEntries(
    WHEEL_SIZES.map((n) => [n, Array.from({ length: n }, (_, i) => (i === 0 ? (99 * n) / 100 : 0))]),
  ) as Record<WheelSegments, number[]>,
};

export const wheel: InstantGame<WheelParams, WheelResult> = {
  kind: 'instant',
  id: 'wheel',
  name: 'Wheel',
  rtp: 0.99,
  rules:
    'Pick a risk and 10, 20, 30, 40 or 50 segments; the wheel stops on segment int(first number × ' +
    'segments) and pays its multiplier. Low risk: per 10 segments one 1.5×, seven 1.2× and two 0. ' +
    'Medium: 10 segments 3×, 2×, 1.9×, 1.5× ×2, 0 ×5; 20: 5×, 3×, 2× ×2, 1.8×, 1.5× ×4, 0 ×11; ' +
    '30: 6×, 3×, 2× ×5, 1.7×, 1.5× ×6, 0 ×16; 40: 8×, 3× ×2, 2× ×6, 1.6×, 1.5× ×8, 0 ×22; ' +
    '50: 10×, 3× ×2, 2× ×10, 1.5× ×9, 0 ×28. High: one segment pays 0.99 × segments (9.9× to 49.5×), ' +
    'the rest 0. Every table averages 0.99× (RTP 99%).',
  params: z.strictObject({
    risk: z.enum(['low', 'medium', 'high']),
    segments: z.literal(WHEEL_SIZES),
  }),
  rtpFor(params) {
    const table = WHEEL_TABLES[params.risk][params.segments];
    const total = table.reduce((sum, m) => sum + Math.round(m * 10_000), 0);
    return total / (table.length * 10_000);
  },
  rtpCases: [
    { risk: 'low', segments: 10 },
    { risk: 'medium', segments: 30 },
    { risk: 'high', segments: 20 },
  ],
  resolve(params, rng) {
    const table = WHEEL_TABLES[params.risk][params.segments];
    const segment = rng.int(table.length);
    const multiplier = table[segment]!;
    return { multiplier, result: { segment, multiplier } };
  },
};
