// Trainer Manager and Pokémon Manager: a trainer profile per player account, the trainer's own
// Pokémon (checked against the pokédex) and teams of up to six (checked against a format's rules),
// with Pokémon Showdown's text format in and out.
import { randomUUID } from 'node:crypto';
import { ConflictError, HttpError, NotFoundError, ValidationError, parse } from '@gameday/telemetry';
import type { FieldError } from '@gameday/telemetry';
import type {
  PokemonRow,
  PgTrainersRepository,
  TeamRow,
  TrainerRow,
  VersionedWrite,
} from '../data-access/trainers-repository';
import type { Pokedex } from './dex';
import {
  SetProblems,
  exportTeam,
  fromShowdownSet,
  importTeam,
  pokemonInput,
  resolvePokemon,
  validateTeam,
  MAX_TEAM_SIZE,
} from './sets';
import type { FormatId, PokemonInput, PokemonSpec } from './sets';

/** The version a request read (If-Match), or undefined for "any" (If-Match: *). */
export type Precondition = number | undefined;

/** 412: the resource changed since the client read it. */
export class PreconditionFailedError extends HttpError {
  constructor(what: string, current: number) {
    super(
      412,
      'precondition-failed',
      'Precondition failed',
      `The ${what} has changed since you read it (it is at version ${current} now): GET it again, then retry with its new ETag in If-Match.`,
      { current_etag: etagOf(current) },
    );
  }
}

export const etagOf = (version: number) => `"v${version}"`;

export interface TeamView {
  team: TeamRow;
  members: PokemonRow[];
}

const toValidation = (e: unknown): never => {
  if (e instanceof SetProblems) throw new ValidationError(e.errors);
  throw e;
};

function written<T>(result: VersionedWrite<T>, what: string): T {
  if ('ok' in result) return result.ok;
  if ('missing' in result) throw new NotFoundError(`No such ${what} of yours.`);
  throw new PreconditionFailedError(what, result.stale);
}

export class Trainers {
  constructor(
    private readonly repo: PgTrainersRepository,
    private readonly dex: Pokedex,
  ) {}

  /** The caller's trainer profile, created on first use (named after the account until renamed). */
  async ensure(playerId: string): Promise<TrainerRow> {
    const found = await this.repo.trainer(playerId);
    if (found) return found;
    return (await this.repo.upsertTrainer(playerId, `Trainer ${playerId.slice(0, 8)}`)).trainer;
  }

  async rename(playerId: string, name: string): Promise<{ trainer: TrainerRow; created: boolean }> {
    return this.repo.upsertTrainer(playerId, name);
  }

  async profile(trainerId: string): Promise<TrainerRow> {
    const t = await this.repo.trainer(trainerId);
    if (!t) throw new NotFoundError('No such trainer.');
    return t;
  }

  resolve(input: PokemonInput, root = ''): PokemonSpec {
    try {
      return resolvePokemon(this.dex, input, root);
    } catch (e) {
      return toValidation(e);
    }
  }

  async createPokemon(playerId: string, input: PokemonInput): Promise<PokemonRow> {
    const spec = this.resolve(input);
    await this.ensure(playerId);
    return this.repo.insertPokemon(this.repo.pool, randomUUID(), playerId, spec);
  }

  async getPokemon(playerId: string, id: string): Promise<PokemonRow> {
    const p = await this.repo.pokemon(playerId, id);
    if (!p) throw new NotFoundError('No such Pokémon of yours.');
    return p;
  }

  listPokemon(playerId: string, limit: number, after?: { createdAt: Date; id: string }) {
    return this.repo.listPokemon(playerId, limit, after);
  }

  async replacePokemon(playerId: string, id: string, ifMatch: Precondition, input: PokemonInput) {
    const spec = this.resolve(input);
    return written(await this.repo.updatePokemon(playerId, id, ifMatch, spec), 'Pokémon');
  }

  async deletePokemon(playerId: string, id: string, ifMatch: Precondition): Promise<void> {
    const result = await this.repo.deletePokemon(playerId, id, ifMatch);
    if ('inTeams' in result) {
      throw new ConflictError(
        `This Pokémon is in your team${result.inTeams.length > 1 ? 's' : ''} ${result.inTeams.map((n) => `"${n}"`).join(', ')}: take it out first.`,
        'pokemon-in-team',
      );
    }
    written(result, 'Pokémon');
  }

  /** The members of a team, checked for its format; 400 naming `/pokemon/<i>` for each problem. */
  private async members(playerId: string, format: FormatId, ids: string[]): Promise<PokemonRow[]> {
    const found = await this.repo.pokemonByIds(playerId, ids);
    const byId = new Map(found.map((p) => [p.id, p]));
    const errors: FieldError[] = [];
    ids.forEach((id, i) => {
      if (!byId.has(id))
        errors.push({
          pointer: `/pokemon/${i}`,
          field: `pokemon.${i}`,
          detail: 'is not one of your Pokémon',
        });
    });
    if (errors.length) throw new ValidationError(errors);
    const members = ids.map((id) => byId.get(id)!);
    try {
      validateTeam(
        format,
        members.map((m) => m.spec),
      );
    } catch (e) {
      toValidation(e);
    }
    return members;
  }

  async createTeam(
    playerId: string,
    input: { name: string; format: FormatId; pokemon: string[] },
  ): Promise<TeamView> {
    const members = await this.members(playerId, input.format, input.pokemon);
    await this.ensure(playerId);
    const team = await this.repo.insertTeam(this.repo.pool, {
      id: randomUUID(),
      trainerId: playerId,
      name: input.name,
      format: input.format,
      members: input.pokemon,
    });
    return { team, members };
  }

  async getTeam(playerId: string, id: string): Promise<TeamView> {
    const team = await this.repo.team(playerId, id);
    if (!team) throw new NotFoundError('No such team of yours.');
    const found = await this.repo.pokemonByIds(playerId, team.members);
    const byId = new Map(found.map((p) => [p.id, p]));
    return { team, members: team.members.map((m) => byId.get(m)).filter((p): p is PokemonRow => !!p) };
  }

  listTeams(playerId: string): Promise<TeamRow[]> {
    return this.repo.listTeams(playerId);
  }

  async replaceTeam(
    playerId: string,
    id: string,
    ifMatch: Precondition,
    input: { name: string; format: FormatId; pokemon: string[] },
  ): Promise<TeamView> {
    const members = await this.members(playerId, input.format, input.pokemon);
    const team = written(
      await this.repo.updateTeam(playerId, id, ifMatch, { ...input, members: input.pokemon }),
      'team',
    );
    return { team, members };
  }

  async deleteTeam(playerId: string, id: string, ifMatch: Precondition): Promise<void> {
    written(await this.repo.deleteTeam(playerId, id, ifMatch), 'team');
  }

  async exportTeam(playerId: string, id: string): Promise<string> {
    const { members } = await this.getTeam(playerId, id);
    return exportTeam(members.map((m) => m.spec));
  }

  /** Creates the Pokémon of a team in Pokémon Showdown's text format, and the team, or nothing. */
  async importTeam(
    playerId: string,
    input: { name: string; format: FormatId; text: string },
  ): Promise<TeamView> {
    const sets = importTeam(input.text);
    if (!sets) {
      throw new ValidationError([
        { pointer: '/text', field: 'text', detail: "is not a team in Pokémon Showdown's text format" },
      ]);
    }
    if (sets.length > MAX_TEAM_SIZE) {
      throw new ValidationError([
        {
          pointer: '/text',
          field: 'text',
          detail: `has ${sets.length} Pokémon: a team has at most ${MAX_TEAM_SIZE}`,
        },
      ]);
    }
    const specs = sets.map((set, i) =>
      this.resolve(parse(pokemonInput, fromShowdownSet(set), `/pokemon/${i}`), `/pokemon/${i}`),
    );
    try {
      validateTeam(input.format, specs);
    } catch (e) {
      toValidation(e);
    }
    await this.ensure(playerId);
    return this.repo.transaction(async (client) => {
      const members: PokemonRow[] = [];
      for (const spec of specs)
        members.push(await this.repo.insertPokemon(client, randomUUID(), playerId, spec));
      const team = await this.repo.insertTeam(client, {
        id: randomUUID(),
        trainerId: playerId,
        name: input.name,
        format: input.format,
        members: members.map((m) => m.id),
      });
      return { team, members };
    });
  }
}
