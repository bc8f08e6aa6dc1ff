export { startServer } from './server';
export type { AccountsServer } from './server';
export { routes } from './routes';
export type { RouteSpec } from './routes';
export { HASH_PARAMS } from './domain/passwords';
