// A stand-in for the provably fair stream in game tests: returns the given numbers in order, so a
// test can set up an exact roll, spin or card, and fails loudly when a game draws more than expected.
import type { Rng } from '../src/games/types';

export function stub(...numbers: number[]): Rng {
  let drawn = 0;
  return {
    next() {
      if (drawn >= numbers.length) throw new Error(`the stub ran out of numbers after ${numbers.length}`);
      return numbers[drawn++]!;
    },
    int(n: number) {
      return Math.floor(this.next() * n);
    },
    get cursor() {
      return drawn;
    },
  };
}
