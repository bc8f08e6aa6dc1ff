// Trainers, their Pokémon and their teams in PostgreSQL. Optimistic concurrency: every Pokémon and
// team has a version; an update or delete names the version it read and changes nothing when the
// row has moved on since (the API's ETag / If-Match).
import { withTransaction } from '@gameday/platform';
import type { Pool, PoolClient } from 'pg';
import type { PokemonSpec } from '../domain/sets';

type Queryable = Pool | PoolClient;

export interface TrainerRow {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface PokemonRow {
  id: string;
  trainerId: string;
  spec: PokemonSpec;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface TeamRow {
  id: string;
  trainerId: string;
  name: string;
  format: string;
  members: string[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

interface DbTrainer {
  id: string;
  name: string;
  created_at: Date;
  updated_at: Date;
}
interface DbPokemon {
  id: string;
  trainer_id: string;
  spec: PokemonSpec;
  version: number;
  created_at: Date;
  updated_at: Date;
}
interface DbTeam {
  id: string;
  trainer_id: string;
  name: string;
  format: string;
  members: string[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

const trainerOf = (r: DbTrainer): TrainerRow => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const pokemonOf = (r: DbPokemon): PokemonRow => ({
  id: r.id,
  trainerId: r.trainer_id,
  spec: r.spec,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const teamOf = (r: DbTeam): TeamRow => ({
  id: r.id,
  trainerId: r.trainer_id,
  name: r.name,
  format: r.format,
  members: r.members,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The outcome of a versioned write: done, the row is gone, or it has another version now. */
export type VersionedWrite<T> = { ok: T } | { missing: true } | { stale: number };

export class PgTrainersRepository {
  constructor(readonly pool: Pool) {}

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }

  async upsertTrainer(id: string, name: string): Promise<{ trainer: TrainerRow; created: boolean }> {
    const { rows } = await this.pool.query<DbTrainer & { inserted: boolean }>(
      `INSERT INTO trainers (id, name) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
       RETURNING *, (xmax = 0) AS inserted`,
      [id, name],
    );
    return { trainer: trainerOf(rows[0]!), created: rows[0]!.inserted };
  }

  async trainer(id: string, db: Queryable = this.pool): Promise<TrainerRow | undefined> {
    const { rows } = await db.query<DbTrainer>('SELECT * FROM trainers WHERE id = $1', [id]);
    return rows[0] ? trainerOf(rows[0]) : undefined;
  }

  async insertPokemon(db: Queryable, id: string, trainerId: string, spec: PokemonSpec): Promise<PokemonRow> {
    const { rows } = await db.query<DbPokemon>(
      'INSERT INTO pokemon (id, trainer_id, spec) VALUES ($1, $2, $3) RETURNING *',
      [id, trainerId, JSON.stringify(spec)],
    );
    return pokemonOf(rows[0]!);
  }

  async pokemon(trainerId: string, id: string, db: Queryable = this.pool): Promise<PokemonRow | undefined> {
    const { rows } = await db.query<DbPokemon>('SELECT * FROM pokemon WHERE id = $1 AND trainer_id = $2', [
      id,
      trainerId,
    ]);
    return rows[0] ? pokemonOf(rows[0]) : undefined;
  }

  async pokemonByIds(trainerId: string, ids: string[], db: Queryable = this.pool): Promise<PokemonRow[]> {
    const { rows } = await db.query<DbPokemon>(
      'SELECT * FROM pokemon WHERE trainer_id = $1 AND id = ANY($2)',
      [trainerId, ids],
    );
    return rows.map(pokemonOf);
  }

  async listPokemon(
    trainerId: string,
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<PokemonRow[]> {
    const { rows } = await this.pool.query<DbPokemon>(
      `SELECT * FROM pokemon WHERE trainer_id = $1
         AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3::uuid))
       ORDER BY created_at, id LIMIT $4`,
      [trainerId, after?.createdAt ?? null, after?.id ?? null, limit],
    );
    return rows.map(pokemonOf);
  }

  async updatePokemon(
    trainerId: string,
    id: string,
    version: number | undefined,
    spec: PokemonSpec,
  ): Promise<VersionedWrite<PokemonRow>> {
    const { rows } = await this.pool.query<DbPokemon>(
      `UPDATE pokemon SET spec = $3, version = version + 1, updated_at = now()
       WHERE id = $1 AND trainer_id = $2 AND ($4::int IS NULL OR version = $4) RETURNING *`,
      [id, trainerId, JSON.stringify(spec), version ?? null],
    );
    if (rows[0]) return { ok: pokemonOf(rows[0]) };
    return this.whyNot('pokemon', trainerId, id);
  }

  /** Deletes a Pokémon that is in no team. */
  async deletePokemon(
    trainerId: string,
    id: string,
    version: number | undefined,
  ): Promise<VersionedWrite<true> | { inTeams: string[] }> {
    return this.transaction(async (client) => {
      // The precondition first (RFC 9110 §13.2.2): a stale If-Match is a 412 whatever else holds.
      const current = await client.query<{ version: number }>(
        'SELECT version FROM pokemon WHERE id = $1 AND trainer_id = $2 FOR UPDATE',
        [id, trainerId],
      );
      if (!current.rows[0]) return { missing: true as const };
      if (version !== undefined && current.rows[0].version !== version)
        return { stale: current.rows[0].version };
      const teams = await client.query<{ name: string }>(
        'SELECT name FROM teams WHERE trainer_id = $1 AND $2 = ANY(members) ORDER BY name',
        [trainerId, id],
      );
      if (teams.rows.length) return { inTeams: teams.rows.map((r) => r.name) };
      const { rowCount } = await client.query(
        'DELETE FROM pokemon WHERE id = $1 AND trainer_id = $2 AND ($3::int IS NULL OR version = $3)',
        [id, trainerId, version ?? null],
      );
      if (rowCount) return { ok: true as const };
      return this.whyNot('pokemon', trainerId, id, client);
    });
  }

  async insertTeam(
    db: Queryable,
    team: { id: string; trainerId: string; name: string; format: string; members: string[] },
  ): Promise<TeamRow> {
    const { rows } = await db.query<DbTeam>(
      'INSERT INTO teams (id, trainer_id, name, format, members) VALUES ($1, $2, $3, $4, $5) RETURNING *',
      [team.id, team.trainerId, team.name, team.format, team.members],
    );
    return teamOf(rows[0]!);
  }

  async team(trainerId: string, id: string, db: Queryable = this.pool): Promise<TeamRow | undefined> {
    const { rows } = await db.query<DbTeam>('SELECT * FROM teams WHERE id = $1 AND trainer_id = $2', [
      id,
      trainerId,
    ]);
    return rows[0] ? teamOf(rows[0]) : undefined;
  }

  async listTeams(trainerId: string): Promise<TeamRow[]> {
    const { rows } = await this.pool.query<DbTeam>(
      'SELECT * FROM teams WHERE trainer_id = $1 ORDER BY created_at, id LIMIT 200',
      [trainerId],
    );
    return rows.map(teamOf);
  }

  async updateTeam(
    trainerId: string,
    id: string,
    version: number | undefined,
    team: { name: string; format: string; members: string[] },
  ): Promise<VersionedWrite<TeamRow>> {
    const { rows } = await this.pool.query<DbTeam>(
      `UPDATE teams SET name = $3, format = $4, members = $5, version = version + 1, updated_at = now()
       WHERE id = $1 AND trainer_id = $2 AND ($6::int IS NULL OR version = $6) RETURNING *`,
      [id, trainerId, team.name, team.format, team.members, version ?? null],
    );
    if (rows[0]) return { ok: teamOf(rows[0]) };
    return this.whyNot('teams', trainerId, id);
  }

  async deleteTeam(
    trainerId: string,
    id: string,
    version: number | undefined,
  ): Promise<VersionedWrite<true>> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM teams WHERE id = $1 AND trainer_id = $2 AND ($3::int IS NULL OR version = $3)',
      [id, trainerId, version ?? null],
    );
    if (rowCount) return { ok: true };
    return this.whyNot('teams', trainerId, id);
  }

  private async whyNot(
    table: 'pokemon' | 'teams',
    trainerId: string,
    id: string,
    db: Queryable = this.pool,
  ): Promise<{ missing: true } | { stale: number }> {
    const { rows } = await db.query<{ version: number }>(
      `SELECT version FROM ${table} WHERE id = $1 AND trainer_id = $2`,
      [id, trainerId],
    );
    return rows[0] ? { stale: rows[0].version } : { missing: true };
  }
}
