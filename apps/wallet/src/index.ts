export { startServer } from './server';
export type { WalletServer } from './server';
export { routes, internalRoutes } from './routes';
export type { RouteSpec } from './routes';
