export { startServer } from './server';
export type { LeaderboardServer } from './server';
export { routes } from './routes';
export { fold, periodStart, BOARDS, PERIODS } from './domain/boards';
