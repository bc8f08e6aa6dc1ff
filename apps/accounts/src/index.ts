export { startServer } from './server';
export type { AccountsServer } from './server';
export { routes } from './routes';
export type { RouteSpec } from './routes';
