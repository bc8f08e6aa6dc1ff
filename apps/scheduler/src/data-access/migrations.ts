// The scheduler's own schema (pg-boss keeps its jobs in the `pgboss` schema, which it migrates itself).
import type { Migration } from '@gameday/platform';
import { outboxMigration } from '@gameday/outbox';

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'create tournaments, the matchmaking queue and daily challenges',
    sql: `
      CREATE TABLE tournaments (
        id            uuid PRIMARY KEY,
        name          text NOT NULL,
        format        text NOT NULL,
        kind          text NOT NULL CHECK (kind IN ('single-elimination', 'swiss')),
        max_entrants  integer NOT NULL,
        rounds        integer,
        current_round integer NOT NULL DEFAULT 0,
        status        text NOT NULL CHECK (status IN ('open', 'running', 'finished', 'cancelled')),
        starts_at     timestamptz NOT NULL,
        winner_id     uuid,
        created_by    uuid NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        started_at    timestamptz,
        finished_at   timestamptz
      );
      CREATE TABLE tournament_entries (
        tournament_id uuid NOT NULL REFERENCES tournaments (id) ON DELETE CASCADE,
        trainer_id    uuid NOT NULL,
        team_id       uuid NOT NULL,
        rating        integer NOT NULL,
        seed          integer,
        joined_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tournament_id, trainer_id)
      );
      CREATE TABLE tournament_matches (
        tournament_id uuid NOT NULL REFERENCES tournaments (id) ON DELETE CASCADE,
        round         integer NOT NULL,
        slot          integer NOT NULL,
        p1            uuid NOT NULL,
        p2            uuid,                    -- null: a bye
        battle_id     uuid,
        winner_id     uuid,
        draw          boolean NOT NULL DEFAULT false,
        played_at     timestamptz,
        PRIMARY KEY (tournament_id, round, slot)
      );
      CREATE TABLE match_queue (
        id          uuid PRIMARY KEY,
        trainer_id  uuid NOT NULL,
        format      text NOT NULL,
        team_id     uuid NOT NULL,
        rating      integer NOT NULL,
        status      text NOT NULL CHECK (status IN ('waiting', 'matched', 'left')),
        enqueued_at timestamptz NOT NULL DEFAULT now(),
        battle_id   uuid,
        opponent_id uuid,
        matched_at  timestamptz
      );
      CREATE UNIQUE INDEX match_queue_waiting ON match_queue (trainer_id) WHERE status = 'waiting';
      CREATE INDEX match_queue_by_trainer ON match_queue (trainer_id, enqueued_at DESC);
      CREATE TABLE challenges (
        day           date NOT NULL,
        key           text NOT NULL,
        category      text NOT NULL,
        difficulty    text NOT NULL,
        title         text NOT NULL,
        goal          jsonb NOT NULL,
        reward_points integer NOT NULL,
        PRIMARY KEY (day, key)
      );
      CREATE TABLE challenge_completions (
        player_id    uuid NOT NULL,
        day          date NOT NULL,
        key          text NOT NULL,
        completed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (player_id, day, key)
      );
      CREATE TABLE idempotency_keys (
        player_id    uuid NOT NULL,
        key          text NOT NULL,
        operation    text NOT NULL,
        request_hash text NOT NULL,
        resource_id  text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (player_id, key)
      );
    `,
  },
  // tournament.finished and challenge.completed events, relayed to Kafka (when KAFKA_BROKERS is set).
  outboxMigration(2),
];

/** A fixed key for pg_advisory_lock: "gameday scheduler migrations". */
export const MIGRATION_LOCK_KEY = 0x7363_6864;
