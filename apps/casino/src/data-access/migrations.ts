// The casino schema.
//
// - seeds: a player's provably fair seed pairs. One is active (the next round uses its server seed,
//   client seed and next nonce); rotating reveals it and starts a new one.
// - rounds: every bet, written *before* the wallet is asked for money (status pending), so a crash
//   at any point leaves a record the recovery can finish: settle it if the bet was taken, void it
//   (and make sure the bet never lands) if not. A round's outcome is fixed by its seeds and nonce,
//   so settling later gives the same result the player would have seen.
// - jackpots / jackpot_wins: the progressive pool fed by slot bets; a win empties it in the same
//   transaction that records the win, keyed by round, so it is paid exactly once.
import type { Migration } from '@gameday/platform';
import { outboxMigration } from '@gameday/outbox';

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'create seeds, rounds and jackpots',
    sql: `
      CREATE TABLE seeds (
        id               uuid PRIMARY KEY,
        player_id        uuid NOT NULL,
        server_seed      text NOT NULL,
        server_seed_hash text NOT NULL,
        client_seed      text NOT NULL,
        next_nonce       integer NOT NULL DEFAULT 0,
        active           boolean NOT NULL DEFAULT true,
        created_at       timestamptz NOT NULL DEFAULT now(),
        revealed_at      timestamptz
      );
      CREATE UNIQUE INDEX seeds_one_active_per_player ON seeds (player_id) WHERE active;

      CREATE TABLE rounds (
        id              uuid PRIMARY KEY,
        player_id       uuid NOT NULL,
        game            text NOT NULL,
        seed_id         uuid NOT NULL REFERENCES seeds (id),
        nonce           integer NOT NULL,
        stake           bigint NOT NULL CHECK (stake > 0),
        params          jsonb NOT NULL,
        status          text NOT NULL CHECK (status IN ('pending', 'open', 'settling', 'settled', 'void')),
        stake_multiple  integer NOT NULL DEFAULT 1,
        hand            jsonb,
        multiplier      numeric(12, 4),
        payout          bigint,
        jackpot_win     bigint NOT NULL DEFAULT 0,
        result          jsonb,
        void_reason     text,
        idempotency_key text NOT NULL,
        request_hash    text NOT NULL,
        version         integer NOT NULL DEFAULT 0,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        settled_at      timestamptz,
        UNIQUE (player_id, idempotency_key),
        UNIQUE (seed_id, nonce)
      );
      CREATE INDEX rounds_player_history ON rounds (player_id, created_at DESC, id DESC);
      CREATE INDEX rounds_unfinished ON rounds (updated_at) WHERE status IN ('pending', 'open', 'settling');

      CREATE TABLE jackpots (
        game      text PRIMARY KEY,
        pool      bigint NOT NULL CHECK (pool >= 0),
        seed      bigint NOT NULL,
        wins      integer NOT NULL DEFAULT 0,
        last_won_at timestamptz
      );
      CREATE TABLE jackpot_wins (
        round_id  uuid PRIMARY KEY REFERENCES rounds (id),
        game      text NOT NULL,
        player_id uuid NOT NULL,
        amount    bigint NOT NULL,
        won_at    timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  // bet.settled events, written in the statement that settles the round, relayed to Kafka.
  outboxMigration(2),
];

/** A fixed key for pg_advisory_lock: "gameday casino migrations". */
export const MIGRATION_LOCK_KEY = 0x6361_7369;
