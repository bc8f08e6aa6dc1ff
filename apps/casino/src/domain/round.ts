// A round: one bet on one game, from reservation to settlement.
import type { GameId, HandState } from '../games/types';

/**
 * pending: recorded, the wallet may or may not have taken the stake; open: a blackjack hand waits
 * for the player; settling: the outcome (and any jackpot) is decided, the payout may not be credited
 * yet; settled: done; void: no money moved (or it was refunded).
 */
export type RoundStatus = 'pending' | 'open' | 'settling' | 'settled' | 'void';

export interface Round {
  id: string;
  playerId: string;
  game: GameId;
  seedId: string;
  serverSeed: string;
  serverSeedHash: string;
  clientSeed: string;
  nonce: number;
  /** Whether the server seed has been revealed (rotated out): only then is it shown. */
  revealed: boolean;
  stake: number;
  params: unknown;
  status: RoundStatus;
  stakeMultiple: number;
  hand: HandState | null;
  multiplier: number | null;
  payout: number | null;
  jackpotWin: number;
  result: unknown;
  voidReason: string | null;
  idempotencyKey: string;
  requestHash: string;
  version: number;
  createdAt: Date;
  settledAt: Date | null;
}

/** The wallet idempotency keys of a round's movements: retries and recovery reuse them. */
export const walletKeys = (roundId: string) => ({
  debit: `round:${roundId}:debit`,
  double: `round:${roundId}:double`,
  payout: `round:${roundId}:payout`,
  refund: `round:${roundId}:refund`,
  doubleRefund: `round:${roundId}:double-refund`,
});

export interface SeedPair {
  id: string;
  serverSeedHash: string;
  clientSeed: string;
  nextNonce: number;
}

export interface RevealedSeed extends SeedPair {
  serverSeed: string;
  revealedAt: Date;
}

export interface Jackpot {
  pool: number;
  seed: number;
  wins: number;
  lastWonAt: Date | null;
}
