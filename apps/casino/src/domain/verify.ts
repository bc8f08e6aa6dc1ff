// Anyone can check a round: with the revealed server seed, the client seed, the nonce and the bet,
// recompute the outcome and compare it with what the casino recorded. Pure: no database, no
// network. The same function backs POST /api/v1/casino/verify and the verification of stored rounds.
import { isDeepStrictEqual } from 'node:util';
import { GAMES } from '../games';
import type { GameId, HandAction, HandState } from '../games/types';
import { roundMultiplier } from '../games/types';
import { commitment, FairRng } from './provably-fair';

export interface VerifyInput {
  game: GameId;
  serverSeed: string;
  /** The commitment shown before play; when given it must match the server seed. */
  serverSeedHash?: string | undefined;
  clientSeed: string;
  nonce: number;
  /** The game-specific bet parameters (already validated against the game's schema). */
  params: unknown;
  /** Blackjack: the player's actions in order. */
  actions?: HandAction[] | undefined;
}

export interface Recomputed {
  /** Whether SHA-256(server seed) equals the commitment (true when none was given). */
  commitmentMatches: boolean;
  multiplier: number;
  result: unknown;
  /** Blackjack: the final hand. */
  hand?: HandState;
}

export function recompute(input: VerifyInput): Recomputed {
  const game = GAMES[input.game];
  const rng = new FairRng({ serverSeed: input.serverSeed, clientSeed: input.clientSeed, nonce: input.nonce });
  const commitmentMatches =
    input.serverSeedHash === undefined || commitment(input.serverSeed) === input.serverSeedHash;
  if (game.kind === 'instant') {
    const r = game.resolve(input.params, rng);
    return { commitmentMatches, multiplier: roundMultiplier(r.multiplier), result: r.result };
  }
  let hand = game.start(input.params, rng);
  for (const action of input.actions ?? []) {
    if (hand.settled) break;
    hand = game.act(hand, action, new FairRng(seedsOf(input), hand.cursor));
  }
  return {
    commitmentMatches,
    multiplier: roundMultiplier(hand.settled?.multiplier ?? 0),
    result: hand.settled?.result ?? game.view(hand),
    hand,
  };
}

const seedsOf = (i: VerifyInput) => ({ serverSeed: i.serverSeed, clientSeed: i.clientSeed, nonce: i.nonce });

/** Whether a recorded outcome is the one its seeds produce. */
export function matchesRecord(
  recomputed: Recomputed,
  recorded: { multiplier: number | null; result: unknown },
): boolean {
  return (
    recomputed.commitmentMatches &&
    recorded.multiplier === recomputed.multiplier &&
    isDeepStrictEqual(JSON.parse(JSON.stringify(recomputed.result)), recorded.result)
  );
}
