import { FairRng } from '../domain/provably-fair';
import { BACCARAT_BETS, baccarat, bankerDraws, outcomeCounts, playerDraws } from './baccarat';
import type { BaccaratBet } from './baccarat';
import { simulateRtp } from './simulate';
import { stub } from '../../test/stub-rng';

const RANKS = ['A', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'J', 'Q', 'K'];
const SUITS = ['♠', '♥', '♦', '♣'];

/** The number that deals `card` (e.g. "10♥"): card index = suit × 13 + rank, number = (index + ½) / 52. */
function n(card: string): number {
  const suit = SUITS.indexOf(card.slice(-1));
  const rank = RANKS.indexOf(card.slice(0, -1));
  if (suit < 0 || rank < 0) throw new Error(`bad card ${card}`);
  return (suit * 13 + rank + 0.5) / 52;
}

/** Deals `cards` (in stream order) and returns the resolution for each bet. */
function play(cards: string[]) {
  const results = BACCARAT_BETS.map((on) => {
    const rng = stub(...cards.map(n));
    const resolution = baccarat.resolve({ on }, rng);
    return { on, rng, ...resolution };
  });
  const multipliers = Object.fromEntries(results.map((r) => [r.on, r.multiplier])) as Record<
    BaccaratBet,
    number
  >;
  return { result: results[0]!.result, cursor: results[0]!.rng.cursor, multipliers };
}

describe('baccarat dealing and payouts', () => {
  it('maps int(52) to rank by card mod 13 and suit by card div 13', () => {
    // Player: card 0 (A♠) and card 9 (10♠); banker: card 25 (K♥) and card 51 (K♣).
    const { result } = play(['A♠', 'K♥', '10♠', 'K♣', '2♦', '3♦']);
    expect(result.player.slice(0, 2)).toEqual(['A♠', '10♠']);
    expect(result.banker.slice(0, 2)).toEqual(['K♥', 'K♣']);
    expect(n('A♠')).toBeCloseTo(0.5 / 52, 12);
    expect(n('K♣')).toBeCloseTo(51.5 / 52, 12);
  });

  it('stands on a natural and pays the player bet 2, the others nothing', () => {
    // Player 5 + 3 = 8 (natural), banker 4 + 3 = 7.
    const { result, cursor, multipliers } = play(['5♠', '4♥', '3♠', '3♥', '9♦', '9♦']);
    expect(result).toEqual({
      player: ['5♠', '3♠'],
      banker: ['4♥', '3♥'],
      player_total: 8,
      banker_total: 7,
      winner: 'player',
    });
    expect(cursor).toBe(4);
    expect(multipliers).toEqual({ player: 2, banker: 0, tie: 0 });
  });

  it('pays the banker bet 1.95 (5% commission)', () => {
    // Banker K + 9 = 9 (natural) beats player 6 + Q = 6.
    const { result, multipliers } = play(['6♣', 'K♦', 'Q♣', '9♦']);
    expect(result.winner).toBe('banker');
    expect(result.banker_total).toBe(9);
    expect(multipliers).toEqual({ player: 0, banker: 1.95, tie: 0 });
  });

  it('pushes player and banker bets on a tie and pays the tie bet 9', () => {
    // 7 (K + 7) against 7 (7 + Q): both stand.
    const { result, cursor, multipliers } = play(['K♠', '7♥', '7♠', 'Q♥']);
    expect(result).toMatchObject({ player_total: 7, banker_total: 7, winner: 'tie' });
    expect(cursor).toBe(4);
    expect(multipliers).toEqual({ player: 1, banker: 1, tie: 9 });
  });

  it('counts totals modulo 10', () => {
    // Player 9 + 9 = 18 → 8 (natural); banker 6 + 7 = 13 → 3.
    const { result } = play(['9♠', '6♥', '9♥', '7♣']);
    expect(result).toMatchObject({ player_total: 8, banker_total: 3, winner: 'player' });
  });

  it("draws the player's third card on 5 and lets the banker stand on 3 against a third-card 8", () => {
    // Player 2 + 3 = 5 draws 8 → 3; banker A + 2 = 3 stands (third card 8) → tie.
    const { result, cursor, multipliers } = play(['2♠', 'A♥', '3♠', '2♥', '8♠', '9♥']);
    expect(result).toEqual({
      player: ['2♠', '3♠', '8♠'],
      banker: ['A♥', '2♥'],
      player_total: 3,
      banker_total: 3,
      winner: 'tie',
    });
    expect(cursor).toBe(5);
    expect(multipliers.tie).toBe(9);
  });

  it('lets the banker draw on 3 against any other third card, dealing it after the player’s', () => {
    // Player 2 + 3 = 5 draws 7 → 2; banker A + 2 = 3 draws 5 → 8.
    const { result, cursor, multipliers } = play(['2♠', 'A♥', '3♠', '2♥', '7♠', '5♥']);
    expect(result).toEqual({
      player: ['2♠', '3♠', '7♠'],
      banker: ['A♥', '2♥', '5♥'],
      player_total: 2,
      banker_total: 8,
      winner: 'banker',
    });
    expect(cursor).toBe(6);
    expect(multipliers.banker).toBe(1.95);
  });

  it('when the player stands on 6, the banker draws on 5 as the fifth card', () => {
    // Player 3 + 3 = 6 stands; banker 2 + 3 = 5 draws 4 → 9.
    const { result, cursor } = play(['3♠', '2♥', '3♦', '3♥', '4♣']);
    expect(result).toEqual({
      player: ['3♠', '3♦'],
      banker: ['2♥', '3♥', '4♣'],
      player_total: 6,
      banker_total: 9,
      winner: 'banker',
    });
    expect(cursor).toBe(5);
  });

  it('when the player stands on 7, the banker stands on 6', () => {
    const { result, cursor } = play(['3♠', '2♥', '4♦', '4♥']);
    expect(result).toMatchObject({ player_total: 7, banker_total: 6, winner: 'player' });
    expect(result.banker).toHaveLength(2);
    expect(cursor).toBe(4);
  });

  it('follows the standard drawing tableau', () => {
    // Rows: banker two-card total 0–7; columns: the player's third card 0–9, then "player stood".
    // D = banker draws, S = banker stands.
    const tableau = [
      'DDDDDDDDDD D',
      'DDDDDDDDDD D',
      'DDDDDDDDDD D',
      'DDDDDDDDSD D',
      'SSDDDDDDSS D',
      'SSSSDDDDSS D',
      'SSSSSSDDSS S',
      'SSSSSSSSSS S',
    ];
    tableau.forEach((row, banker) => {
      for (let third = 0; third < 10; third++)
        expect([banker, third, bankerDraws(banker, third)]).toEqual([banker, third, row[third] === 'D']);
      expect([banker, 'stood', bankerDraws(banker, null)]).toEqual([banker, 'stood', row[11] === 'D']);
    });
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(playerDraws)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('baccarat bet validation', () => {
  it('accepts the three bets', () => {
    for (const on of BACCARAT_BETS) expect(baccarat.params.safeParse({ on }).success).toBe(true);
  });

  it('rejects unknown bets, missing and unknown fields', () => {
    for (const on of ['Player', 'draw', '', 1, null]) {
      const parsed = baccarat.params.safeParse({ on });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues.map((i) => i.path)).toEqual([['on']]);
    }
    const missing = baccarat.params.safeParse({});
    expect(missing.error!.issues).toMatchObject([{ path: ['on'], message: 'is required' }]);
    const unknown = baccarat.params.safeParse({ on: 'tie', side: 'pair' });
    expect(unknown.success).toBe(false);
    expect(unknown.error!.issues[0]!.code).toBe('unrecognized_keys');
  });
});

describe('baccarat RTP', () => {
  // Independent of the module: every one of the 13^6 rank sequences in stream order (player,
  // banker, player, banker, then the third-card slots, which count even when unused), played by the
  // tableau as written out card by card.
  function bruteForceCounts(): Record<'player' | 'banker' | 'tie', number> {
    const value = Array.from({ length: 13 }, (_, rank) => (rank >= 9 ? 0 : rank + 1));
    const counts = { player: 0, banker: 0, tie: 0 };
    const bankerDrawsOn = (b: number, p3: number) => {
      if (p3 < 0) return b < 6;
      if (b < 3) return true;
      if (b === 3) return p3 !== 8;
      if (b === 4) return p3 > 1 && p3 < 8;
      if (b === 5) return p3 > 3 && p3 < 8;
      if (b === 6) return p3 > 5 && p3 < 8;
      return false;
    };
    for (const c0 of value) {
      for (const c1 of value) {
        for (const c2 of value) {
          for (const c3 of value) {
            for (const c4 of value) {
              for (const c5 of value) {
                let p = (c0 + c2) % 10;
                let b = (c1 + c3) % 10;
                if (p < 8 && b < 8) {
                  const p3 = p < 6 ? c4 : -1;
                  if (p3 >= 0) p = (p + p3) % 10;
                  if (bankerDrawsOn(b, p3)) b = (b + (p3 >= 0 ? c5 : c4)) % 10;
                }
                counts[p > b ? 'player' : b > p ? 'banker' : 'tie'] += 1;
              }
            }
          }
        }
      }
    }
    return counts;
  }

  it('counts the same outcomes as playing all 13^6 rank sequences', () => {
    const brute = bruteForceCounts();
    expect(outcomeCounts()).toEqual(brute);
    expect(brute).toEqual({ player: 2_153_464, banker: 2_212_744, tie: 460_601 });
  });

  it('rtpFor is the exact expectation of each bet', () => {
    const total = 13 ** 6;
    expect(baccarat.rtpFor({ on: 'player' })).toBeCloseTo((2 * 2_153_464 + 460_601) / total, 12);
    expect(baccarat.rtpFor({ on: 'banker' })).toBeCloseTo((1.95 * 2_212_744 + 460_601) / total, 12);
    expect(baccarat.rtpFor({ on: 'tie' })).toBeCloseTo((9 * 460_601) / total, 12);
    expect(baccarat.rtp).toBe(0.9894);
  });

  it('replays the same round from the same seeds', () => {
    const seeds = { serverSeed: 'server', clientSeed: 'client', nonce: 7 };
    const a = baccarat.resolve({ on: 'banker' }, new FairRng(seeds));
    expect(baccarat.resolve({ on: 'banker' }, new FairRng(seeds))).toEqual(a);
    const hands = new Set(
      [0, 1, 2, 3, 4].map((nonce) =>
        JSON.stringify(baccarat.resolve({ on: 'banker' }, new FairRng({ ...seeds, nonce })).result),
      ),
    );
    expect(hands.size).toBeGreaterThan(1);
  });

  it.each(baccarat.rtpCases.map((c) => [c.on, c] as const))(
    'simulated RTP of the %s bet over 10^6 rounds matches rtpFor',
    (_name, bet) => {
      const report = simulateRtp(baccarat, bet, { rounds: 1_000_000 });
      expect(report.within).toBe(true);
      expect(Math.abs(report.rtp - baccarat.rtpFor(bet))).toBeLessThan(0.02);
    },
    120_000,
  );
});
