// The game catalogue: one module per game, each with its own math, payout table and documented RTP.
import { baccarat } from './baccarat';
import { blackjack } from './blackjack';
import { coinFlip } from './coin-flip';
import { crash } from './crash';
import { dice } from './dice';
import { keno } from './keno';
import { plinko } from './plinko';
import { roulette } from './roulette';
import { slots } from './slots';
import { wheel } from './wheel';
import { GAME_IDS } from './types';
import type { Game, GameId } from './types';

export const GAMES: Record<GameId, Game> = {
  'coin-flip': coinFlip,
  dice,
  roulette,
  slots,
  blackjack,
  baccarat,
  keno,
  plinko,
  crash,
  wheel,
};

export { GAME_IDS };
export * from './types';
