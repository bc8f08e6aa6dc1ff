// The wallet schema: a double-entry ledger.
//
// - ledger_accounts: one per player ("player:<id>") plus the platform's own accounts
//   ("external:deposits" where deposited money comes from, "house:casino" which takes bets and pays
//   payouts). A player account caches its balance, updated in the same transaction as its postings,
//   and a CHECK keeps it from going negative. House accounts keep no cached balance: every bet of
//   every player posts to them, and a cached balance would make that one row a lock all bets queue
//   on. Their balance is the sum of their postings.
// - ledger_transactions: one per money movement, unique per (scope, idempotency key), with the hash of
//   the request so a replay with a different payload is refused.
// - ledger_postings: two or more per transaction, summing to zero.
// - cancelled_bets: bet keys refunded before the bet arrived (a caller gave up on a request that may
//   still be in flight); the late bet is refused instead of taking money.
//
// `wallet_post` moves money in one round trip: idempotency check, balance guard, postings.
import type { Migration } from '@gameday/platform';

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'create the ledger',
    sql: `
      CREATE TABLE ledger_accounts (
        id         text PRIMARY KEY,
        kind       text NOT NULL CHECK (kind IN ('player', 'house', 'external')),
        player_id  uuid UNIQUE,
        balance    bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT player_accounts_cache_a_balance CHECK ((kind = 'player') = (balance IS NOT NULL)),
        CONSTRAINT player_balance_never_negative CHECK (kind <> 'player' OR balance >= 0)
      );
      INSERT INTO ledger_accounts (id, kind) VALUES ('external:deposits', 'external'), ('house:casino', 'house');

      CREATE TABLE ledger_transactions (
        seq             bigserial NOT NULL,
        id              uuid PRIMARY KEY,
        kind            text NOT NULL CHECK (kind IN ('deposit', 'bet', 'payout', 'refund')),
        player_id       uuid NOT NULL,
        amount          bigint NOT NULL CHECK (amount > 0),
        scope           text NOT NULL,
        idempotency_key text NOT NULL,
        request_hash    text NOT NULL,
        round_id        uuid,
        game            text,
        refund_of       uuid REFERENCES ledger_transactions (id),
        balance_after   bigint NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (scope, idempotency_key)
      );
      CREATE INDEX ledger_transactions_player_history ON ledger_transactions (player_id, seq DESC);
      -- A bet is refunded at most once. Partial: most transactions are not refunds.
      CREATE UNIQUE INDEX ledger_transactions_refund_once ON ledger_transactions (refund_of)
        WHERE refund_of IS NOT NULL;

      CREATE TABLE ledger_postings (
        id             bigserial PRIMARY KEY,
        transaction_id uuid NOT NULL REFERENCES ledger_transactions (id),
        account_id     text NOT NULL REFERENCES ledger_accounts (id),
        amount         bigint NOT NULL CHECK (amount <> 0)
      );
      -- No index on account_id or transaction_id: postings are written on every movement and read
      -- only by reconciliation, which scans them all anyway.

      CREATE TABLE cancelled_bets (
        scope           text NOT NULL,
        idempotency_key text NOT NULL,
        cancelled_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, idempotency_key)
      );

      -- Moves money. Outcomes: ok, replayed (same key and payload: the first result), conflict (same
      -- key, other payload), insufficient_funds, cancelled (a bet whose key was refunded first),
      -- unknown_bet / already_refunded (refunds), not_a_bet.
      CREATE FUNCTION wallet_post(
        p_id uuid, p_kind text, p_player uuid, p_amount bigint, p_scope text, p_key text,
        p_hash text, p_round uuid, p_game text, p_bet_key text
      ) RETURNS TABLE (outcome text, transaction_id uuid, balance bigint, amount bigint, created_at timestamptz)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        prior        ledger_transactions%ROWTYPE;
        bet          ledger_transactions%ROWTYPE;
        player_acct  text := 'player:' || p_player::text;
        counter_acct text := CASE p_kind WHEN 'deposit' THEN 'external:deposits' ELSE 'house:casino' END;
        moved        bigint := p_amount;
        new_balance  bigint;
      BEGIN
        -- Requests about one key (a bet and its refund, or two retries) take turns; each statement
        -- after the lock sees what the other committed.
        PERFORM pg_advisory_xact_lock(hashtextextended(p_scope || ':' || COALESCE(p_bet_key, p_key), 0));
        SELECT * INTO prior FROM ledger_transactions t WHERE t.scope = p_scope AND t.idempotency_key = p_key;
        IF FOUND THEN
          RETURN QUERY SELECT CASE WHEN prior.request_hash = p_hash THEN 'replayed' ELSE 'conflict' END,
            prior.id, prior.balance_after, prior.amount, prior.created_at;
          RETURN;
        END IF;

        IF p_kind = 'bet' AND EXISTS (
          SELECT 1 FROM cancelled_bets c WHERE c.scope = p_scope AND c.idempotency_key = p_key
        ) THEN
          RETURN QUERY SELECT 'cancelled', NULL::uuid, NULL::bigint, NULL::bigint, NULL::timestamptz;
          RETURN;
        END IF;

        IF p_kind = 'refund' THEN
          SELECT * INTO bet FROM ledger_transactions t WHERE t.scope = p_scope AND t.idempotency_key = p_bet_key;
          IF NOT FOUND THEN
            -- The bet never arrived (or is still in flight): make sure it never takes money.
            INSERT INTO cancelled_bets (scope, idempotency_key) VALUES (p_scope, p_bet_key) ON CONFLICT DO NOTHING;
            RETURN QUERY SELECT 'unknown_bet', NULL::uuid, NULL::bigint, NULL::bigint, NULL::timestamptz;
            RETURN;
          END IF;
          IF bet.kind <> 'bet' OR bet.player_id <> p_player THEN
            RETURN QUERY SELECT 'not_a_bet', bet.id, NULL::bigint, NULL::bigint, NULL::timestamptz;
            RETURN;
          END IF;
          IF EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.refund_of = bet.id) THEN
            RETURN QUERY SELECT 'already_refunded', bet.id, NULL::bigint, NULL::bigint, NULL::timestamptz;
            RETURN;
          END IF;
          moved := bet.amount;
        END IF;

        IF p_kind <> 'bet' THEN
          -- Money in: the player's account may not exist yet.
          INSERT INTO ledger_accounts (id, kind, player_id, balance)
            VALUES (player_acct, 'player', p_player, 0) ON CONFLICT (id) DO NOTHING;
        END IF;

        IF p_kind = 'bet' THEN
          UPDATE ledger_accounts a SET balance = a.balance - moved
            WHERE a.id = player_acct AND a.balance >= moved RETURNING a.balance INTO new_balance;
          IF NOT FOUND THEN
            RETURN QUERY SELECT 'insufficient_funds', NULL::uuid,
              COALESCE((SELECT a.balance FROM ledger_accounts a WHERE a.id = player_acct), 0), moved, NULL::timestamptz;
            RETURN;
          END IF;
        ELSE
          UPDATE ledger_accounts a SET balance = a.balance + moved
            WHERE a.id = player_acct RETURNING a.balance INTO new_balance;
        END IF;

        INSERT INTO ledger_transactions (id, kind, player_id, amount, scope, idempotency_key, request_hash,
                                         round_id, game, refund_of, balance_after)
          VALUES (p_id, p_kind, p_player, moved, p_scope, p_key, p_hash, p_round, p_game,
                  CASE WHEN p_kind = 'refund' THEN bet.id END, new_balance);
        INSERT INTO ledger_postings (transaction_id, account_id, amount) VALUES
          (p_id, player_acct, CASE WHEN p_kind = 'bet' THEN -moved ELSE moved END),
          (p_id, counter_acct, CASE WHEN p_kind = 'bet' THEN moved ELSE -moved END);
        RETURN QUERY SELECT 'ok', p_id, new_balance, moved, now();
      END
      $fn$;
    `,
  },
];

/** A fixed key for pg_advisory_lock: "gameday wallet migrations". */
export const MIGRATION_LOCK_KEY = 0x7761_6c6c;
