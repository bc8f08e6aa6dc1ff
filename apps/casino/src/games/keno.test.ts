import { FairRng } from '../domain/provably-fair';
import { KENO_PAYTABLE, keno } from './keno';
import { simulateRtp } from './simulate';
import type { Rng } from './types';

/** Returns the given numbers in order (repeating the last) and counts how many were drawn. */
function stubRng(numbers: number[]): Rng {
  let i = 0;
  return {
    get cursor() {
      return i;
    },
    next() {
      return numbers[Math.min(i++, numbers.length - 1)]!;
    },
    int(n: number) {
      return Math.floor(this.next() * n);
    },
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('keno draw and payouts', () => {
  it('draws 1…20 in order when every number is 0 (j = i leaves the pool in place)', () => {
    const rng = stubRng([0]);
    const { result } = keno.resolve({ picks: [1] }, rng);
    expect(result.drawn).toEqual(range(1, 20));
    expect(rng.cursor).toBe(20);
  });

  it('swaps position i with j = i + int(80 − i)', () => {
    // Just under 1, j is always 79: 80 is drawn first, then the value moved to the end each time.
    expect(keno.resolve({ picks: [1] }, stubRng([0.99999])).result.drawn).toEqual([80, ...range(1, 19)]);
    // First number 0.5 → j = int(40) = 40 → pool[40] = 41 is drawn first, and 1 moves to 41's place.
    const halfThenZero = keno.resolve({ picks: [1] }, stubRng([0.5, 0])).result.drawn;
    expect(halfThenZero).toEqual([41, ...range(2, 20)]);
  });

  it('draws 20 distinct numbers from 1–80', () => {
    for (let nonce = 0; nonce < 200; nonce++) {
      const { drawn } = keno.resolve(
        { picks: [1] },
        new FairRng({ serverSeed: 's', clientSeed: 'c', nonce }),
      ).result;
      expect(new Set(drawn).size).toBe(20);
      for (const n of drawn) expect(n >= 1 && n <= 80 && Number.isInteger(n)).toBe(true);
    }
  });

  it('pays by the number of hits from the table of the pick count', () => {
    // Numbers 1–20 are drawn.
    const zeros = () => stubRng([0]);
    expect(keno.resolve({ picks: range(1, 10) }, zeros()).multiplier).toBe(10_000);
    expect(keno.resolve({ picks: range(21, 30) }, zeros()).multiplier).toBe(3); // 0 of 10
    expect(keno.resolve({ picks: [...range(16, 20), ...range(61, 65)] }, zeros()).multiplier).toBe(3); // 5 of 10
    expect(keno.resolve({ picks: [7] }, zeros()).multiplier).toBe(3.8);
    expect(keno.resolve({ picks: [21] }, zeros()).multiplier).toBe(0);
    expect(keno.resolve({ picks: [2, 19] }, zeros()).multiplier).toBe(15.8);
    expect(keno.resolve({ picks: [2, 79] }, zeros()).multiplier).toBe(0);
    expect(keno.resolve({ picks: [5, 55, 15] }, zeros()).multiplier).toBe(2);
    expect(keno.resolve({ picks: [1, 2, 3, 4, 5, 6, 70] }, zeros()).multiplier).toBe(400);
    expect(keno.resolve({ picks: [1, 2, 3, 4, 5, 60, 70, 80] }, zeros()).multiplier).toBe(12);
  });

  it('reports the hits ascending', () => {
    const { result } = keno.resolve({ picks: [20, 77, 3, 11] }, stubRng([0]));
    expect(result.hits).toEqual([3, 11, 20]);
  });

  it('has a row of k + 1 pays per pick count, 4 decimals at most, top prize at most 10,000', () => {
    for (let k = 1; k <= 10; k++) {
      expect(KENO_PAYTABLE[k]).toHaveLength(k + 1);
      for (const m of KENO_PAYTABLE[k]!) {
        expect(Math.round(m * 10_000) / 10_000).toBe(m);
        expect(m).toBeLessThanOrEqual(10_000);
      }
    }
  });
});

describe('keno bet validation', () => {
  const issues = (bet: unknown) => {
    const parsed = keno.params.safeParse(bet);
    expect(parsed.success).toBe(false);
    return parsed.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };

  it('accepts 1 to 10 distinct numbers from 1 to 80', () => {
    expect(keno.params.safeParse({ picks: [1] }).success).toBe(true);
    expect(keno.params.safeParse({ picks: [80, 1, 40, 2, 3, 4, 5, 6, 7, 8] }).success).toBe(true);
  });

  it('rejects too few and too many picks', () => {
    expect(issues({ picks: [] })).toEqual([{ path: 'picks', message: 'must pick at least 1 number' }]);
    expect(issues({ picks: range(1, 11) })).toEqual([
      { path: 'picks', message: 'must pick at most 10 numbers' },
    ]);
  });

  it('rejects numbers outside 1–80 and non-integers, naming the element', () => {
    expect(issues({ picks: [5, 0] }).map((i) => i.path)).toEqual(['picks.1']);
    expect(issues({ picks: [81] }).map((i) => i.path)).toEqual(['picks.0']);
    expect(issues({ picks: [-3] }).map((i) => i.path)).toEqual(['picks.0']);
    expect(issues({ picks: [1, 2, 3.5] })).toEqual([
      { path: 'picks.2', message: 'must be a whole number from 1 to 80' },
    ]);
    expect(issues({ picks: ['5'] }).map((i) => i.path)).toEqual(['picks.0']);
    expect(issues({ picks: [null] }).map((i) => i.path)).toEqual(['picks.0']);
  });

  it('rejects a repeated number at the repeat', () => {
    expect(issues({ picks: [4, 9, 4] })).toEqual([
      { path: 'picks.2', message: 'must not repeat a pick (4 is already picks[0])' },
    ]);
  });

  it('rejects a missing or non-array picks and unknown fields', () => {
    expect(issues({})).toEqual([{ path: 'picks', message: 'is required' }]);
    expect(issues({ picks: 5 }).map((i) => i.path)).toEqual(['picks']);
    const unknown = keno.params.safeParse({ picks: [1], spots: 1 });
    expect(unknown.success).toBe(false);
    expect(unknown.error!.issues[0]!.code).toBe('unrecognized_keys');
  });
});

describe('keno RTP', () => {
  // Independent of the module's integer binomials: the hypergeometric probability as a product of
  // ratios, P(h) = C(k, h) C(80 − k, 20 − h) / C(80, 20).
  function hypergeometric(k: number, h: number): number {
    const c = (n: number, r: number) => {
      let v = 1;
      for (let i = 0; i < r; i++) v = (v * (n - i)) / (i + 1);
      return v;
    };
    return (c(k, h) * c(80 - k, 20 - h)) / c(80, 20);
  }

  it('rtpFor is Σ P(h hits) × pay for every pick count', () => {
    for (let k = 1; k <= 10; k++) {
      const expected = KENO_PAYTABLE[k]!.reduce((sum, pay, h) => sum + hypergeometric(k, h) * pay, 0);
      expect(keno.rtpFor({ picks: range(1, k) })).toBeCloseTo(expected, 12);
    }
  });

  it('returns 94–96% for every pick count (guards the table against typos)', () => {
    const rtps = range(1, 10).map((k) => Math.round(keno.rtpFor({ picks: range(1, k) }) * 10_000) / 10_000);
    expect(rtps).toEqual([0.95, 0.95, 0.9574, 0.9442, 0.9491, 0.9436, 0.9503, 0.9432, 0.9404, 0.9438]);
    expect(keno.rtp).toBe(0.9574);
  });

  it('draws exactly as documented, so a player can recompute the draw', () => {
    // The documented procedure, written out independently on the same stream.
    for (let nonce = 0; nonce < 20; nonce++) {
      const seeds = { serverSeed: 'server', clientSeed: 'client', nonce };
      const stream = new FairRng(seeds);
      const pool = range(1, 80);
      const drawn: number[] = [];
      for (let i = 0; i < 20; i++) {
        const j = i + Math.floor(stream.next() * (80 - i));
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
        drawn.push(pool[i]!);
      }
      expect(keno.resolve({ picks: [1] }, new FairRng(seeds)).result.drawn).toEqual(drawn);
    }
  });

  it('replays the same round from the same seeds', () => {
    const seeds = { serverSeed: 'server', clientSeed: 'client', nonce: 3 };
    const bet = { picks: [5, 10, 15, 20, 25] };
    expect(keno.resolve(bet, new FairRng(seeds))).toEqual(keno.resolve(bet, new FairRng(seeds)));
    expect(keno.resolve(bet, new FairRng(seeds)).result.drawn).not.toEqual(
      keno.resolve(bet, new FairRng({ ...seeds, nonce: 4 })).result.drawn,
    );
  });

  it.each(keno.rtpCases.map((c) => [`${c.picks.length} pick(s)`, c] as const))(
    'simulated RTP of %s over 10^6 rounds matches rtpFor',
    (_name, bet) => {
      const report = simulateRtp(keno, bet, { rounds: 1_000_000 });
      expect(report.within).toBe(true);
      expect(Math.abs(report.rtp - keno.rtpFor(bet))).toBeLessThan(0.02);
    },
    180_000,
  );
});
