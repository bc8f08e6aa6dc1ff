// Dice: roll a number from 0.00 to 100.00 and bet that it lands over or under a target.
//
// The roll is floor(u × 10001) / 100 for the round's first number u: one of 10,001 equally likely
// values 0.00, 0.01, … 100.00. With the target T in hundredths, "over" wins on the 10000 − T rolls
// above it and "under" on the T rolls below it, so the win chance is that count / 10001 (a roll equal
// to the target loses either way). The multiplier is 0.99 / chance rounded *down* to 4 decimals, so
// the RTP (chance × multiplier) is at most 0.99 and below it by less than chance × 0.0001: the house
// edge is 1% plus that rounding. Chances are kept between 1% and 98% (multipliers 98.0296× down to
// 1.0103×). FairRng numbers are k / 2³², which makes the 10,001 rolls equal in probability to
// within 2⁻³² each; rtpFor treats them as exactly equal.
import { z } from '@gameday/telemetry';
import type { InstantGame } from './types';

export type DiceDirection = 'over' | 'under';

export interface DiceParams {
  /** The target roll, 2 decimals at most. */
  target: number;
  direction: DiceDirection;
}

export interface DiceResult {
  /** The roll, 0.00 to 100.00. */
  roll: number;
  won: boolean;
}

/** How many different rolls there are (0.00 … 100.00 in steps of 0.01). */
export const DICE_OUTCOMES = 10_001;
const MIN_CHANCE_PERCENT = 1;
const MAX_CHANCE_PERCENT = 98;

/** How many of the 10,001 rolls win, with the target in hundredths. */
function winningRolls(targetHundredths: number, direction: DiceDirection): number {
  return direction === 'over' ? DICE_OUTCOMES - 1 - targetHundredths : targetHundredths;
}

/** The allowed targets (in hundredths) for a direction: those whose chance is within 1%–98%. */
function targetRange(direction: DiceDirection): [number, number] {
  const fewest = Math.ceil((MIN_CHANCE_PERCENT * DICE_OUTCOMES) / 100);
  const most = Math.floor((MAX_CHANCE_PERCENT * DICE_OUTCOMES) / 100);
  return direction === 'over' ? [DICE_OUTCOMES - 1 - most, DICE_OUTCOMES - 1 - fewest] : [fewest, most];
}

export function diceWinChance(params: DiceParams): number {
  return winningRolls(Math.round(params.target * 100), params.direction) / DICE_OUTCOMES;
}

/** floor4(0.99 / chance), in integers so that no float rounding can push it up. */
export function diceMultiplier(params: DiceParams): number {
  const wins = winningRolls(Math.round(params.target * 100), params.direction);
  return Math.floor((99 * DICE_OUTCOMES * 100) / wins) / 10_000;
}

const hasAtMostTwoDecimals = (x: number) => Math.round(x * 100) / 100 === x;

export const dice: InstantGame<DiceParams, DiceResult> = {
  kind: 'instant',
  id: 'dice',
  name: 'Dice',
  rtp: 0.99,
  rules:
    'A roll from 0.00 to 100.00 (10,001 equally likely values: floor(first number × 10001) / 100). ' +
    'Pick a target (2 decimals) and bet the roll lands over or under it; a roll equal to the target ' +
    'loses. The win chance is the number of winning rolls / 10001, between 1% and 98% (over: target ' +
    '2.00–98.99; under: target 1.01–98.00), and a win pays 0.99 / chance rounded down to 4 decimals ' +
    '(e.g. under 50.00: chance 49.995%, 1.9801×), so the RTP is 99% less that rounding.',
  params: z
    .strictObject({
      target: z.number().min(0).max(100),
      direction: z.enum(['over', 'under']),
    })
    .superRefine((bet, ctx) => {
      if (!hasAtMostTwoDecimals(bet.target)) {
        ctx.addIssue({ code: 'custom', path: ['target'], message: 'must have at most 2 decimals' });
        return;
      }
      const [low, high] = targetRange(bet.direction);
      const t = Math.round(bet.target * 100);
      if (t < low || t > high) {
        const chance = (winningRolls(t, bet.direction) / DICE_OUTCOMES) * 100;
        ctx.addIssue({
          code: 'custom',
          path: ['target'],
          message:
            `gives a win chance of ${chance.toFixed(2)}%, outside 1%–98%: ` +
            `bets ${bet.direction} need a target from ${(low / 100).toFixed(2)} to ${(high / 100).toFixed(2)}`,
        });
      }
    }),
  rtpFor(params) {
    return diceWinChance(params) * diceMultiplier(params);
  },
  rtpCases: [
    { target: 50.5, direction: 'over' },
    { target: 10, direction: 'under' },
    { target: 95.99, direction: 'over' },
  ],
  resolve(params, rng) {
    const hundredths = rng.int(DICE_OUTCOMES);
    const t = Math.round(params.target * 100);
    const won = params.direction === 'over' ? hundredths > t : hundredths < t;
    return { multiplier: won ? diceMultiplier(params) : 0, result: { roll: hundredths / 100, won } };
  },
};
