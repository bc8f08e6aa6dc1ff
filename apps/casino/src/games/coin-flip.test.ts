import { createHmac } from 'node:crypto';
import { FairRng } from '../domain/provably-fair';
import { coinFlip } from './coin-flip';
import { simulateRtp } from './simulate';
import { stub } from '../../test/stub-rng';

describe('coin flip', () => {
  it('lands heads below 0.5 and tails from 0.5, drawing one number', () => {
    for (const [u, outcome] of [
      [0, 'heads'],
      [0.4999999999, 'heads'],
      [0.5, 'tails'],
      [0.9999999999, 'tails'],
    ] as const) {
      const rng = stub(u);
      expect(coinFlip.resolve({ side: 'heads' }, rng).result).toEqual({ outcome });
      expect(rng.cursor).toBe(1);
    }
  });

  it('pays 1.98× for a right call and 0 for a wrong one', () => {
    expect(coinFlip.resolve({ side: 'heads' }, stub(0.2)).multiplier).toBe(1.98);
    expect(coinFlip.resolve({ side: 'tails' }, stub(0.2)).multiplier).toBe(0);
    expect(coinFlip.resolve({ side: 'tails' }, stub(0.7)).multiplier).toBe(1.98);
    expect(coinFlip.resolve({ side: 'heads' }, stub(0.7)).multiplier).toBe(0);
  });

  it.each([
    [{}, ['side']],
    [{ side: 'edge' }, ['side']],
    [{ side: 'HEADS' }, ['side']],
    [{ side: 1 }, ['side']],
    [{ side: 'heads', stake: 5 }, []],
  ])('rejects %j at %j', (bet, path) => {
    const parsed = coinFlip.params.safeParse(bet);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(path);
  });

  it('accepts both sides', () => {
    expect(coinFlip.params.safeParse({ side: 'heads' }).success).toBe(true);
    expect(coinFlip.params.safeParse({ side: 'tails' }).success).toBe(true);
  });

  it('has an RTP of 0.99 on either side: half the 2³² stream values are heads', () => {
    // FairRng numbers are k / 2³²; exactly 2³¹ of them are below 0.5.
    const heads = 2 ** 31 / 2 ** 32;
    for (const side of ['heads', 'tails'] as const) {
      const p = side === 'heads' ? heads : 1 - heads;
      expect(coinFlip.rtpFor({ side })).toBeCloseTo(p * 1.98, 12);
    }
    expect(coinFlip.rtp).toBe(0.99);
  });

  it('replays a round from the revealed seeds: heads when the first HMAC number is below 0.5', () => {
    const seeds = { serverSeed: 'revealed-server-seed', clientSeed: 'player', nonce: 0 };
    const outcomes = Array.from({ length: 32 }, (_, nonce) => {
      const a = coinFlip.resolve({ side: 'heads' }, new FairRng({ ...seeds, nonce }));
      expect(coinFlip.resolve({ side: 'heads' }, new FairRng({ ...seeds, nonce }))).toEqual(a);
      const first = createHmac('sha256', seeds.serverSeed)
        .update(`player:${nonce}:0`)
        .digest()
        .readUInt32BE(0);
      expect(a.result.outcome).toBe(first < 2 ** 31 ? 'heads' : 'tails');
      return a.result.outcome;
    });
    expect(new Set(outcomes).size).toBe(2);
  });

  describe.each(coinFlip.rtpCases.map((c) => [JSON.stringify(c), c]))('RTP of %s', (_, params) => {
    it('matches rtpFor over 10^6 rounds', () => {
      const report = simulateRtp(coinFlip, params, { rounds: 1_000_000 });
      expect(report.within).toBe(true);
      expect(Math.abs(report.rtp - coinFlip.rtpFor(params))).toBeLessThan(0.02);
    });
  });
});
