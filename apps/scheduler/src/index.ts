// What other packages (and tests) use of the scheduler, without starting it (pg-boss loads only in
// server.ts).
export { routes } from './routes';
export type { RouteSpec } from './routes';
export * from './domain/tournaments';
export { pairQueue, windowOf, DEFAULT_WINDOW } from './domain/matchmaking';
export type { QueuedTrainer, Window } from './domain/matchmaking';
export { challengesFor, CATALOGUE } from './domain/challenges';
