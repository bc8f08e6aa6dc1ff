// The leaderboard's read models, rebuilt from events: player statistics, scores per board and
// period, achievements, and the ids of processed events (what makes redelivery harmless).
import type { Migration } from '@gameday/platform';

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'create read models',
    sql: `
      CREATE TABLE processed_events (
        event_id     uuid PRIMARY KEY,
        processed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE player_stats (
        player_id         uuid PRIMARY KEY,
        display_name      text,
        bets              bigint NOT NULL DEFAULT 0,
        wins              bigint NOT NULL DEFAULT 0,
        wagered_cents     bigint NOT NULL DEFAULT 0,
        paid_cents        bigint NOT NULL DEFAULT 0,
        biggest_win_cents bigint NOT NULL DEFAULT 0,
        battles           bigint NOT NULL DEFAULT 0,
        battles_won       bigint NOT NULL DEFAULT 0,
        sessions          bigint NOT NULL DEFAULT 0,
        updated_at        timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE board_scores (
        board        text NOT NULL,
        period       text NOT NULL,
        period_start date NOT NULL,
        player_id    uuid NOT NULL,
        score        bigint NOT NULL,
        updated_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (board, period, period_start, player_id)
      );
      CREATE INDEX board_scores_top ON board_scores (board, period, period_start, score DESC);
      CREATE TABLE achievements (
        player_id   uuid NOT NULL,
        achievement text NOT NULL,
        event_id    uuid NOT NULL,
        unlocked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (player_id, achievement)
      );
    `,
  },
  {
    version: 2,
    name: 'board scores remember when they were true (battle-rating keeps the latest)',
    sql: `ALTER TABLE board_scores ADD COLUMN observed_at timestamptz NOT NULL DEFAULT '1970-01-01';`,
  },
];

export const MIGRATION_LOCK_KEY = 0x6c65_6164;
