import { createHmac } from 'node:crypto';
import { FairRng } from '../domain/provably-fair';
import { roulette } from './roulette';
import type { RouletteParams } from './roulette';
import { simulateRtp } from './simulate';
import { stub } from '../../test/stub-rng';

/** A stream number that lands the ball on `pocket`. */
const landing = (pocket: number) => (pocket + 0.5) / 37;
const spin = (bet: RouletteParams, pocket: number) => roulette.resolve(bet, stub(landing(pocket)));

// The layout as a grid, independent of the module: row 1..12, column 1..3; 0 sits above row 1.
const row = (n: number) => Math.ceil(n / 3);
const col = (n: number) => n - 3 * (row(n) - 1);

/** Every k-element subset of 0..36, ascending. */
function* subsets(k: number, from = 0): Generator<number[]> {
  if (k === 0) {
    yield [];
    return;
  }
  for (let n = from; n <= 36; n++) for (const rest of subsets(k - 1, n + 1)) yield [n, ...rest];
}

const accepts = (bet: unknown) => roulette.params.safeParse(bet).success;

describe('roulette', () => {
  it('lands on int(u × 37) of the first number and reports its colour', () => {
    const rng = stub(0.5);
    expect(roulette.resolve({ type: 'red' }, rng).result).toEqual({ number: 18, color: 'red' });
    expect(rng.cursor).toBe(1);
    expect(spin({ type: 'red' }, 0).result).toEqual({ number: 0, color: 'green' });
    expect(roulette.resolve({ type: 'red' }, stub(0.9999999999)).result.number).toBe(36);
    expect(roulette.resolve({ type: 'red' }, stub(0)).result.number).toBe(0);
  });

  it('colours the pockets like a European wheel', () => {
    // Red are the odd numbers of 1–10 and 19–28 and the even ones of 11–18 and 29–36.
    for (let n = 1; n <= 36; n++) {
      const oddIsRed = (n >= 1 && n <= 10) || (n >= 19 && n <= 28);
      const red = oddIsRed ? n % 2 === 1 : n % 2 === 0;
      expect([n, spin({ type: 'red' }, n).result.color]).toEqual([n, red ? 'red' : 'black']);
    }
  });

  it.each<[RouletteParams, number[], number[], number]>([
    [{ type: 'straight', numbers: [17] }, [17], [16, 18, 0], 36],
    [{ type: 'straight', numbers: [0] }, [0], [1, 36], 36],
    [{ type: 'split', numbers: [20, 17] }, [17, 20], [18, 19, 14], 18],
    [{ type: 'split', numbers: [2, 0] }, [0, 2], [1, 3], 18],
    [{ type: 'street', numbers: [36, 34, 35] }, [34, 35, 36], [33, 0], 12],
    [{ type: 'trio', numbers: [0, 2, 3] }, [0, 2, 3], [1, 4], 12],
    [{ type: 'corner', numbers: [21, 17, 20, 18] }, [17, 18, 20, 21], [19, 16, 24], 9],
    [{ type: 'first_four' }, [0, 1, 2, 3], [4], 9],
    [{ type: 'line', numbers: [31, 32, 33, 34, 35, 36] }, [31, 36], [30, 0], 6],
    [{ type: 'dozen', dozen: 2 }, [13, 24], [12, 25, 0], 3],
    [{ type: 'column', column: 1 }, [1, 34], [2, 3, 36, 0], 3],
    [{ type: 'column', column: 3 }, [3, 36], [34, 0], 3],
    [{ type: 'red' }, [1, 36, 19], [2, 35, 0], 2],
    [{ type: 'black' }, [2, 35, 10, 29], [1, 0], 2],
    [{ type: 'odd' }, [1, 35], [2, 0], 2],
    [{ type: 'even' }, [2, 36], [1, 0], 2],
    [{ type: 'low' }, [1, 18], [19, 0], 2],
    [{ type: 'high' }, [19, 36], [18, 0], 2],
  ])('%j wins on %j, loses on %j, pays %d×', (bet, winning, losing, multiplier) => {
    for (const n of winning) expect([n, spin(bet, n).multiplier]).toEqual([n, multiplier]);
    for (const n of losing) expect([n, spin(bet, n).multiplier]).toEqual([n, 0]);
  });

  it('covers 36 / multiplier pockets with every bet type', () => {
    const bets: RouletteParams[] = [
      { type: 'straight', numbers: [5] },
      { type: 'split', numbers: [0, 1] },
      { type: 'street', numbers: [1, 2, 3] },
      { type: 'trio', numbers: [0, 1, 2] },
      { type: 'corner', numbers: [32, 33, 35, 36] },
      { type: 'first_four' },
      { type: 'line', numbers: [1, 2, 3, 4, 5, 6] },
      { type: 'dozen', dozen: 3 },
      { type: 'column', column: 2 },
      ...(['red', 'black', 'odd', 'even', 'low', 'high'] as const).map((type) => ({ type })),
    ];
    const expectedCover = [1, 2, 3, 3, 4, 4, 6, 12, 12, 18, 18, 18, 18, 18, 18];
    bets.forEach((bet, i) => {
      const outcomes = Array.from({ length: 37 }, (_, n) => spin(bet, n).multiplier);
      const wins = outcomes.filter((m) => m > 0);
      expect([bet, wins.length]).toEqual([bet, expectedCover[i]]);
      expect(new Set(wins)).toEqual(new Set([36 / expectedCover[i]!]));
      // rtpFor agrees with the mean over the 37 equally likely pockets, and both are 36/37.
      const mean = outcomes.reduce((a, b) => a + b, 0) / 37;
      expect(roulette.rtpFor(bet)).toBeCloseTo(mean, 12);
      expect(roulette.rtpFor(bet)).toBeCloseTo(36 / 37, 12);
    });
    expect(roulette.rtp).toBe(Math.round((36 / 37) * 10_000) / 10_000);
  });

  it('accepts exactly the splits of adjacent numbers, in any order', () => {
    const adjacent = ([a, b]: number[]) =>
      a === 0
        ? b! <= 3
        : (row(a!) === row(b!) && Math.abs(col(a!) - col(b!)) === 1) ||
          (col(a!) === col(b!) && Math.abs(row(a!) - row(b!)) === 1);
    let count = 0;
    for (const pair of subsets(2)) {
      expect([pair, accepts({ type: 'split', numbers: pair })]).toEqual([pair, adjacent(pair)]);
      expect(accepts({ type: 'split', numbers: [...pair].reverse() })).toBe(adjacent(pair));
      if (adjacent(pair)) count++;
    }
    expect(count).toBe(60);
  });

  it('accepts exactly the rows as streets and 0-1-2 / 0-2-3 as trios', () => {
    let streets = 0;
    for (const s of subsets(3)) {
      const isRow = s[0]! > 0 && s.every((n) => row(n) === row(s[0]!));
      const isTrio = s[0] === 0 && s[1]! >= 1 && s[2]! <= 3 && s[2]! - s[1]! === 1;
      expect([s, accepts({ type: 'street', numbers: s })]).toEqual([s, isRow]);
      expect([s, accepts({ type: 'trio', numbers: s })]).toEqual([s, isTrio]);
      if (isRow) streets++;
    }
    expect(streets).toBe(12);
  });

  it('accepts exactly the 2×2 squares as corners', () => {
    let corners = 0;
    for (const s of subsets(4)) {
      const rows = new Set(s.map(row));
      const cols = new Set(s.map(col));
      const square =
        s[0]! > 0 &&
        rows.size === 2 &&
        cols.size === 2 &&
        Math.max(...rows) - Math.min(...rows) === 1 &&
        Math.max(...cols) - Math.min(...cols) === 1;
      if (square !== accepts({ type: 'corner', numbers: s })) throw new Error(`corner ${s}: ${!square}`);
      if (square) corners++;
    }
    expect(corners).toBe(22);
  });

  it('accepts exactly two adjacent rows as a line', () => {
    for (let first = 1; first <= 34; first += 3) {
      const lines = [first, first + 1, first + 2, first + 3, first + 4, first + 5];
      expect([first, accepts({ type: 'line', numbers: lines.reverse() })]).toEqual([first, first <= 31]);
    }
    expect(accepts({ type: 'line', numbers: [2, 3, 4, 5, 6, 7] })).toBe(false);
    expect(accepts({ type: 'line', numbers: [1, 2, 3, 7, 8, 9] })).toBe(false);
    expect(accepts({ type: 'line', numbers: [0, 1, 2, 3, 4, 5] })).toBe(false);
  });

  it.each<[unknown, (string | number)[], RegExp]>([
    [{}, ['type'], /straight/],
    [{ type: 'basket' }, ['type'], /discriminator/],
    [{ type: 'straight' }, ['numbers'], /expected array/],
    [{ type: 'straight', numbers: [37] }, ['numbers', 0], /<=36/],
    [{ type: 'straight', numbers: [-1] }, ['numbers', 0], />=0/],
    [{ type: 'straight', numbers: [1.5] }, ['numbers', 0], /int/],
    [{ type: 'straight', numbers: ['7'] }, ['numbers', 0], /number/],
    [{ type: 'straight', numbers: [] }, ['numbers'], /1/],
    [{ type: 'straight', numbers: 7 }, ['numbers'], /array/],
    [{ type: 'split', numbers: [17, 19] }, ['numbers'], /next to each other/],
    [{ type: 'split', numbers: [3, 4] }, ['numbers'], /next to each other/],
    [{ type: 'split', numbers: [0, 4] }, ['numbers'], /next to each other/],
    [{ type: 'split', numbers: [17, 17] }, ['numbers'], /repeat/],
    [{ type: 'split', numbers: [17, 18, 20] }, ['numbers'], /2/],
    [{ type: 'street', numbers: [2, 3, 4] }, ['numbers'], /row/],
    [{ type: 'trio', numbers: [0, 1, 3] }, ['numbers'], /\[0, 1, 2\] or \[0, 2, 3\]/],
    [{ type: 'corner', numbers: [3, 4, 6, 7] }, ['numbers'], /corner/],
    [{ type: 'corner', numbers: [1, 2, 3, 4] }, ['numbers'], /corner/],
    [{ type: 'line', numbers: [34, 35, 36, 1, 2, 3] }, ['numbers'], /adjacent rows/],
    [{ type: 'first_four', numbers: [0, 1, 2, 3] }, [], /numbers/],
    [{ type: 'dozen', dozen: 4 }, ['dozen'], /1\|2\|3/],
    [{ type: 'dozen', dozen: '2' }, ['dozen'], /1\|2\|3/],
    [{ type: 'dozen' }, ['dozen'], /1\|2\|3/],
    [{ type: 'column', column: 0 }, ['column'], /1\|2\|3/],
    [{ type: 'red', numbers: [1] }, [], /numbers/],
    [{ type: 'split', numbers: [17, 20], dozen: 2 }, [], /dozen/],
  ])('rejects %j at %j', (bet, path, message) => {
    const parsed = roulette.params.safeParse(bet);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(path);
    expect(parsed.error!.issues[0]!.message).toMatch(message);
  });

  it('replays a round from the revealed seeds: the pocket is int(37) of the first HMAC number', () => {
    const seeds = { serverSeed: 'revealed-server-seed', clientSeed: 'player', nonce: 9 };
    const a = roulette.resolve({ type: 'even' }, new FairRng(seeds));
    expect(roulette.resolve({ type: 'even' }, new FairRng(seeds))).toEqual(a);
    const u = createHmac('sha256', seeds.serverSeed).update('player:9:0').digest().readUInt32BE(0) / 2 ** 32;
    expect(a.result.number).toBe(Math.floor(u * 37));
  });

  describe.each(roulette.rtpCases.map((c) => [JSON.stringify(c), c]))('RTP of %s', (_, params) => {
    it('matches rtpFor over 10^6 rounds', () => {
      const report = simulateRtp(roulette, params, { rounds: 1_000_000 });
      expect(report.within).toBe(true);
      expect(Math.abs(report.rtp - roulette.rtpFor(params))).toBeLessThan(0.02);
    });
  });
});
