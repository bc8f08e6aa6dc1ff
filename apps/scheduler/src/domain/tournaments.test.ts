import {
  bracketOrder,
  eliminationFirstRound,
  eliminationNextRound,
  roundsFor,
  seed,
  standings,
  swissRound,
} from './tournaments';
import type { Result } from './tournaments';

const players = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ trainerId: `t${i + 1}`, rating: 2000 - i * 10 }));

describe('single elimination', () => {
  it('seeds by rating and pairs 1 against the lowest seed', () => {
    expect(bracketOrder(8)).toEqual([1, 8, 4, 5, 2, 7, 3, 6]);
    const round1 = eliminationFirstRound(seed(players(8)));
    expect(round1.map((p) => [p.p1, p.p2])).toEqual([
      ['t1', 't8'],
      ['t4', 't5'],
      ['t2', 't7'],
      ['t3', 't6'],
    ]);
  });

  it('gives the top seeds the byes when the field is not a power of two', () => {
    const round1 = eliminationFirstRound(seed(players(6)));
    expect(round1.filter((p) => p.p2 === null).map((p) => p.p1)).toEqual(['t1', 't2']);
    expect(round1).toHaveLength(4);
  });

  it('seeds the better rating first whatever the entry order, earlier entry among equals', () => {
    const s = seed([
      { trainerId: 'late', rating: 1500 },
      { trainerId: 'strong', rating: 1800 },
      { trainerId: 'early', rating: 1500 },
    ]);
    expect(s.map((e) => e.trainerId)).toEqual(['strong', 'late', 'early']);
  });

  it('sends winners on in bracket order until one is left', () => {
    const next = eliminationNextRound([
      { slot: 1, advancing: 't4' },
      { slot: 0, advancing: 't1' },
      { slot: 3, advancing: 't3' },
      { slot: 2, advancing: 't2' },
    ]);
    expect(next.map((p) => [p.slot, p.p1, p.p2])).toEqual([
      [0, 't1', 't4'],
      [1, 't2', 't3'],
    ]);
    expect(roundsFor(8)).toBe(3);
    expect(roundsFor(5)).toBe(3);
    expect(roundsFor(2)).toBe(1);
  });
});

describe('Swiss', () => {
  it('pairs players with equal points, never twice, with one bye per player', () => {
    const entrants = seed(players(5));
    const results: Result[] = [];
    const met = new Set<string>();
    const byes: string[] = [];
    for (let round = 1; round <= roundsFor(5); round++) {
      const pairings = swissRound(standings(entrants, results));
      expect(new Set(pairings.flatMap((p) => [p.p1, p.p2]).filter(Boolean)).size).toBe(5);
      for (const p of pairings) {
        if (p.p2 === null) {
          byes.push(p.p1);
          results.push({ round, p1: p.p1, p2: null, winner: p.p1 });
          continue;
        }
        const key = [p.p1, p.p2].sort().join('-');
        expect(met.has(key)).toBe(false);
        met.add(key);
        // The better seed wins.
        results.push({ round, p1: p.p1, p2: p.p2, winner: p.p1 < p.p2 ? p.p1 : p.p2 });
      }
    }
    expect(new Set(byes).size).toBe(byes.length);
    const table = standings(entrants, results);
    expect(table[0]!.trainerId).toBe('t1');
    expect(table[0]!.points).toBe(3);
  });

  it('counts a draw as half a point each and breaks ties by Buchholz', () => {
    const entrants = seed(players(4));
    const table = standings(entrants, [
      { round: 1, p1: 't1', p2: 't4', winner: null },
      { round: 1, p1: 't2', p2: 't3', winner: 't3' },
    ]);
    expect(table.map((s) => [s.trainerId, s.points])).toEqual([
      ['t3', 1],
      ['t1', 0.5],
      ['t4', 0.5],
      ['t2', 0],
    ]);
  });
});
