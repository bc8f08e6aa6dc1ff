export { startServer } from './server';
export type { PokemonServer } from './server';
export { routes } from './routes';
export type { RouteSpec } from './routes';
export { FORMATS, DEFAULT_FORMAT } from './domain/sets';
