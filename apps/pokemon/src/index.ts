export { startServer } from './server';
export type { PokemonServer } from './server';
export { routes } from './routes';
export type { RouteSpec } from './routes';
export { FORMATS, DEFAULT_FORMAT } from './domain/sets';
// The simulation without the service around it: the benchmark's bare-simulator baseline runs the
// same battles in a plain loop.
export { LiveBattle, playOut, newSeed, logHash } from './domain/engine';
export { houseTeam } from './domain/house-team';
export { Pokedex } from './domain/dex';
export { resolvePokemon, toShowdownSet, pokemonInput } from './domain/sets';
export { REFERENCE_SETS } from './contract';
