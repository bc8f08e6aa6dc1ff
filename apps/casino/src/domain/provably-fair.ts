// Provably fair randomness. Before a player bets, the casino commits to a secret server seed by
// showing SHA-256(server seed). Each round's numbers are HMAC-SHA256(server seed,
// "<client seed>:<nonce>:<block>"), read 4 bytes at a time as a fraction in [0, 1) (8 numbers per
// block). After the player rotates the seed, the server seed is revealed: anyone can check it
// against the commitment and recompute every round played with it (`verifyRound`, or by hand).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Rng } from '../games/types';

export const NUMBERS_PER_BLOCK = 8;

/** A new server seed: 32 random bytes, hex. */
export function newServerSeed(): string {
  return randomBytes(32).toString('hex');
}

/** A default client seed (the player can set their own). */
export function newClientSeed(): string {
  return randomBytes(8).toString('hex');
}

/** The commitment shown before play: SHA-256 of the server seed's text, hex. */
export function commitment(serverSeed: string): string {
  return createHash('sha256').update(serverSeed).digest('hex');
}

/** Whether `serverSeed` is the seed committed to by `hash` (constant time). */
export function matchesCommitment(serverSeed: string, hash: string): boolean {
  const a = Buffer.from(commitment(serverSeed), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface SeedTriple {
  serverSeed: string;
  clientSeed: string;
  nonce: number;
}

/** The provably fair stream of one round, optionally resumed at `cursor` (a stateful hand). */
export class FairRng implements Rng {
  private block = -1;
  private bytes: Buffer = Buffer.alloc(0);
  private drawn: number;

  constructor(
    private readonly seeds: SeedTriple,
    cursor = 0,
  ) {
    this.drawn = cursor;
  }

  get cursor(): number {
    return this.drawn;
  }

  next(): number {
    const block = Math.floor(this.drawn / NUMBERS_PER_BLOCK);
    if (block !== this.block) {
      this.bytes = createHmac('sha256', this.seeds.serverSeed)
        .update(`${this.seeds.clientSeed}:${this.seeds.nonce}:${block}`)
        .digest();
      this.block = block;
    }
    const offset = (this.drawn % NUMBERS_PER_BLOCK) * 4;
    this.drawn += 1;
    // b0/256 + b1/256² + b2/256³ + b3/256⁴: the 32-bit big-endian integer over 2³².
    return this.bytes.readUInt32BE(offset) / 0x1_0000_0000;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
