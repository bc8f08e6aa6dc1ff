// What other packages agree on with the pokemon service: the formats trainers build teams for and
// battle in, and the one a team or battle gets when it names none. The gateway's OpenAPI document
// takes them from here. No imports: importing this must not load the pokemon service (its pokédex and
// simulator), so other packages import `@gameday/pokemon/contract`. The service's own list is
// FORMATS of src/domain/sets.ts; the gateway's OpenAPI test holds this one equal to it.

/** The formats trainers build teams for and battle in (Pokémon Showdown ids). */
export const FORMATS = ['gen9ou', 'gen9ubers', 'gen9uu', 'gen9lc', 'gen9anythinggoes'] as const;
export type FormatId = (typeof FORMATS)[number];

/** The format of a team or battle that names none. */
export const DEFAULT_FORMAT: FormatId = 'gen9ou';
