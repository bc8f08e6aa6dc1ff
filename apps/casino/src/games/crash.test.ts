import { createHmac } from 'node:crypto';
import { FairRng } from '../domain/provably-fair';
import { crash, crashHundredths } from './crash';
import { simulateRtp } from './simulate';
import { stub } from '../../test/stub-rng';

const TWO_32 = 2 ** 32;

/** The first FairRng number (k / 2³²) whose crash point reaches `c`: u ≥ 1 − 0.99 / c. */
const reaching = (c: number) => 1 - Math.floor((99 * TWO_32) / Math.round(c * 100)) / TWO_32;
const below = (c: number) => reaching(c) - 1 / TWO_32;

describe('crash', () => {
  it('crashes at max(1, floor(99 / (1 − u)) / 100) of the first number', () => {
    for (const [u, point] of [
      [0, 1],
      [0.0099999, 1],
      [0.01, 1],
      [0.5, 1.98],
      [0.75, 3.96],
      [1 - 1 / 128, 126.72],
      [reaching(2), 2],
      [below(2), 1.99],
      [reaching(99), 99],
      [1 - 2 ** -20, 1_000_000], // 1,038,090.24× before the cap
      [1 - 2 ** -16, 64_880.64],
      [(TWO_32 - 1) / TWO_32, 1_000_000],
    ] as const) {
      const rng = stub(u);
      expect([u, crash.resolve({ cash_out: 2 }, rng).result.crash_point]).toEqual([u, point]);
      expect(rng.cursor).toBe(1);
    }
  });

  it('pays the cash-out when the crash point reaches it and 0 when it crashes first', () => {
    // This number crashes at exactly 2.00×: a 2× cash-out is reached, 2.01× is not.
    expect(crash.resolve({ cash_out: 2 }, stub(reaching(2)))).toEqual({
      multiplier: 2,
      result: { crash_point: 2, cashed_out: true },
    });
    expect(crash.resolve({ cash_out: 2.01 }, stub(reaching(2)))).toEqual({
      multiplier: 0,
      result: { crash_point: 2, cashed_out: false },
    });
    expect(crash.resolve({ cash_out: 1.01 }, stub(0.005)).multiplier).toBe(0);
    expect(crash.resolve({ cash_out: 1.01 }, stub(0.02)).multiplier).toBe(1.01);
    expect(crash.resolve({ cash_out: 1000 }, stub(reaching(1000))).multiplier).toBe(1000);
    expect(crash.resolve({ cash_out: 1000 }, stub(below(1000))).multiplier).toBe(0);
    expect(crash.resolve({ cash_out: 123.45 }, stub(reaching(123.45)))).toEqual({
      multiplier: 123.45,
      result: { crash_point: 123.45, cashed_out: true },
    });
    expect(crash.resolve({ cash_out: 123.45 }, stub(below(123.45))).result).toEqual({
      crash_point: 123.44,
      cashed_out: false,
    });
  });

  it('reaches every 2-decimal cash-out c with probability 0.99 / c to within 2⁻³² on the FairRng grid', () => {
    // For u = k / 2³², crash ≥ c exactly when k ≥ 2³² − floor(99 × 2³² / C) (C = 100c), so the
    // probability is floor(99 × 2³² / C) / 2³². Check the threshold against the float code for every
    // cash-out and bound the RTP error, in exact integers.
    let worst = 0;
    for (let C = 101; C <= 100_000; C++) {
      const winning = Number((99n * BigInt(TWO_32)) / BigInt(C));
      const k = TWO_32 - winning;
      if (!(crashHundredths(k / TWO_32) >= C && crashHundredths((k - 1) / TWO_32) < C)) {
        throw new Error(`the crash boundary for ${C / 100}× is not at k = ${k}`);
      }
      const rtp = (C / 100) * (winning / TWO_32);
      worst = Math.max(worst, Math.abs(rtp - crash.rtpFor({ cash_out: C / 100 })) / (C / 100));
    }
    expect(worst).toBeLessThan(1 / TWO_32);
  });

  it('crashes at 1.00× in 1% of rounds', () => {
    expect(crashHundredths(0.01 - 1 / TWO_32)).toBe(100);
    expect(crashHundredths(0.01)).toBe(100);
    // 1.01× needs floor(99 / (1 − u)) ≥ 101, i.e. u ≥ 2/101.
    expect(crashHundredths(2 / 101)).toBe(101);
    expect(crashHundredths(2 / 101 - 1e-9)).toBe(100);
  });

  it.each<[unknown, (string | number)[], RegExp]>([
    [{}, ['cash_out'], /expected number/],
    [{ cash_out: '2' }, ['cash_out'], /expected number/],
    [{ cash_out: 1 }, ['cash_out'], />=1.01/],
    [{ cash_out: 0.5 }, ['cash_out'], />=1.01/],
    [{ cash_out: 1000.01 }, ['cash_out'], /<=1000/],
    [{ cash_out: 2.005 }, ['cash_out'], /at most 2 decimals/],
    [{ cash_out: 1.011 }, ['cash_out'], /at most 2 decimals/],
    [{ cash_out: 2, auto_bet: true }, [], /auto_bet/],
  ])('rejects %j at %j', (bet, path, message) => {
    const parsed = crash.params.safeParse(bet);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(path);
    expect(parsed.error!.issues[0]!.message).toMatch(message);
  });

  it.each([1.01, 2, 2.5, 13.37, 999.99, 1000])('accepts a %d× cash-out', (cash_out) => {
    expect(crash.params.safeParse({ cash_out }).success).toBe(true);
  });

  it('replays a round from the revealed seeds: the crash point comes from the first HMAC number', () => {
    const seeds = { serverSeed: 'revealed-server-seed', clientSeed: 'player', nonce: 3 };
    const a = crash.resolve({ cash_out: 1.5 }, new FairRng(seeds));
    expect(crash.resolve({ cash_out: 1.5 }, new FairRng(seeds))).toEqual(a);
    const u = createHmac('sha256', seeds.serverSeed).update('player:3:0').digest().readUInt32BE(0) / TWO_32;
    expect(a.result.crash_point).toBe(Math.max(1, Math.floor(99 / (1 - u)) / 100));
  });

  describe.each(crash.rtpCases.map((c) => [JSON.stringify(c), c]))('RTP of %s', (_, params) => {
    it('matches rtpFor over 10^6 rounds', () => {
      const report = simulateRtp(crash, params, { rounds: 1_000_000 });
      expect(report.within).toBe(true);
      expect(Math.abs(report.rtp - crash.rtpFor(params))).toBeLessThan(0.02);
    });
  });
});
