export { startServer } from './server';
export type { CasinoServer } from './server';
export { routes } from './routes';
export type { RouteSpec } from './routes';
export { recompute, matchesRecord } from './domain/verify';
export type { VerifyInput, Recomputed } from './domain/verify';
export { GAMES, GAME_IDS } from './games';
export { simulateRtp } from './games/simulate';
