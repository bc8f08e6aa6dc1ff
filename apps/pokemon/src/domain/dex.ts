// The pokédex: Generation 9 of Pokémon Showdown's data (@pkmn/dex through @pkmn/data), bundled with
// the service, so it answers with no network at all. Species, moves, abilities, items, natures and
// types, searched and filtered in memory, paged by an opaque cursor (national number, then id).
import { Dex } from '@pkmn/dex';
import { Generations } from '@pkmn/data';
import type { Generation, Specie, Move, StatsTable, TypeName } from '@pkmn/data';

export const GENERATION = 9;

/** The stat names of the API (PokeAPI's `stats[].stat.name`, with "_" for "-"). */
export const STAT_NAMES = ['hp', 'attack', 'defense', 'special_attack', 'special_defense', 'speed'] as const;
export type StatName = (typeof STAT_NAMES)[number];
export const STAT_KEYS: Record<keyof StatsTable, StatName> = {
  hp: 'hp',
  atk: 'attack',
  def: 'defense',
  spa: 'special_attack',
  spd: 'special_defense',
  spe: 'speed',
};

export interface SpeciesSummary {
  id: string;
  name: string;
  /** National pokédex number. */
  national_number: number;
  types: string[];
  base_stats: Record<StatName, number>;
  base_stat_total: number;
  generation: number;
  tier: string;
}

export interface SpeciesDetail extends SpeciesSummary {
  base_species: string;
  forme: string | null;
  abilities: { slot: string; name: string; hidden: boolean }[];
  weight_kg: number;
  gender_ratio: { male: number; female: number } | null;
  evolves_from: string | null;
  evolves_to: string[];
  /** Move ids the species can learn in this generation. */
  learnset: string[];
}

export interface MoveSummary {
  id: string;
  name: string;
  type: string;
  category: 'Physical' | 'Special' | 'Status';
  base_power: number;
  accuracy: number | null;
  pp: number;
  priority: number;
  target: string;
  description: string;
}

export interface SpeciesFilter {
  q?: string | undefined;
  type?: string | undefined;
  ability?: string | undefined;
  move?: string | undefined;
  generation?: number | undefined;
  tier?: string | undefined;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Where a page starts: after this (national number, id). */
export interface SpeciesCursor {
  num: number;
  id: string;
}

export function encodeSpeciesCursor(c: SpeciesCursor): string {
  return Buffer.from(JSON.stringify([c.num, c.id])).toString('base64url');
}

export function decodeSpeciesCursor(value: string): SpeciesCursor | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [num, id] = parsed as [unknown, unknown];
    if (
      typeof num !== 'number' ||
      !Number.isInteger(num) ||
      typeof id !== 'string' ||
      !/^[a-z0-9]{1,40}$/.test(id)
    )
      return undefined;
    return { num, id };
  } catch {
    return undefined;
  }
}

/** Showdown's id of a name: lower case letters and digits ("Mr. Mime" → "mrmime"). */
export function toId(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** Why a filter value was refused: the API turns it into a 400 naming the query field. */
export class UnknownDexEntry extends Error {
  constructor(
    readonly field: string,
    readonly value: string,
    readonly kind: string,
  ) {
    super(`"${value}" is not a ${kind} of generation ${GENERATION}`);
  }
}

export class Pokedex {
  readonly gen: Generation;
  private readonly species: Specie[];
  private readonly byNumber = new Map<number, Specie>();
  private readonly learnsets = new Map<string, string[]>();

  constructor() {
    this.gen = new Generations(Dex).get(GENERATION);
    this.species = [...this.gen.species].sort(
      (a, b) => a.num - b.num || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    // The base form answers for its number (Pikachu for 25, not one of its caps).
    for (const s of this.species) if (s.name === s.baseSpecies) this.byNumber.set(s.num, s);
    for (const s of this.species) if (!this.byNumber.has(s.num)) this.byNumber.set(s.num, s);
  }

  /** Loads every learnset (the data is bundled; @pkmn/data reads it asynchronously). */
  async load(): Promise<this> {
    await Promise.all(
      this.species.map(async (s) => {
        const learnable = await this.gen.learnsets.learnable(s.id);
        this.learnsets.set(s.id, Object.keys(learnable ?? {}).sort());
      }),
    );
    return this;
  }

  get speciesCount(): number {
    return this.species.length;
  }

  /** Species by id, name or national number (the base form), or undefined. */
  findSpecies(idOrNumber: string): Specie | undefined {
    if (/^\d{1,4}$/.test(idOrNumber)) return this.byNumber.get(Number(idOrNumber));
    const s = this.gen.species.get(idOrNumber);
    return s && this.species.includes(s) ? s : undefined;
  }

  speciesSummary(s: Specie): SpeciesSummary {
    const stats = Object.fromEntries(
      (Object.keys(STAT_KEYS) as (keyof StatsTable)[]).map((k) => [STAT_KEYS[k], s.baseStats[k]]),
    ) as Record<StatName, number>;
    return {
      id: s.id,
      name: s.name,
      national_number: s.num,
      types: [...s.types],
      base_stats: stats,
      base_stat_total: Object.values(s.baseStats).reduce((a, b) => a + b, 0),
      generation: s.gen,
      tier: s.tier,
    };
  }

  speciesDetail(s: Specie): SpeciesDetail {
    const abilities = Object.entries(s.abilities)
      .filter(([, name]) => name)
      .map(([slot, name]) => ({ slot, name: name as string, hidden: slot === 'H' }));
    return {
      ...this.speciesSummary(s),
      base_species: s.baseSpecies,
      forme: s.forme || null,
      abilities,
      weight_kg: s.weightkg,
      gender_ratio: s.gender === 'N' ? null : { male: s.genderRatio.M, female: s.genderRatio.F },
      evolves_from: s.prevo || null,
      evolves_to: [...(s.evos ?? [])],
      learnset: this.learnset(s.id),
    };
  }

  learnset(speciesId: string): string[] {
    return this.learnsets.get(speciesId) ?? [];
  }

  canLearn(speciesId: string, moveId: string): boolean {
    return this.learnset(speciesId).includes(moveId);
  }

  /** A page of species matching every given filter, in national-number order. */
  searchSpecies(filter: SpeciesFilter, limit: number, after?: SpeciesCursor): Page<SpeciesSummary> {
    const type = filter.type ? this.typeName(filter.type, 'type') : undefined;
    const ability = filter.ability ? this.abilityName(filter.ability, 'ability') : undefined;
    const move = filter.move ? this.moveOf(filter.move, 'move').id : undefined;
    const q = filter.q ? toId(filter.q) : undefined;
    const tier = filter.tier?.toLowerCase();
    if (tier && !this.species.some((s) => s.tier.toLowerCase() === tier)) {
      throw new UnknownDexEntry('tier', filter.tier!, 'tier (e.g. OU, UU, LC, Uber)');
    }
    const matches = (s: Specie) =>
      (!q || s.id.includes(q)) &&
      (!type || s.types.includes(type)) &&
      (!ability || Object.values(s.abilities).includes(ability)) &&
      (!move || this.canLearn(s.id, move)) &&
      (filter.generation === undefined || s.gen === filter.generation) &&
      (!tier || s.tier.toLowerCase() === tier);
    const start = after
      ? this.species.findIndex((s) => s.num > after.num || (s.num === after.num && s.id > after.id))
      : 0;
    const items: SpeciesSummary[] = [];
    let last: Specie | undefined;
    let more = false;
    for (let i = start < 0 ? this.species.length : start; i < this.species.length; i++) {
      const s = this.species[i]!;
      if (!matches(s)) continue;
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(this.speciesSummary(s));
      last = s;
    }
    return { items, next_cursor: more && last ? encodeSpeciesCursor({ num: last.num, id: last.id }) : null };
  }

  typeName(value: string, field: string): TypeName {
    const t = this.gen.types.get(value);
    if (!t || t.name === 'Stellar') throw new UnknownDexEntry(field, value, 'type');
    return t.name;
  }

  /** The type names a Pokémon may terastallise into (Stellar included). */
  teraTypes(): string[] {
    return [...this.gen.types].map((t) => t.name);
  }

  abilityName(value: string, field: string): string {
    const a = this.gen.abilities.get(value);
    if (!a) throw new UnknownDexEntry(field, value, 'ability');
    return a.name;
  }

  moveOf(value: string, field: string): Move {
    const m = this.gen.moves.get(value);
    if (!m) throw new UnknownDexEntry(field, value, 'move');
    return m;
  }

  moveSummary(m: Move): MoveSummary {
    return {
      id: m.id,
      name: m.name,
      type: m.type,
      category: m.category,
      base_power: m.basePower,
      accuracy: m.accuracy === true ? null : m.accuracy,
      pp: m.pp,
      priority: m.priority,
      target: m.target,
      description: m.shortDesc || m.desc,
    };
  }

  /** Moves matching the filters, by name; `after` is the last id of the previous page. */
  searchMoves(
    filter: { q?: string | undefined; type?: string | undefined; category?: string | undefined },
    limit: number,
    after?: string,
  ): Page<MoveSummary> {
    const type = filter.type ? this.typeName(filter.type, 'type') : undefined;
    const q = filter.q ? toId(filter.q) : undefined;
    const all = [...this.gen.moves]
      .filter(
        (m) =>
          (!q || m.id.includes(q)) &&
          (!type || m.type === type) &&
          (!filter.category || m.category.toLowerCase() === filter.category.toLowerCase()),
      )
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const start = after ? all.findIndex((m) => m.id > after) : 0;
    const slice = start < 0 ? [] : all.slice(start, start + limit + 1);
    const more = slice.length > limit;
    const items = slice.slice(0, limit);
    return {
      items: items.map((m) => this.moveSummary(m)),
      next_cursor: more ? Buffer.from(items[items.length - 1]!.id).toString('base64url') : null,
    };
  }

  abilities(): { id: string; name: string; description: string }[] {
    return [...this.gen.abilities]
      .map((a) => ({ id: a.id, name: a.name, description: a.shortDesc || a.desc }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  item(value: string): string | undefined {
    return this.gen.items.get(value)?.name;
  }

  nature(value: string): string | undefined {
    return this.gen.natures.get(value)?.name;
  }

  natures(): string[] {
    return [...this.gen.natures].map((n) => n.name).sort();
  }

  /** The type chart: damage multiplier of an attacking type on each defending type. */
  typeChart(): { name: string; damage_taken: Record<string, number> }[] {
    return [...this.gen.types]
      .filter((t) => t.name !== 'Stellar')
      .map((t) => ({
        name: t.name,
        damage_taken: Object.fromEntries(
          [...this.gen.types]
            .filter((a) => a.name !== 'Stellar')
            .map((a) => [a.name, this.gen.types.totalEffectiveness(a.name, [t.name])]),
        ),
      }));
  }
}
