// Monte Carlo check of a game's documented RTP with the deterministic provably fair stream: round i
// uses a fixed server and client seed and nonce i, so every run of the simulation is identical and
// any round can be replayed. Used by each game's RTP test (10^6 rounds) and `npm run bench`.
import { FairRng } from '../domain/provably-fair';
import type { Game, HandAction, Rng } from './types';

export const SIMULATION_SEEDS = { serverSeed: 'gameday-rtp-simulation', clientSeed: 'rtp' } as const;

/** How a simulated player acts on an open hand (blackjack: basic strategy). */
export type Strategy = (view: unknown, actions: HandAction[]) => HandAction;

export interface RtpReport {
  rounds: number;
  /**
   * The measured RTP per initial stake, as casinos publish it: 1 − (net loss per round ÷ initial
   * stake). For games whose stake never changes it is total returned / total staked; for blackjack a
   * double adds a second stake, and the RTP stays per initial stake.
   */
  rtp: number;
  /** The documented RTP of the simulated bet. */
  expected: number;
  /** Sample standard deviation of one round's net result per initial stake. */
  sd: number;
  /** Standard error of `rtp`. */
  standardError: number;
  /** The accepted interval: expected ± z × standard error. */
  interval: [number, number];
  z: number;
  /** Whether the measured RTP lies in the interval. */
  within: boolean;
}

/** Plays one round to the end; returns the multiplier on the initial stake and the stake committed. */
export function playRound(
  game: Game,
  params: unknown,
  rng: Rng,
  strategy?: Strategy,
): { multiplier: number; staked: number } {
  if (game.kind === 'instant') return { multiplier: game.resolve(params, rng).multiplier, staked: 1 };
  if (!strategy) throw new Error(`${game.id} is played over several actions: pass a strategy`);
  let hand = game.start(params, rng);
  for (let step = 0; !hand.settled; step++) {
    if (step > 64) throw new Error(`${game.id}: the hand did not settle within 64 actions`);
    hand = game.act(hand, strategy(game.view(hand), game.actions(hand)), rng);
  }
  return { multiplier: hand.settled.multiplier, staked: hand.stakeMultiple };
}

/**
 * Simulates `rounds` rounds of `params` and compares the measured RTP (per initial stake) with the
 * documented one. `z` = 5 keeps the
 * chance of a false failure below one in a million for a correct game.
 */
export function simulateRtp(
  game: Game,
  params: unknown,
  options: { rounds?: number; strategy?: Strategy; z?: number; expected?: number } = {},
): RtpReport {
  const rounds = options.rounds ?? 1_000_000;
  const z = options.z ?? 5;
  const expected = options.expected ?? game.rtpFor(params as never);
  let returned = 0;
  let staked = 0;
  // Running variance of each round's net result around the expected one.
  let sum = 0;
  let sumSq = 0;
  for (let nonce = 0; nonce < rounds; nonce++) {
    const rng = new FairRng({ ...SIMULATION_SEEDS, nonce });
    const r = playRound(game, params, rng, options.strategy);
    returned += r.multiplier;
    staked += r.staked;
    const d = r.multiplier - r.staked - (expected - 1);
    sum += d;
    sumSq += d * d;
  }
  const variance = (sumSq - (sum * sum) / rounds) / (rounds - 1);
  const sd = Math.sqrt(Math.max(variance, 0));
  const standardError = sd / Math.sqrt(rounds);
  const rtp = 1 + (returned - staked) / rounds;
  const interval: [number, number] = [expected - z * standardError, expected + z * standardError];
  return {
    rounds,
    rtp,
    expected,
    sd,
    standardError,
    interval,
    z,
    within: rtp >= interval[0] && rtp <= interval[1],
  };
}
