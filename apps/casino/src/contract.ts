// What other packages agree on with the casino: the game ids and one valid bet per game. The gateway's
// OpenAPI document, the k6 load scripts (load/lib/api.ts), the local stack's background load, the
// benchmarks and the tests take them from here; src/games/catalogue.test.ts proves every reference bet
// valid against its game's schema. No imports: k6 loads this file as it is, and importing it must
// not load the casino (`@gameday/casino/contract`).

export const GAME_IDS = [
  'coin-flip',
  'dice',
  'roulette',
  'slots',
  'blackjack',
  'baccarat',
  'keno',
  'plinko',
  'crash',
  'wheel',
] as const;
export type GameId = (typeof GAME_IDS)[number];

/** The game-specific part of a bet (the request body's `bet`): one valid bet of every game. */
export const REFERENCE_BETS: { readonly [G in GameId]: Readonly<Record<string, unknown>> } = {
  'coin-flip': { side: 'heads' },
  dice: { target: 50.5, direction: 'over' },
  roulette: { type: 'split', numbers: [17, 20] },
  slots: { lines: 5 },
  blackjack: {},
  baccarat: { on: 'banker' },
  keno: { picks: [3, 17, 22, 41, 64] },
  plinko: { rows: 12, risk: 'medium' },
  crash: { cash_out: 2 },
  wheel: { risk: 'medium', segments: 20 },
};

/** A stake every game takes (within the default table limits). */
export const REFERENCE_STAKE = '1.00';

export function isGameId(id: string): id is GameId {
  return (GAME_IDS as readonly string[]).includes(id);
}

const range = (from: number, count: number, step = 1) =>
  Array.from({ length: count }, (_, i) => from + i * step);

/**
 * The numbers each multi-number inside roulette bet may cover (single-zero layout), in any order:
 * what the game accepts (games/roulette.ts) and what the gateway's OpenAPI document states.
 */
export const ROULETTE_NUMBER_SETS: Readonly<
  Record<'split' | 'street' | 'trio' | 'corner' | 'line', number[][]>
> = {
  split: [
    [0, 1],
    [0, 2],
    [0, 3],
    ...range(1, 36)
      .filter((n) => n % 3 !== 0)
      .map((n) => [n, n + 1]),
    ...range(1, 33).map((n) => [n, n + 3]),
  ],
  street: range(1, 12, 3).map((n) => [n, n + 1, n + 2]),
  trio: [
    [0, 1, 2],
    [0, 2, 3],
  ],
  corner: range(1, 32)
    .filter((n) => n % 3 !== 0)
    .map((n) => [n, n + 1, n + 3, n + 4]),
  line: range(1, 11, 3).map((n) => range(n, 6)),
};
