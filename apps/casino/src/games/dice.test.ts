import { createHmac } from 'node:crypto';
import { FairRng } from '../domain/provably-fair';
import { dice } from './dice';
import type { DiceParams } from './dice';
import { simulateRtp } from './simulate';
import { stub } from '../../test/stub-rng';

/** A stream number that rolls `hundredths` / 100 (the middle of its slice of [0, 1)). */
const rolling = (hundredths: number) => (hundredths + 0.5) / 10_001;

describe('dice', () => {
  it('rolls floor(u × 10001) / 100 from the first number', () => {
    for (const [u, roll] of [
      [0, 0],
      [0.5, 50],
      [0.9999999999, 100],
      [rolling(1234), 12.34],
      [1234 / 10_001, 12.34],
    ] as const) {
      const rng = stub(u);
      expect(dice.resolve({ target: 50, direction: 'over' }, rng).result.roll).toBe(roll);
      expect(rng.cursor).toBe(1);
    }
  });

  it('wins over only above the target and under only below it; the target itself loses', () => {
    const over = { target: 50, direction: 'over' } as const;
    const under = { target: 50, direction: 'under' } as const;
    expect(dice.resolve(over, stub(rolling(5001)))).toEqual({
      multiplier: 1.9801,
      result: { roll: 50.01, won: true },
    });
    expect(dice.resolve(over, stub(rolling(5000)))).toEqual({
      multiplier: 0,
      result: { roll: 50, won: false },
    });
    expect(dice.resolve(under, stub(rolling(5000))).multiplier).toBe(0);
    expect(dice.resolve(under, stub(rolling(4999)))).toEqual({
      multiplier: 1.9801,
      result: { roll: 49.99, won: true },
    });
    expect(dice.resolve(under, stub(rolling(0))).multiplier).toBe(1.9801);
    expect(dice.resolve(over, stub(rolling(10_000))).multiplier).toBe(1.9801);
  });

  it('pays floor4(0.99 / chance) for the table of typical bets', () => {
    const pays = (target: number, direction: 'over' | 'under') =>
      dice.resolve({ target, direction }, stub(direction === 'over' ? rolling(10_000) : rolling(0)))
        .multiplier;
    // chance 4950/10001 → 0.99 × 10001 / 4950 = 2.0002 exactly.
    expect(pays(50.5, 'over')).toBe(2.0002);
    // chance 101/10001 (the 1% floor) → 98.0296…
    expect(pays(98.99, 'over')).toBe(98.0296);
    expect(pays(1.01, 'under')).toBe(98.0296);
    // chance 9800/10001 (the 98% ceiling) → 1.01030…
    expect(pays(2, 'over')).toBe(1.0103);
    expect(pays(98, 'under')).toBe(1.0103);
    // chance 1000/10001 → 9.90099
    expect(pays(10, 'under')).toBe(9.9009);
  });

  it('rounds every multiplier down to 4 decimals of 0.99 / chance', () => {
    for (const direction of ['over', 'under'] as const) {
      for (let t = 0; t <= 10_000; t++) {
        const bet = { target: t / 100, direction };
        if (!dice.params.safeParse(bet).success) continue;
        const wins = direction === 'over' ? 10_000 - t : t;
        const m = dice.resolve(bet, stub(rolling(direction === 'over' ? 10_000 : 0))).multiplier;
        // m × 10⁴ is a whole number n with n ≤ 0.99 × 10⁴ × 10001 / wins < n + 1 (all in integers).
        const n = Math.round(m * 10_000);
        expect(Math.abs(m * 10_000 - n)).toBeLessThan(1e-6);
        expect(n * wins <= 99 * 10_001 * 100 && (n + 1) * wins > 99 * 10_001 * 100).toBe(true);
      }
    }
  });

  it.each([
    [{ direction: 'over' }, ['target'], /required|expected number/],
    [{ target: 50 }, ['direction'], /over|under/],
    [{ target: 50, direction: 'sideways' }, ['direction'], /over|under/],
    [{ target: '50', direction: 'over' }, ['target'], /number/],
    [{ target: 50.123, direction: 'over' }, ['target'], /at most 2 decimals/],
    [{ target: 50.001, direction: 'under' }, ['target'], /at most 2 decimals/],
    [{ target: -1, direction: 'under' }, ['target'], />=0/],
    [{ target: 100.01, direction: 'over' }, ['target'], /<=100/],
    [{ target: 1.99, direction: 'over' }, ['target'], /from 2\.00 to 98\.99/],
    [{ target: 99, direction: 'over' }, ['target'], /from 2\.00 to 98\.99/],
    [{ target: 1, direction: 'under' }, ['target'], /from 1\.01 to 98\.00/],
    [{ target: 98.01, direction: 'under' }, ['target'], /from 1\.01 to 98\.00/],
    [{ target: 0, direction: 'under' }, ['target'], /win chance of 0\.00%/],
    [{ target: 50, direction: 'over', auto: true }, [], /auto/],
  ])('rejects %j at %j', (bet, path, message) => {
    const parsed = dice.params.safeParse(bet);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(path);
    expect(parsed.error!.issues[0]!.message).toMatch(message);
  });

  it.each([
    [2, 'over'],
    [98.99, 'over'],
    [1.01, 'under'],
    [98, 'under'],
    [33.33, 'under'],
    [12.07, 'under'],
    [87.29, 'over'],
  ] as const)('accepts target %d %s', (target, direction) => {
    expect(dice.params.safeParse({ target, direction }).success).toBe(true);
  });

  it('computes rtpFor as the mean multiplier over the 10,001 rolls', () => {
    const bets: DiceParams[] = [
      ...dice.rtpCases,
      { target: 2, direction: 'over' },
      { target: 98.99, direction: 'over' },
      { target: 1.01, direction: 'under' },
      { target: 50, direction: 'under' },
      { target: 66.66, direction: 'under' },
    ];
    for (const bet of bets) {
      let total = 0;
      for (let k = 0; k < 10_001; k++) total += dice.resolve(bet, stub(rolling(k))).multiplier;
      const chance = (bet.direction === 'over' ? 10_000 - bet.target * 100 : bet.target * 100) / 10_001;
      expect(dice.rtpFor(bet)).toBeCloseTo(total / 10_001, 12);
      expect(dice.rtpFor(bet)).toBeLessThanOrEqual(0.99 + 1e-12);
      expect(dice.rtpFor(bet)).toBeGreaterThan(0.99 - chance * 0.0001);
    }
    expect(dice.rtpFor({ target: 50.5, direction: 'over' })).toBeCloseTo(0.99, 12);
  });

  it('replays a round from the revealed seeds: the roll is the HMAC block 0 first number', () => {
    const seeds = { serverSeed: 'revealed-server-seed', clientSeed: 'player', nonce: 42 };
    const bet = { target: 50, direction: 'over' } as const;
    const a = dice.resolve(bet, new FairRng(seeds));
    expect(dice.resolve(bet, new FairRng(seeds))).toEqual(a);
    const u = createHmac('sha256', seeds.serverSeed).update('player:42:0').digest().readUInt32BE(0) / 2 ** 32;
    expect(a.result.roll).toBe(Math.floor(u * 10_001) / 100);
    expect(dice.resolve(bet, new FairRng({ ...seeds, nonce: 43 })).result.roll).not.toBe(a.result.roll);
  });

  describe.each(dice.rtpCases.map((c) => [JSON.stringify(c), c]))('RTP of %s', (_, params) => {
    it('matches rtpFor over 10^6 rounds', () => {
      const report = simulateRtp(dice, params, { rounds: 1_000_000 });
      expect(report.within).toBe(true);
      expect(Math.abs(report.rtp - dice.rtpFor(params))).toBeLessThan(0.02);
    });
  });
});
