// The accounts schema, as versioned migrations (applied at start by `openDatabase` of @gameday/platform).
import type { Migration } from '@gameday/platform';
import { outboxMigration } from '@gameday/outbox';

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'create players',
    sql: `
      CREATE TABLE players (
        id               uuid PRIMARY KEY,
        email            text NOT NULL,
        email_normalised text NOT NULL,
        display_name     text NOT NULL,
        password_hash    text NOT NULL,
        role             text NOT NULL CHECK (role IN ('player', 'admin')),
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX players_email_normalised_key ON players (email_normalised);
    `,
  },
  // player.registered events, relayed to Kafka (when KAFKA_BROKERS is set).
  outboxMigration(2),
];

/** A fixed key for pg_advisory_lock: "gameday accounts migrations". */
export const MIGRATION_LOCK_KEY = 0x6761_6d65;
