import type { Pool } from 'pg';
import type { PlayersRepository } from '../domain/accounts';
import { normaliseEmail } from '../domain/player';
import type { Player, Role } from '../domain/player';
import { randomUUID } from 'node:crypto';
import { EVENTS_TOPIC } from '@gameday/outbox';
import type { EventEnvelope } from '@gameday/outbox';

interface Row {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  password_hash: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, email, display_name, role, password_hash, created_at, updated_at';

function toPlayer(r: Row): Player {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    role: r.role,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const UNIQUE_VIOLATION = '23505';

export class PgPlayersRepository implements PlayersRepository {
  constructor(private readonly pool: Pool) {}

  async insert(p: Player): Promise<boolean> {
    try {
      // The player and its player.registered event in one statement: one transaction (outbox).
      const event: EventEnvelope = {
        id: randomUUID(),
        type: 'player.registered',
        occurred_at: p.createdAt.toISOString(),
        player_id: p.id,
        source: 'accounts',
        data: { display_name: p.displayName },
      };
      await this.pool.query(
        `WITH player AS (
           INSERT INTO players (id, email, email_normalised, display_name, password_hash, role, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
         )
         INSERT INTO outbox (event_id, topic, key, payload) SELECT $9, $10, id::text, $11 FROM player`,
        [
          p.id,
          p.email,
          normaliseEmail(p.email),
          p.displayName,
          p.passwordHash,
          p.role,
          p.createdAt,
          p.updatedAt,
          event.id,
          EVENTS_TOPIC,
          JSON.stringify(event),
        ],
      );
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return false;
      throw err;
    }
  }

  async findById(id: string): Promise<Player | undefined> {
    const { rows } = await this.pool.query<Row>({
      name: 'players-by-id',
      text: `SELECT ${COLUMNS} FROM players WHERE id = $1`,
      values: [id],
    });
    return rows[0] && toPlayer(rows[0]);
  }

  async findByEmail(normalisedEmail: string): Promise<Player | undefined> {
    const { rows } = await this.pool.query<Row>({
      name: 'players-by-email',
      text: `SELECT ${COLUMNS} FROM players WHERE email_normalised = $1`,
      values: [normalisedEmail],
    });
    return rows[0] && toPlayer(rows[0]);
  }

  async updateDisplayName(id: string, displayName: string): Promise<Player | undefined> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE players SET display_name = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, displayName],
    );
    return rows[0] && toPlayer(rows[0]);
  }

  async updateRole(id: string, role: Role): Promise<Player | undefined> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE players SET role = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, role],
    );
    return rows[0] && toPlayer(rows[0]);
  }
}
