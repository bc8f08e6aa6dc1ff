// Coin flip: call heads or tails; a right call pays 1.98×.
//
// RTP: the coin is fair (the first number of the round's stream below 0.5 is heads; 0.5 is exactly
// 2³¹ of the 2³² possible values), so a call wins with probability 1/2 and returns 1/2 × 1.98 = 0.99:
// a 1% house edge on either side. Randomness: number 0 → the side that came up.
import { z } from '@gameday/telemetry';
import type { InstantGame } from './types';

export type CoinSide = 'heads' | 'tails';

export interface CoinFlipParams {
  side: CoinSide;
}

export interface CoinFlipResult {
  /** The side that came up. */
  outcome: CoinSide;
}

export const COIN_FLIP_WIN_MULTIPLIER = 1.98;

export const coinFlip: InstantGame<CoinFlipParams, CoinFlipResult> = {
  kind: 'instant',
  id: 'coin-flip',
  name: 'Coin Flip',
  rtp: 0.99,
  rules:
    'Call heads or tails. The coin lands heads when the first number of the round is below 0.5, ' +
    'otherwise tails. A right call pays 1.98× the stake, a wrong one loses it (RTP 99%).',
  params: z.strictObject({ side: z.enum(['heads', 'tails']) }),
  rtpFor() {
    return 0.5 * COIN_FLIP_WIN_MULTIPLIER;
  },
  rtpCases: [{ side: 'heads' }, { side: 'tails' }],
  resolve(params, rng) {
    const outcome: CoinSide = rng.next() < 0.5 ? 'heads' : 'tails';
    return { multiplier: outcome === params.side ? COIN_FLIP_WIN_MULTIPLIER : 0, result: { outcome } };
  },
};
