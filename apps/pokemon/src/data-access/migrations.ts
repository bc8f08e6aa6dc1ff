// The pokemon schema, as versioned migrations (applied at start by `openDatabase` of @gameday/platform).
import type { Migration } from '@gameday/platform';
import { outboxMigration } from '@gameday/outbox';

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'create trainers, pokemon and teams',
    sql: `
      CREATE TABLE trainers (
        id         uuid PRIMARY KEY,            -- the player's account id
        name       text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE pokemon (
        id         uuid PRIMARY KEY,
        trainer_id uuid NOT NULL REFERENCES trainers (id),
        spec       jsonb NOT NULL,
        version    integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX pokemon_by_trainer ON pokemon (trainer_id, created_at, id);
      CREATE TABLE teams (
        id         uuid PRIMARY KEY,
        trainer_id uuid NOT NULL REFERENCES trainers (id),
        name       text NOT NULL,
        format     text NOT NULL,
        members    uuid[] NOT NULL,             -- pokemon ids, in team order
        version    integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX teams_by_trainer ON teams (trainer_id, created_at, id);
    `,
  },
  {
    version: 2,
    name: 'create battles, choices, ratings and idempotency keys',
    sql: `
      CREATE TABLE battles (
        id             uuid PRIMARY KEY,
        format         text NOT NULL,
        mode           text NOT NULL CHECK (mode IN ('ai', 'pvp')),
        status         text NOT NULL CHECK (status IN ('pending', 'active', 'finished')),
        rated          boolean NOT NULL,
        seed           text NOT NULL,
        p1_trainer     uuid NOT NULL,
        p2_trainer     uuid,                    -- null: the AI
        p1_name        text NOT NULL,
        p2_name        text NOT NULL,
        p1_team        jsonb,                   -- Pokémon Showdown sets, as they were when the battle began
        p2_team        jsonb,
        turn           integer NOT NULL DEFAULT 0,
        choice_count   integer NOT NULL DEFAULT 0,
        winner         text CHECK (winner IN ('p1', 'p2', 'tie')),
        end_reason     text CHECK (end_reason IN ('normal', 'forfeit', 'timeout')),
        log            text NOT NULL DEFAULT '',
        log_hash       text,
        turn_deadline  timestamptz,
        timeout_action text NOT NULL DEFAULT 'ai' CHECK (timeout_action IN ('ai', 'forfeit')),
        origin         text NOT NULL DEFAULT 'player',
        origin_ref     text,
        created_at     timestamptz NOT NULL DEFAULT now(),
        started_at     timestamptz,
        finished_at    timestamptz,
        updated_at     timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX battles_by_p1 ON battles (p1_trainer, created_at DESC);
      CREATE INDEX battles_by_p2 ON battles (p2_trainer, created_at DESC) WHERE p2_trainer IS NOT NULL;
      CREATE INDEX battles_due ON battles (turn_deadline) WHERE status = 'active';
      CREATE UNIQUE INDEX battles_origin ON battles (origin, origin_ref) WHERE origin_ref IS NOT NULL;
      CREATE TABLE battle_choices (
        battle_id  uuid NOT NULL REFERENCES battles (id) ON DELETE CASCADE,
        seq        integer NOT NULL,
        side       text NOT NULL CHECK (side IN ('p1', 'p2')),
        choice     text NOT NULL,
        by_ai      boolean NOT NULL DEFAULT false,
        turn       integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (battle_id, seq)
      );
      CREATE TABLE ratings (
        trainer_id uuid NOT NULL,
        format     text NOT NULL,
        rating     double precision NOT NULL,
        rd         double precision NOT NULL,
        vol        double precision NOT NULL,
        battles    integer NOT NULL DEFAULT 0,
        wins       integer NOT NULL DEFAULT 0,
        losses     integer NOT NULL DEFAULT 0,
        draws      integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (trainer_id, format)
      );
      CREATE INDEX ratings_board ON ratings (format, rating DESC);
      CREATE TABLE idempotency_keys (
        trainer_id   uuid NOT NULL,
        key          text NOT NULL,
        operation    text NOT NULL,
        request_hash text NOT NULL,
        resource_id  uuid,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (trainer_id, key)
      );
    `,
  },
  // battle.finished events, relayed to Kafka (when KAFKA_BROKERS is set).
  outboxMigration(3),
  {
    version: 4,
    name: 'create the PokeAPI cache',
    sql: `
      CREATE TABLE species_enrichment (
        national_number integer PRIMARY KEY,
        data            jsonb,                  -- null when PokeAPI has no such species (not_found)
        not_found       boolean NOT NULL DEFAULT false,
        fetched_at      timestamptz NOT NULL,
        expires_at      timestamptz NOT NULL
      );
      CREATE INDEX species_enrichment_expiry ON species_enrichment (expires_at);
    `,
  },
  {
    version: 5,
    name: 'battle logs can be purged by retention',
    sql: `
      ALTER TABLE battles ADD COLUMN log_purged_at timestamptz;
      CREATE INDEX battles_finished_at ON battles (finished_at) WHERE status = 'finished' AND log_purged_at IS NULL;
    `,
  },
  {
    version: 6,
    name: 'a choice remembers its idempotency key',
    sql: `
      ALTER TABLE battle_choices ADD COLUMN idempotency_key text;
      CREATE UNIQUE INDEX battle_choices_key ON battle_choices (battle_id, side, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
    `,
  },
];

/** A fixed key for pg_advisory_lock: "gameday pokemon migrations". */
export const MIGRATION_LOCK_KEY = 0x706b_6d6e;
