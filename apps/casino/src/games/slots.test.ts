import { FairRng } from '../domain/provably-fair';
import { simulateRtp } from './simulate';
import { JACKPOT_CONTRIBUTION, JACKPOT_PROBABILITY, REEL_STRIPS, SLOT_SYMBOLS, slots } from './slots';
import type { SlotSymbol } from './slots';
import type { Rng } from './types';

/** An Rng whose numbers stop the reels at `stops` ((stop + ½) / 32), failing if asked for more. */
function stopsRng(stops: number[]): Rng {
  let i = 0;
  return {
    get cursor() {
      return i;
    },
    next() {
      if (i >= stops.length) throw new Error(`stub exhausted after ${stops.length} numbers`);
      return (stops[i++]! + 0.5) / 32;
    },
    int(n: number) {
      return Math.floor(this.next() * n);
    },
  };
}

describe('slots reels and payouts', () => {
  it('shows stop − 1, stop and stop + 1 of each strip, wrapping, from three numbers in reel order', () => {
    const rng = stopsRng([0, 0, 0]);
    const { result } = slots.resolve({ lines: 5 }, rng);
    expect(result.stops).toEqual([0, 0, 0]);
    expect(result.grid).toEqual([
      ['seven', 'bell', 'bar'], // position 31 of each strip
      ['orange', 'cherry', 'cherry'],
      ['bell', 'bell', 'lemon'],
    ]);
    expect(rng.cursor).toBe(3);
    // Cherries on reels 2 and 3 only pay nothing: the two cherries must start on reel 1.
    expect(result.wins).toEqual([]);
  });

  it('pays three of a kind on the middle line', () => {
    const pays: Record<SlotSymbol, number> = {
      cherry: 10,
      lemon: 15,
      orange: 24,
      bell: 50,
      bar: 80,
      seven: 150,
      jackpot: 100,
    };
    for (const symbol of SLOT_SYMBOLS) {
      const stops = REEL_STRIPS.map((strip) => strip.indexOf(symbol));
      const { multiplier, result } = slots.resolve({ lines: 1 }, stopsRng(stops));
      expect(result.grid[1]).toEqual([symbol, symbol, symbol]);
      expect([symbol, multiplier]).toEqual([symbol, pays[symbol]]);
      expect(result.wins).toEqual([{ line: 1, symbol, count: 3, multiplier: pays[symbol] }]);
    }
  });

  it('pays 4 for cherries on the first two reels of a line', () => {
    // Middle row: cherry, cherry, lemon.
    const { multiplier, result } = slots.resolve({ lines: 1 }, stopsRng([3, 0, 1]));
    expect(result.grid[1]).toEqual(['cherry', 'cherry', 'lemon']);
    expect(multiplier).toBe(4);
    expect(result.wins).toEqual([{ line: 1, symbol: 'cherry', count: 2, multiplier: 4 }]);
  });

  it('splits the stake over the lines played', () => {
    // Three cherries on the middle line only: 10 line stakes out of 3 → 3.3333 (4 decimals).
    expect(slots.resolve({ lines: 3 }, stopsRng([3, 0, 0])).multiplier).toBe(3.3333);
    expect(slots.resolve({ lines: 5 }, stopsRng([3, 0, 0])).multiplier).toBe(2);
  });

  it('wins the progressive jackpot with three jackpot symbols on the middle line, whatever the lines', () => {
    for (const lines of [1, 5]) {
      const resolution = slots.resolve({ lines }, stopsRng([2, 9, 13]));
      expect(resolution.jackpot).toBe(true);
      expect(resolution.result.jackpot).toBe(true);
      expect(resolution.result.grid[1]).toEqual(['jackpot', 'jackpot', 'jackpot']);
      // The line also pays the symbol's base 100 line stakes.
      expect(resolution.multiplier).toBe(100 / lines);
    }
  });

  it('pays a jackpot line on a diagonal only its base pay, and only when that line is played', () => {
    // Line 4 (top left to bottom right) shows three jackpots; the middle line does not.
    const five = slots.resolve({ lines: 5 }, stopsRng([3, 9, 12]));
    expect(five.result.grid.map((row) => row.join(' '))).toEqual([
      'jackpot bell bar',
      'cherry jackpot cherry',
      'lemon lemon jackpot',
    ]);
    expect(five.jackpot).toBe(false);
    expect(five.result.wins).toEqual([{ line: 4, symbol: 'jackpot', count: 3, multiplier: 100 }]);
    expect(five.multiplier).toBe(20);
    const three = slots.resolve({ lines: 3 }, stopsRng([3, 9, 12]));
    expect(three.multiplier).toBe(0);
    expect(three.result.wins).toEqual([]);
  });

  it('reads the two diagonals and the outer rows', () => {
    // Line 5 runs bottom left → middle → top right; find stops that put bells there.
    const bell = (reel: number, offset: number) => {
      const strip = REEL_STRIPS[reel]!;
      return (strip.indexOf('bell') - offset + strip.length) % strip.length;
    };
    const line5 = slots.resolve({ lines: 5 }, stopsRng([bell(0, 1), bell(1, 0), bell(2, -1)]));
    expect([line5.result.grid[2]![0], line5.result.grid[1]![1], line5.result.grid[0]![2]]).toEqual([
      'bell',
      'bell',
      'bell',
    ]);
    expect(line5.result.wins).toContainEqual({ line: 5, symbol: 'bell', count: 3, multiplier: 50 });
    const top = slots.resolve({ lines: 2 }, stopsRng([bell(0, -1), bell(1, -1), bell(2, -1)]));
    expect(top.result.wins).toContainEqual({ line: 2, symbol: 'bell', count: 3, multiplier: 50 });
    const bottom = slots.resolve({ lines: 3 }, stopsRng([bell(0, 1), bell(1, 1), bell(2, 1)]));
    expect(bottom.result.wins).toContainEqual({ line: 3, symbol: 'bell', count: 3, multiplier: 50 });
  });
});

describe('slots bet validation', () => {
  it('accepts 1 to 5 lines', () => {
    for (const lines of [1, 2, 3, 4, 5]) expect(slots.params.safeParse({ lines }).success).toBe(true);
  });

  it('rejects other line counts, naming the field', () => {
    for (const lines of [0, 6, -1, 2.5, '3', null, Number.NaN]) {
      const parsed = slots.params.safeParse({ lines });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues.map((i) => i.path)).toEqual([['lines']]);
    }
  });

  it('rejects a missing or unknown field', () => {
    expect(slots.params.safeParse({}).error!.issues).toMatchObject([
      { path: ['lines'], message: 'is required' },
    ]);
    const unknown = slots.params.safeParse({ lines: 1, coins: 2 });
    expect(unknown.success).toBe(false);
    expect(unknown.error!.issues[0]!.code).toBe('unrecognized_keys');
  });
});

describe('slots RTP and jackpot', () => {
  const count = (reel: number, symbol: SlotSymbol) => REEL_STRIPS[reel]!.filter((s) => s === symbol).length;

  // Independent of rtpFor's enumeration: each line's symbols are independent draws from the three
  // strips, so a line returns Σ pay × Π p(symbol) + 4 × P(cherry, cherry, not cherry).
  function perLineRtp(): number {
    const pays: Record<SlotSymbol, number> = {
      cherry: 10,
      lemon: 15,
      orange: 24,
      bell: 50,
      bar: 80,
      seven: 150,
      jackpot: 100,
    };
    const p = (reel: number, symbol: SlotSymbol) => count(reel, symbol) / REEL_STRIPS[reel]!.length;
    let rtp = 0;
    for (const s of SLOT_SYMBOLS) rtp += pays[s] * p(0, s) * p(1, s) * p(2, s);
    return rtp + 4 * p(0, 'cherry') * p(1, 'cherry') * (1 - p(2, 'cherry'));
  }

  it('has 32-stop strips with the documented symbol counts', () => {
    const expected = { cherry: 8, lemon: 7, orange: 6, bell: 5, bar: 3, seven: 2, jackpot: 1 };
    for (let reel = 0; reel < 3; reel++) {
      expect(REEL_STRIPS[reel]).toHaveLength(32);
      expect(Object.fromEntries(SLOT_SYMBOLS.map((s) => [s, count(reel, s)]))).toEqual(expected);
    }
  });

  it('rtpFor equals the per-line expectation for every line count (up to 4-decimal rounding)', () => {
    expect(perLineRtp()).toBeCloseTo(31_303 / 32_768, 12);
    for (const lines of [1, 2, 4, 5]) expect(slots.rtpFor({ lines })).toBeCloseTo(perLineRtp(), 12);
    // A third of a line pay is rounded to 4 decimals.
    expect(Math.abs(slots.rtpFor({ lines: 3 }) - perLineRtp())).toBeLessThan(0.00005);
    expect(slots.rtpFor({ lines: 3 })).not.toBe(slots.rtpFor({ lines: 1 }));
    expect(slots.rtp).toBe(0.9553);
  });

  it('exports the exact jackpot probability and the 1% contribution', () => {
    let hits = 0;
    for (let a = 0; a < 32; a++) {
      for (let b = 0; b < 32; b++) {
        for (let c = 0; c < 32; c++) if (slots.resolve({ lines: 1 }, stopsRng([a, b, c])).jackpot) hits += 1;
      }
    }
    expect(JACKPOT_PROBABILITY).toBe(hits / 32 ** 3);
    expect(JACKPOT_PROBABILITY).toBe(1 / 32_768);
    expect(JACKPOT_CONTRIBUTION).toBe(0.01);
  });

  it('replays the same spin from the same seeds', () => {
    const seeds = { serverSeed: 'server', clientSeed: 'client', nonce: 11 };
    expect(slots.resolve({ lines: 5 }, new FairRng(seeds))).toEqual(
      slots.resolve({ lines: 5 }, new FairRng(seeds)),
    );
    const stops = new Set(
      [0, 1, 2, 3].map((nonce) =>
        slots.resolve({ lines: 5 }, new FairRng({ ...seeds, nonce })).result.stops.join(),
      ),
    );
    expect(stops.size).toBeGreaterThan(1);
  });

  it.each(slots.rtpCases.map((c) => [c.lines, c] as const))(
    'simulated base RTP with %i line(s) over 10^6 spins matches rtpFor',
    (_lines, bet) => {
      const report = simulateRtp(slots, bet, { rounds: 1_000_000 });
      expect(report.within).toBe(true);
      expect(Math.abs(report.rtp - slots.rtpFor(bet))).toBeLessThan(0.02);
    },
    120_000,
  );
});
