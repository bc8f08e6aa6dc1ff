// The ledger in PostgreSQL: money moves through the wallet_post function (one round trip, one
// transaction), reads are plain queries, and reconciliation reads one consistent snapshot.
import type { Pool } from 'pg';
import type { LedgerEntry, MoveRequest, MoveResult, Reconciliation, TransactionKind } from '../domain/ledger';

interface TransactionRow {
  seq: string;
  id: string;
  kind: TransactionKind;
  player_id: string;
  amount: string;
  idempotency_key: string;
  round_id: string | null;
  game: string | null;
  refund_of: string | null;
  balance_after: string;
  created_at: Date;
}

const toEntry = (r: TransactionRow): LedgerEntry => ({
  seq: Number(r.seq),
  id: r.id,
  kind: r.kind,
  playerId: r.player_id,
  amount: Number(r.amount),
  idempotencyKey: r.idempotency_key,
  roundId: r.round_id,
  game: r.game,
  refundOf: r.refund_of,
  balanceAfter: Number(r.balance_after),
  createdAt: r.created_at,
});

const ENTRY_COLUMNS =
  'seq, id, kind, player_id, amount, idempotency_key, round_id, game, refund_of, balance_after, created_at';

export class PgLedgerRepository {
  constructor(private readonly pool: Pool) {}

  async move(m: MoveRequest): Promise<MoveResult> {
    const { rows } = await this.pool.query<{
      outcome: MoveResult['outcome'];
      transaction_id: string | null;
      balance: string | null;
      amount: string | null;
      created_at: Date | null;
    }>({
      // Prepared once per connection: every bet and payout runs it.
      name: 'wallet_post',
      text: 'SELECT * FROM wallet_post($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      values: [
        m.id,
        m.kind,
        m.playerId,
        m.amount,
        m.scope,
        m.idempotencyKey,
        m.requestHash,
        m.roundId ?? null,
        m.game ?? null,
        m.betKey ?? null,
      ],
    });
    const row = rows[0];
    if (!row) throw new Error('wallet_post returned no row');
    return {
      outcome: row.outcome,
      transactionId: row.transaction_id,
      balance: row.balance === null ? null : Number(row.balance),
      amount: row.amount === null ? null : Number(row.amount),
      createdAt: row.created_at,
    };
  }

  async balance(playerId: string): Promise<number> {
    const { rows } = await this.pool.query<{ balance: string }>(
      'SELECT balance FROM ledger_accounts WHERE id = $1',
      [`player:${playerId}`],
    );
    return rows[0] ? Number(rows[0].balance) : 0;
  }

  /** A player's transactions, newest first, older than `before` (a seq) when given. */
  async history(playerId: string, limit: number, before?: number): Promise<LedgerEntry[]> {
    const { rows } = await this.pool.query<TransactionRow>(
      `SELECT ${ENTRY_COLUMNS} FROM ledger_transactions
        WHERE player_id = $1 AND ($2::bigint IS NULL OR seq < $2)
        ORDER BY seq DESC LIMIT $3`,
      [playerId, before ?? null, limit],
    );
    return rows.map(toEntry);
  }

  async byKey(scope: string, idempotencyKey: string): Promise<LedgerEntry | undefined> {
    const { rows } = await this.pool.query<TransactionRow>(
      `SELECT ${ENTRY_COLUMNS} FROM ledger_transactions WHERE scope = $1 AND idempotency_key = $2`,
      [scope, idempotencyKey],
    );
    return rows[0] ? toEntry(rows[0]) : undefined;
  }

  /** Checks the ledger's invariants on one snapshot (REPEATABLE READ, read only). */
  async reconcile(): Promise<Reconciliation> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const sums = await client.query<{ total: string; postings: string; transactions: string }>(
        `SELECT COALESCE(SUM(amount), 0) AS total, COUNT(*) AS postings,
                (SELECT COUNT(*) FROM ledger_transactions) AS transactions
           FROM ledger_postings`,
      );
      const accounts = await client.query<{ id: string; cached: string; ledger: string }>(
        `SELECT a.id, a.balance AS cached, COALESCE(p.sum, 0) AS ledger
           FROM ledger_accounts a
           LEFT JOIN (SELECT account_id, SUM(amount) AS sum FROM ledger_postings GROUP BY account_id) p
             ON p.account_id = a.id
          WHERE a.balance IS NOT NULL AND a.balance <> COALESCE(p.sum, 0)
          ORDER BY a.id LIMIT 100`,
      );
      const unbalanced = await client.query<{ transaction_id: string; sum: string }>(
        `SELECT transaction_id, SUM(amount) AS sum FROM ledger_postings
          GROUP BY transaction_id HAVING SUM(amount) <> 0 ORDER BY transaction_id LIMIT 100`,
      );
      const counts = await client.query<{ accounts: string; house: string }>(
        `SELECT COUNT(*) FILTER (WHERE kind = 'player') AS accounts,
                (SELECT COALESCE(SUM(amount), 0) FROM ledger_postings WHERE account_id = 'house:casino') AS house
           FROM ledger_accounts`,
      );
      await client.query('COMMIT');
      const row = sums.rows[0]!;
      return {
        ledgerSum: Number(row.total),
        postings: Number(row.postings),
        transactions: Number(row.transactions),
        playerAccounts: Number(counts.rows[0]!.accounts),
        houseBalance: Number(counts.rows[0]!.house),
        mismatchedAccounts: accounts.rows.map((a) => ({
          account: a.id,
          cached: Number(a.cached),
          ledger: Number(a.ledger),
        })),
        unbalancedTransactions: unbalanced.rows.map((u) => ({
          transactionId: u.transaction_id,
          sum: Number(u.sum),
        })),
      };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
