import { createHmac } from 'node:crypto';
import { FairRng } from '../domain/provably-fair';
import { simulateRtp } from './simulate';
import { wheel, WHEEL_SIZES } from './wheel';
import type { WheelParams, WheelRisk, WheelSegments } from './wheel';
import { stub } from '../../test/stub-rng';

const RISKS: WheelRisk[] = ['low', 'medium', 'high'];
const ALL_BETS: WheelParams[] = RISKS.flatMap((risk) => WHEEL_SIZES.map((segments) => ({ risk, segments })));

/** Every segment's payout, read through resolve with a stub landing on it. */
const payouts = ({ risk, segments }: WheelParams) =>
  Array.from({ length: segments }, (_, i) => {
    const rng = stub((i + 0.5) / segments);
    const { multiplier, result } = wheel.resolve({ risk, segments }, rng);
    expect(result).toEqual({ segment: i, multiplier });
    expect(rng.cursor).toBe(1);
    return multiplier;
  });

/** How many segments pay each multiplier. */
const counts = (multipliers: number[]) => {
  const c = new Map<number, number>();
  for (const m of multipliers) c.set(m, (c.get(m) ?? 0) + 1);
  return Object.fromEntries([...c].sort((a, b) => b[0] - a[0]));
};

// The published payout tables (the rules text), as multiplier → number of segments.
const MEDIUM: Record<WheelSegments, Record<number, number>> = {
  10: { 3: 1, 2: 1, 1.9: 1, 1.5: 2, 0: 5 },
  20: { 5: 1, 3: 1, 2: 2, 1.8: 1, 1.5: 4, 0: 11 },
  30: { 6: 1, 3: 1, 2: 5, 1.7: 1, 1.5: 6, 0: 16 },
  40: { 8: 1, 3: 2, 2: 6, 1.6: 1, 1.5: 8, 0: 22 },
  50: { 10: 1, 3: 2, 2: 10, 1.5: 9, 0: 28 },
};
const published = ({ risk, segments: n }: WheelParams): Record<number, number> => {
  if (risk === 'low') return { 1.5: n / 10, 1.2: (7 * n) / 10, 0: (2 * n) / 10 };
  if (risk === 'high') return { [(99 * n) / 100]: 1, 0: n - 1 };
  return MEDIUM[n];
};

describe('wheel', () => {
  it('stops on segment int(u × segments) of the first number', () => {
    expect(wheel.resolve({ risk: 'high', segments: 20 }, stub(0)).result).toEqual({
      segment: 0,
      multiplier: 19.8,
    });
    expect(wheel.resolve({ risk: 'high', segments: 20 }, stub(0.05)).result).toEqual({
      segment: 1,
      multiplier: 0,
    });
    expect(wheel.resolve({ risk: 'low', segments: 50 }, stub(0.9999999999)).result.segment).toBe(49);
  });

  it.each(ALL_BETS.map((b) => [b.risk, b.segments, b]))(
    '%s risk, %d segments pays the published table',
    (_risk, _n, bet) => {
      const table = payouts(bet);
      expect(counts(table)).toEqual(
        counts(Object.entries(published(bet)).flatMap(([m, k]) => Array(k).fill(+m))),
      );
      for (const m of table) expect(Math.round(m * 10_000) / 10_000).toBe(m);
    },
  );

  it('places the low-risk pattern and the high-risk prize where the rules say', () => {
    expect(payouts({ risk: 'low', segments: 10 })).toEqual([1.5, 1.2, 1.2, 1.2, 0, 1.2, 1.2, 1.2, 1.2, 0]);
    expect(payouts({ risk: 'low', segments: 30 }).slice(20)).toEqual([
      1.5, 1.2, 1.2, 1.2, 0, 1.2, 1.2, 1.2, 1.2, 0,
    ]);
    const high = payouts({ risk: 'high', segments: 50 });
    expect(high[0]).toBe(49.5);
    expect(high.slice(1).every((m) => m === 0)).toBe(true);
  });

  it('computes rtpFor as the mean of the segments, 0.99 for every table', () => {
    for (const bet of ALL_BETS) {
      const table = payouts(bet);
      const mean = table.reduce((a, b) => a + b, 0) / table.length;
      const fromPublished =
        Object.entries(published(bet)).reduce((sum, [m, k]) => sum + +m * k, 0) / bet.segments;
      expect([bet, wheel.rtpFor(bet)]).toEqual([bet, expect.closeTo(mean, 12)]);
      expect(fromPublished).toBeCloseTo(0.99, 12);
      expect(wheel.rtpFor(bet)).toBe(0.99);
    }
    expect(wheel.rtp).toBe(0.99);
  });

  it.each<[unknown, (string | number)[], RegExp]>([
    [{ segments: 10 }, ['risk'], /low|expected/],
    [{ risk: 'extreme', segments: 10 }, ['risk'], /"low"\|"medium"\|"high"/],
    [{ risk: 'low' }, ['segments'], /10\|20\|30\|40\|50/],
    [{ risk: 'low', segments: 15 }, ['segments'], /10\|20\|30\|40\|50/],
    [{ risk: 'low', segments: 60 }, ['segments'], /10\|20\|30\|40\|50/],
    [{ risk: 'low', segments: '10' }, ['segments'], /10\|20\|30\|40\|50/],
    [{ risk: 'low', segments: 10, spins: 3 }, [], /spins/],
  ])('rejects %j at %j', (bet, path, message) => {
    const parsed = wheel.params.safeParse(bet);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(path);
    expect(parsed.error!.issues[0]!.message).toMatch(message);
  });

  it('accepts every risk and size', () => {
    for (const bet of ALL_BETS) expect(wheel.params.safeParse(bet).success).toBe(true);
  });

  it('replays a round from the revealed seeds: the segment is int(segments) of the first HMAC number', () => {
    const seeds = { serverSeed: 'revealed-server-seed', clientSeed: 'player', nonce: 11 };
    const bet = { risk: 'medium', segments: 40 } as const;
    const a = wheel.resolve(bet, new FairRng(seeds));
    expect(wheel.resolve(bet, new FairRng(seeds))).toEqual(a);
    const u = createHmac('sha256', seeds.serverSeed).update('player:11:0').digest().readUInt32BE(0) / 2 ** 32;
    expect(a.result.segment).toBe(Math.floor(u * 40));
  });

  describe.each(wheel.rtpCases.map((c) => [JSON.stringify(c), c]))('RTP of %s', (_, params) => {
    it('matches rtpFor over 10^6 rounds', () => {
      const report = simulateRtp(wheel, params, { rounds: 1_000_000 });
      expect(report.within).toBe(true);
      expect(Math.abs(report.rtp - wheel.rtpFor(params))).toBeLessThan(0.02);
    });
  });
});
