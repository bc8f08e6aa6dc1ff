// A trainer's Pokémon and teams, checked against the pokédex and a format's rules. The shape is
// checked by zod (levels, EV and IV ranges, nickname text); the pokédex checks each name (species,
// ability for that species, learnable moves, item, nature, tera type); then Pokémon Showdown's own
// TeamValidator applies the format's rules (bans, clauses, level caps, event-only species). Every
// problem names the field at fault.
import { TeamValidator, Teams, Dex as SimDex } from '@pkmn/sim';
import type { PokemonSet } from '@pkmn/sim';
import type { StatsTable } from '@pkmn/data';
import { text, z } from '@gameday/telemetry';
import type { FieldError } from '@gameday/telemetry';
import { STAT_KEYS, STAT_NAMES, toId } from './dex';
import type { Pokedex, StatName } from './dex';

import { DEFAULT_FORMAT, FORMATS } from '../contract';
import type { FormatId } from '../contract';

export { DEFAULT_FORMAT, FORMATS };
export type { FormatId };
/** A Pokémon is checked on its own (outside any team) against this format's rules. */
const STANDALONE_FORMAT = 'gen9anythinggoes';

export const MAX_TEAM_SIZE = 6;
export const MAX_EV = 252;
export const MAX_EV_TOTAL = 510;
export const MAX_NICKNAME = 18;

export function formatInfo(id: FormatId): { id: FormatId; name: string; description: string } {
  const f = SimDex.formats.get(id);
  return { id, name: f.name, description: f.desc ?? '' };
}

const stats = (max: number, fallback: number) =>
  z
    .strictObject(
      Object.fromEntries(
        STAT_NAMES.map((s) => [s, z.number().int('must be a whole number').min(0).max(max).optional()]),
      ) as Record<StatName, z.ZodOptional<z.ZodNumber>>,
    )
    .transform(
      (o) => Object.fromEntries(STAT_NAMES.map((s) => [s, o[s] ?? fallback])) as Record<StatName, number>,
    );

const name = (what: string) =>
  z.string().min(1, `must name a ${what}`).max(40, 'must be at most 40 characters');

/** The body of a Pokémon (create and replace). */
export const pokemonInput = z.strictObject({
  species: name('species'),
  // Pokémon Showdown counts a nickname in UTF-16 units (an emoji is two): so does this check.
  nickname: text({ max: MAX_NICKNAME })
    .superRefine((s, ctx) => {
      // Past text()'s own check (code points), only what it let through: emoji count twice here.
      if (s.length > MAX_NICKNAME && [...s].length <= MAX_NICKNAME) {
        ctx.addIssue({
          code: 'custom',
          message: `must be at most ${MAX_NICKNAME} UTF-16 code units (an emoji counts as two)`,
        });
      }
    })
    .nullable()
    .optional(),
  level: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be between 1 and 100')
    .max(100, 'must be between 1 and 100')
    .default(100),
  ability: name('ability'),
  item: name('item').nullable().optional(),
  nature: name('nature').default('Hardy'),
  gender: z.enum(['M', 'F']).nullable().optional(),
  evs: stats(MAX_EV, 0)
    .optional()
    .transform((v) => v ?? (Object.fromEntries(STAT_NAMES.map((s) => [s, 0])) as Record<StatName, number>))
    .refine((v) => Object.values(v).reduce((a, b) => a + b, 0) <= MAX_EV_TOTAL, {
      message: `must add up to at most ${MAX_EV_TOTAL}`,
    }),
  ivs: stats(31, 31)
    .optional()
    .transform((v) => v ?? (Object.fromEntries(STAT_NAMES.map((s) => [s, 31])) as Record<StatName, number>)),
  moves: z.array(name('move')).min(1, 'must list 1 to 4 moves').max(4, 'must list 1 to 4 moves'),
  tera_type: name('type').nullable().optional(),
  shiny: z.boolean().default(false),
});
export type PokemonInput = z.output<typeof pokemonInput>;

/** A Pokémon as stored: every name resolved to the pokédex's spelling. */
export interface PokemonSpec {
  species: string;
  nickname: string | null;
  level: number;
  ability: string;
  item: string | null;
  nature: string;
  gender: 'M' | 'F' | null;
  evs: Record<StatName, number>;
  ivs: Record<StatName, number>;
  moves: string[];
  tera_type: string | null;
  shiny: boolean;
}

/** Thrown with every problem found; the API answers 400 with them. */
export class SetProblems extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field || 'the Pokémon'}: ${e.detail}`).join('; '));
  }
}

const pointerField = (pointer: string) => pointer.replace(/^\//, '').replace(/\//g, '.');
const problem = (root: string, path: string, detail: string): FieldError => {
  const pointer = `${root}${path}`;
  return { pointer, field: pointerField(pointer), detail };
};

/**
 * Pokémon Showdown's hints that a value might be a typo (a level under the format's, no EVs at all):
 * they end "(If this was intentional, add exactly 1 to one of your EVs ...)". Not rules, so not problems.
 */
const LEVEL_HINT = /\(If this was intentional, /;

/**
 * Resolves every name against the pokédex and checks the Pokémon on its own. Throws SetProblems
 * naming each bad field (under `root`, e.g. `/pokemon/2`).
 */
export function resolvePokemon(dex: Pokedex, input: PokemonInput, root = ''): PokemonSpec {
  const errors: FieldError[] = [];
  const species = dex.findSpecies(toId(input.species));
  if (!species) {
    errors.push(
      problem(root, '/species', `"${input.species}" is not a species of generation 9 (e.g. "pikachu")`),
    );
    throw new SetProblems(errors);
  }
  const abilities = Object.values(species.abilities).filter(Boolean) as string[];
  const ability = abilities.find((a) => toId(a) === toId(input.ability));
  if (!ability) {
    errors.push(
      problem(
        root,
        '/ability',
        `${species.name} cannot have "${input.ability}" (it can have ${abilities.join(', ')})`,
      ),
    );
  }
  const moves: string[] = [];
  input.moves.forEach((m, i) => {
    const move = dex.gen.moves.get(m);
    if (!move) errors.push(problem(root, `/moves/${i}`, `"${m}" is not a move of generation 9`));
    else if (moves.includes(move.name))
      errors.push(problem(root, `/moves/${i}`, `${move.name} is listed twice`));
    else if (!dex.canLearn(species.id, move.id))
      errors.push(problem(root, `/moves/${i}`, `${species.name} cannot learn ${move.name}`));
    else moves.push(move.name);
  });
  const item = input.item ? dex.item(input.item) : null;
  if (input.item && !item)
    errors.push(problem(root, '/item', `"${input.item}" is not an item of generation 9`));
  const nature = dex.nature(input.nature);
  if (!nature) errors.push(problem(root, '/nature', `"${input.nature}" is not a nature (e.g. "Adamant")`));
  const teraType = input.tera_type
    ? dex.teraTypes().find((t) => toId(t) === toId(input.tera_type ?? ''))
    : null;
  if (input.tera_type && !teraType)
    errors.push(problem(root, '/tera_type', `"${input.tera_type}" is not a type`));
  if (input.gender && species.gender && species.gender !== input.gender) {
    errors.push(
      problem(
        root,
        '/gender',
        `${species.name} is always ${species.gender === 'N' ? 'genderless' : species.gender}`,
      ),
    );
  }
  if (errors.length) throw new SetProblems(errors);

  const spec: PokemonSpec = {
    species: species.name,
    nickname: input.nickname ?? null,
    level: input.level,
    ability: ability!,
    item: item ?? null,
    nature: nature!,
    gender: input.gender ?? null,
    evs: input.evs,
    ivs: input.ivs,
    moves,
    tera_type: teraType ?? null,
    shiny: input.shiny,
  };
  const problems = validator(STANDALONE_FORMAT).validateSet(toShowdownSet(spec), {}) ?? [];
  const rest = problems.filter((p) => !LEVEL_HINT.test(p));
  if (rest.length) throw new SetProblems(rest.map((p) => problem(root, pointerOf(p, spec), p)));
  return spec;
}

/** The JSON pointer a Pokémon Showdown problem is most likely about. */
function pointerOf(message: string, spec: PokemonSpec): string {
  const i = spec.moves.findIndex((m) => message.includes(m));
  if (i >= 0) return `/moves/${i}`;
  if (message.includes(spec.ability)) return '/ability';
  if (spec.item && message.includes(spec.item)) return '/item';
  if (/\bEVs?\b/.test(message)) return '/evs';
  if (/\bIVs?\b/.test(message)) return '/ivs';
  if (/\blevel\b/i.test(message)) return '/level';
  return '';
}

const validators = new Map<string, TeamValidator>();
function validator(format: string): TeamValidator {
  let v = validators.get(format);
  if (!v) validators.set(format, (v = TeamValidator.get(format)));
  return v;
}

/** Checks a team for a format: every member, then the format's team rules (clauses, bans). */
export function validateTeam(format: FormatId, members: PokemonSpec[]): void {
  const sets = members.map(toShowdownSet);
  const problems = (validator(format).validateTeam(sets) ?? []).filter((p) => !LEVEL_HINT.test(p));
  if (!problems.length) return;
  throw new SetProblems(
    problems.map((p) => {
      const i = members.findIndex(
        (m) => p.startsWith(`${m.nickname ?? m.species} `) || p.startsWith(`${m.species} `),
      );
      return i >= 0 ? problem('', `/pokemon/${i}`, p) : problem('', '/pokemon', p);
    }),
  );
}

const SIM_STATS = Object.keys(STAT_KEYS) as (keyof StatsTable)[];

/** Pokémon Showdown's set of a stored Pokémon. */
export function toShowdownSet(p: PokemonSpec): PokemonSet {
  const table = (o: Record<StatName, number>) =>
    Object.fromEntries(SIM_STATS.map((k) => [k, o[STAT_KEYS[k]]])) as StatsTable;
  return {
    name: p.nickname ?? p.species,
    species: p.species,
    item: p.item ?? '',
    ability: p.ability,
    moves: [...p.moves],
    nature: p.nature,
    gender: p.gender ?? '',
    evs: table(p.evs),
    ivs: table(p.ivs),
    level: p.level,
    ...(p.tera_type ? { teraType: p.tera_type } : {}),
    ...(p.shiny ? { shiny: true } : {}),
  };
}

/** The API's input for a Pokémon Showdown set (from the text format). */
export function fromShowdownSet(set: PokemonSet): z.input<typeof pokemonInput> {
  const table = (o: Partial<StatsTable> | undefined, fallback: number) =>
    Object.fromEntries(SIM_STATS.map((k) => [STAT_KEYS[k], o?.[k] ?? fallback]));
  return {
    species: set.species,
    nickname: set.name && set.name !== set.species ? set.name : null,
    level: set.level || 100,
    ability: set.ability,
    item: set.item || null,
    nature: set.nature || 'Hardy',
    gender: set.gender === 'M' || set.gender === 'F' ? set.gender : null,
    evs: table(set.evs, 0),
    ivs: table(set.ivs, 31),
    moves: set.moves,
    tera_type: set.teraType || null,
    shiny: set.shiny === true,
  };
}

/** A team in Pokémon Showdown's text format. */
export function exportTeam(members: PokemonSpec[]): string {
  return Teams.export(members.map(toShowdownSet));
}

/** Parses Pokémon Showdown's text format; undefined when it is not one. */
export function importTeam(textFormat: string): PokemonSet[] | undefined {
  const sets = Teams.import(textFormat);
  return sets && sets.length ? sets : undefined;
}
