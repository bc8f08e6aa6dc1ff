import { FairRng } from '../domain/provably-fair';
import { PLINKO_RISKS, PLINKO_ROWS, PLINKO_TABLES, plinko } from './plinko';
import type { PlinkoParams } from './plinko';
import { simulateRtp } from './simulate';
import { stub } from '../../test/stub-rng';

describe('plinko payouts', () => {
  it('sends the ball right below 0.5 and left from 0.5 up, one number per row', () => {
    const rng = stub(...[0.49, 0.5, 0.0, 0.99, 0.2, 0.7, 0.5, 0.4999]);
    const { result } = plinko.resolve({ rows: 8, risk: 'low' }, rng);
    expect(result.path).toEqual(['R', 'L', 'R', 'L', 'R', 'L', 'L', 'R']);
    expect(result.bucket).toBe(4);
    expect(rng.cursor).toBe(8);
  });

  it('pays the edge buckets their top multiplier on both sides', () => {
    expect(plinko.resolve({ rows: 16, risk: 'high' }, stub(...Array(16).fill(0.1))).multiplier).toBe(1000);
    expect(plinko.resolve({ rows: 16, risk: 'high' }, stub(...Array(16).fill(0.9))).multiplier).toBe(1000);
    expect(plinko.resolve({ rows: 8, risk: 'high' }, stub(...Array(8).fill(0.1))).multiplier).toBe(29);
    expect(plinko.resolve({ rows: 12, risk: 'medium' }, stub(...Array(12).fill(0.9))).multiplier).toBe(33);
  });

  it('pays the bucket counted by right bounces', () => {
    // 3 rights of 12 → bucket 3: 12-row high pays 2 there; 1 right of 8 on medium → 3.
    const twelve = [0.1, 0.1, 0.1, ...Array(9).fill(0.6)];
    expect(plinko.resolve({ rows: 12, risk: 'high' }, stub(...twelve))).toEqual({
      multiplier: 2,
      result: { path: ['R', 'R', 'R', ...Array(9).fill('L')], bucket: 3 },
    });
    const eight = [0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.3];
    expect(plinko.resolve({ rows: 8, risk: 'medium' }, stub(...eight)).multiplier).toBe(3);
    // The centre of 16-row low pays 0.5.
    const centre = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 0.25 : 0.75));
    expect(plinko.resolve({ rows: 16, risk: 'low' }, stub(...centre)).multiplier).toBe(0.5);
  });

  it('has a symmetric table of rows + 1 buckets with at most 4 decimals for every bet', () => {
    for (const rows of PLINKO_ROWS) {
      for (const risk of PLINKO_RISKS) {
        const table = PLINKO_TABLES[rows][risk];
        expect(table).toHaveLength(rows + 1);
        expect([...table].reverse()).toEqual([...table]);
        for (const m of table) expect(Math.round(m * 10_000) / 10_000).toBe(m);
      }
    }
  });
});

describe('plinko bet validation', () => {
  const issuePaths = (bet: unknown) => {
    const parsed = plinko.params.safeParse(bet);
    expect(parsed.success).toBe(false);
    return parsed.error!.issues.map((i) => i.path.join('.'));
  };

  it('accepts every rows × risk combination', () => {
    for (const rows of PLINKO_ROWS) {
      for (const risk of PLINKO_RISKS) expect(plinko.params.safeParse({ rows, risk }).success).toBe(true);
    }
  });

  it('rejects rows other than 8, 12 and 16', () => {
    for (const rows of [0, 7, 9, 10, 12.5, 17, -8, '8', null])
      expect(issuePaths({ rows, risk: 'low' })).toEqual(['rows']);
  });

  it('rejects unknown risk levels', () => {
    for (const risk of ['extreme', 'LOW', '', 1]) expect(issuePaths({ rows: 8, risk })).toEqual(['risk']);
  });

  it('rejects missing fields and unknown fields', () => {
    expect(issuePaths({ risk: 'low' })).toEqual(['rows']);
    expect(plinko.params.safeParse({ risk: 'low' }).error!.issues[0]!.message).toBe('is required');
    expect(issuePaths({ rows: 8 })).toEqual(['risk']);
    const unknown = plinko.params.safeParse({ rows: 8, risk: 'low', balls: 3 });
    expect(unknown.success).toBe(false);
    expect(unknown.error!.issues[0]!.code).toBe('unrecognized_keys');
  });
});

describe('plinko RTP', () => {
  // Independent of rtpFor: walk every one of the 2^rows equally likely paths.
  function enumeratedRtp({ rows, risk }: PlinkoParams): number {
    let sum = 0;
    for (let bits = 0; bits < 2 ** rows; bits++) {
      let rights = 0;
      for (let b = bits; b > 0; b >>= 1) rights += b & 1;
      sum += PLINKO_TABLES[rows][risk][rights]!;
    }
    return sum / 2 ** rows;
  }

  it('rtpFor equals the average over every path', () => {
    for (const rows of PLINKO_ROWS) {
      for (const risk of PLINKO_RISKS)
        expect(plinko.rtpFor({ rows, risk })).toBeCloseTo(enumeratedRtp({ rows, risk }), 10);
    }
  });

  it('rtpFor matches the published ≈ 0.99 of every table (guards the tables against typos)', () => {
    const published: Record<string, number> = {
      '8 low': 0.98984375,
      '8 medium': 0.9890625,
      '8 high': 0.990625,
      '12 low': 0.98979492,
      '12 medium': 0.98989258,
      '12 high': 0.99116211,
      '16 low': 0.98998718,
      '16 medium': 0.98988342,
      '16 high': 0.9897644,
    };
    for (const rows of PLINKO_ROWS) {
      for (const risk of PLINKO_RISKS)
        expect(plinko.rtpFor({ rows, risk })).toBeCloseTo(published[`${rows} ${risk}`]!, 7);
    }
  });

  it('replays the same round from the same seeds', () => {
    const seeds = { serverSeed: 'server', clientSeed: 'client', nonce: 42 };
    const bet: PlinkoParams = { rows: 16, risk: 'high' };
    const a = plinko.resolve(bet, new FairRng(seeds));
    expect(plinko.resolve(bet, new FairRng(seeds))).toEqual(a);
    const paths = new Set(
      [0, 1, 2, 3, 4, 5].map((nonce) =>
        plinko.resolve(bet, new FairRng({ ...seeds, nonce })).result.path.join(''),
      ),
    );
    expect(paths.size).toBeGreaterThan(1);
  });

  it.each(plinko.rtpCases.map((c) => [`${c.rows} rows ${c.risk}`, c] as const))(
    'simulated RTP of %s over 10^6 rounds matches rtpFor',
    (_name, bet) => {
      const report = simulateRtp(plinko, bet, { rounds: 1_000_000 });
      expect(report.within).toBe(true);
      expect(Math.abs(report.rtp - plinko.rtpFor(bet))).toBeLessThan(0.02);
    },
    120_000,
  );
});
