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

/** A Pokémon as the API takes it (POST /api/v1/pokemon/trainers/me/pokemon). */
export interface ReferenceSet {
  species: string;
  nickname?: string;
  level?: number;
  ability: string;
  item?: string;
  nature?: string;
  evs?: Partial<Record<'hp' | 'attack' | 'defense' | 'special_attack' | 'special_defense' | 'speed', number>>;
  moves: string[];
  tera_type?: string;
}

/**
 * Sets legal in gen9ou (and gen9anythinggoes), distinct species: the team the tests, the k6
 * journeys, the benchmarks and the README's session build.
 */
export const REFERENCE_SETS: readonly ReferenceSet[] = [
  {
    species: 'Garchomp',
    ability: 'Rough Skin',
    item: 'Leftovers',
    nature: 'Jolly',
    evs: { attack: 252, speed: 252, hp: 4 },
    moves: ['Earthquake', 'Dragon Claw', 'Swords Dance', 'Stone Edge'],
    tera_type: 'Steel',
  },
  {
    species: 'Corviknight',
    ability: 'Pressure',
    item: 'Leftovers',
    nature: 'Impish',
    evs: { hp: 252, defense: 168, special_defense: 88 },
    moves: ['Brave Bird', 'Roost', 'U-turn', 'Defog'],
  },
  {
    species: 'Rotom-Wash',
    ability: 'Levitate',
    item: 'Choice Scarf',
    nature: 'Timid',
    evs: { hp: 4, special_attack: 252, speed: 252 },
    moves: ['Hydro Pump', 'Volt Switch', 'Thunderbolt', 'Trick'],
  },
  {
    species: 'Pikachu',
    nickname: 'Sparky',
    level: 50,
    ability: 'Static',
    item: 'Light Ball',
    nature: 'Timid',
    evs: { special_attack: 252, speed: 252, special_defense: 4 },
    moves: ['Thunderbolt', 'Volt Switch', 'Grass Knot', 'Surf'],
  },
];
