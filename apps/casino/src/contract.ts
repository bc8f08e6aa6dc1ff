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
