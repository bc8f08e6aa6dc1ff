// The fields of PokeAPI (https://pokeapi.co/docs/v2) the fetcher reads, as one schema: the client
// parses every answer with it (anything else PokeAPI sends is ignored), and a test checks the local
// PokeAPI double's answers against it, so the double cannot drift from what the client relies on.
import { z } from '@gameday/telemetry';

const namedResource = z.object({ name: z.string().min(1), url: z.url() });

/** GET /api/v2/pokemon-species/{id} */
export const pokeapiSpecies = z.object({
  id: z.number().int().min(1),
  name: z.string().regex(/^[a-z0-9-]+$/),
  flavor_text_entries: z.array(
    z.object({ flavor_text: z.string(), language: namedResource, version: namedResource }),
  ),
  habitat: namedResource.nullable(),
  evolution_chain: z.object({ url: z.url() }).nullable(),
  generation: namedResource,
});
export type PokeapiSpecies = z.infer<typeof pokeapiSpecies>;

export interface ChainLink {
  species: { name: string; url: string };
  evolves_to: ChainLink[];
}
const chainLink: z.ZodType<ChainLink> = z.lazy(() =>
  z.object({ species: namedResource, evolves_to: z.array(chainLink) }),
);

/** GET /api/v2/evolution-chain/{id} */
export const pokeapiEvolutionChain = z.object({ id: z.number().int().min(1), chain: chainLink });
export type PokeapiEvolutionChain = z.infer<typeof pokeapiEvolutionChain>;

/** GET /api/v2/pokemon/{id} */
export const pokeapiPokemon = z.object({
  id: z.number().int().min(1),
  name: z.string().regex(/^[a-z0-9-]+$/),
  sprites: z.object({
    front_default: z.url().nullable(),
    front_shiny: z.url().nullable(),
    other: z
      .object({ 'official-artwork': z.object({ front_default: z.url().nullable() }).optional() })
      .optional(),
  }),
  stats: z.array(
    z.object({
      base_stat: z.number().int().min(1),
      stat: namedResource,
    }),
  ),
  types: z.array(z.object({ slot: z.number().int(), type: namedResource })),
});
export type PokeapiPokemon = z.infer<typeof pokeapiPokemon>;
