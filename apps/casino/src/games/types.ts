// The contract every game module meets. A game is pure math: given the player's bet parameters and
// a provably fair random stream it decides the result and the payout multiplier. It never touches
// money, the database or HTTP; the casino's bet flow (domain/rounds.ts) does that around it.
import type { z } from '@gameday/telemetry';
import type { GameId } from '../contract';

// The ids are the casino's contract with other packages (src/contract.ts).
export { GAME_IDS } from '../contract';
export type { GameId };

/**
 * A stream of uniform numbers in [0, 1). In play it is `FairRng` (HMAC-SHA256 of the server seed,
 * client seed, nonce and a counter); the same stream can be replayed by anyone who knows the seeds.
 */
export interface Rng {
  /** The next number in [0, 1) (32 bits of the HMAC output). */
  next(): number;
  /** The next integer in [0, n): floor(next() × n). */
  int(n: number): number;
  /** How many numbers have been drawn so far (stateful games store it to resume the stream). */
  readonly cursor: number;
}

/**
 * What a settled bet pays back, as a multiple of the stake: 0 lost, 1 the stake back (a push),
 * 1.98 a coin-flip win. At most 4 decimals; the casino pays floor(stake × multiplier) in cents.
 */
export interface Resolution<R> {
  multiplier: number;
  /** What happened, JSON-serialisable: shown to the player and stored with the round. */
  result: R;
  /** Slots only: the jackpot combination came up (the casino pays the progressive pool). */
  jackpot?: boolean;
}

interface GameInfo<P> {
  id: GameId;
  name: string;
  /**
   * The documented return to player (the mean multiplier) of the game's best or typical bet, e.g.
   * 0.99. Bets whose RTP differs report theirs through `rtpFor`.
   */
  rtp: number;
  /** The rules and payout table in a few sentences, served by GET /api/v1/casino/games. */
  rules: string;
  /**
   * The game-specific part of a bet (the `bet` object of the request body): a strict zod object
   * whose refinements reject every invalid bet with a message naming the field.
   */
  params: z.ZodType<P>;
  /** The exact RTP of a bet with these parameters. */
  rtpFor(params: P): number;
  /** Bets the RTP test simulates (10^6 rounds each). */
  rtpCases: P[];
}

/** A game decided in one draw: coin flip, dice, roulette, slots, baccarat, keno, plinko, crash, wheel. */
export interface InstantGame<P = unknown, R = unknown> extends GameInfo<P> {
  kind: 'instant';
  resolve(params: P, rng: Rng): Resolution<R>;
}

/** An action a player takes on an open hand. */
export type HandAction = 'hit' | 'stand' | 'double';

/** The stored state of an open hand (blackjack). The RNG cursor lets play resume from the seeds. */
export interface HandState<S = unknown> {
  /** Game-specific, JSON-serialisable. */
  state: S;
  /** How many numbers of the round's stream have been drawn. */
  cursor: number;
  /** The stake committed so far as a multiple of the initial stake (2 after a double). */
  stakeMultiple: number;
  /** Set when the hand is over: the total paid back as a multiple of the *initial* stake. */
  settled?: Resolution<unknown>;
}

/** A game played over several requests: blackjack (deal, then hit / stand / double). */
export interface StatefulGame<P = unknown, S = unknown> extends GameInfo<P> {
  kind: 'stateful';
  /** Deals. The hand may settle at once (a blackjack). */
  start(params: P, rng: Rng): HandState<S>;
  /**
   * Applies an action, drawing from `rng` (positioned at `hand.cursor`). Throws `IllegalActionError`
   * when the action is not allowed now (double after a hit, anything on a settled hand).
   */
  act(hand: HandState<S>, action: HandAction, rng: Rng): HandState<S>;
  /** What the player may see: the dealer's hole card stays hidden until the hand is over. */
  view(hand: HandState<S>): unknown;
  /** The actions allowed now. */
  actions(hand: HandState<S>): HandAction[];
}

export type Game = InstantGame<any, any> | StatefulGame<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class IllegalActionError extends Error {}

/** Multipliers are rounded to 4 decimals so that payouts in cents are exact. */
export function roundMultiplier(m: number): number {
  return Math.round(m * 10_000) / 10_000;
}
