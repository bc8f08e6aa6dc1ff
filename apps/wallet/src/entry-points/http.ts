// HTTP entry points of the wallet: the player API (through the gateway) and the internal API the
// casino settles bets with. Parse and validate, call the domain, shape the answer.
import type { Request, Response, Router } from 'express';
import { body, idempotencyKey, NotFoundError, parse, query, z } from '@gameday/telemetry';
import { adminIdentity, CURRENCY, formatCents, money, playerIdentity } from '@gameday/platform';
import type { LedgerEntry, Movement, Wallet } from '../domain/ledger';
import type { Reconciler, ReconciliationReport } from '../domain/reconciler';
import type { ServiceTokens } from '@gameday/platform';

/** The largest single deposit: 1,000,000.00. */
export const MAX_DEPOSIT_CENTS = 100_000_000;
/** The largest internal movement (a jackpot can be large): 100,000,000.00. */
const MAX_INTERNAL_CENTS = 10_000_000_000;

type Routes = Pick<Router, 'get' | 'post'>;

const depositBody = z.strictObject({
  player_id: z.uuid('must be a player id (a UUID)'),
  amount: money({ maxCents: MAX_DEPOSIT_CENTS }),
});

const historyQuery = z.strictObject({
  limit: z.coerce.number().int('must be a whole number').min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,17}$/, 'must be the next_cursor of a previous page')
    .transform(Number)
    .optional(),
});

const cents = z.number().int('must be whole cents').min(1, 'must be at least 1 cent').max(MAX_INTERNAL_CENTS);
const game = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a game id like "coin-flip"');
const betBody = z.strictObject({
  player_id: z.uuid(),
  amount_cents: cents,
  round_id: z.uuid(),
  game,
});
const refundBody = z.strictObject({
  player_id: z.uuid(),
  bet_key: z.string().regex(/^[\x21-\x7e]{1,255}$/, 'must be the Idempotency-Key of the bet'),
  round_id: z.uuid().optional(),
  game: game.optional(),
});
const keyParam = z.object({ key: z.string().regex(/^[\x21-\x7e]{1,255}$/, 'must be an idempotency key') });
const playerParam = z.object({ playerId: z.uuid('must be a player id (a UUID)') });

export function movementJson(m: Movement) {
  return {
    id: m.transactionId,
    kind: m.kind,
    player_id: m.playerId,
    amount: formatCents(m.amount),
    amount_cents: m.amount,
    balance: formatCents(m.balance),
    balance_cents: m.balance,
    currency: CURRENCY,
    ...(m.roundId ? { round_id: m.roundId } : {}),
    ...(m.game ? { game: m.game } : {}),
    created_at: m.createdAt.toISOString(),
  };
}

function entryJson(e: LedgerEntry) {
  return {
    id: e.id,
    kind: e.kind,
    // Signed from the player's point of view: a bet is money out.
    amount: formatCents(e.kind === 'bet' ? -e.amount : e.amount),
    amount_cents: e.kind === 'bet' ? -e.amount : e.amount,
    balance: formatCents(e.balanceAfter),
    balance_cents: e.balanceAfter,
    currency: CURRENCY,
    ...(e.roundId ? { round_id: e.roundId } : {}),
    ...(e.game ? { game: e.game } : {}),
    ...(e.refundOf ? { refund_of: e.refundOf } : {}),
    created_at: e.createdAt.toISOString(),
  };
}

function reconciliationJson(r: ReconciliationReport) {
  return {
    ok: r.ok,
    checked_at: r.checkedAt.toISOString(),
    duration_ms: Math.round(r.durationMs * 10) / 10,
    ledger_sum_cents: r.ledgerSum,
    transactions: r.transactions,
    postings: r.postings,
    player_accounts: r.playerAccounts,
    house_balance: formatCents(r.houseBalance),
    mismatched_accounts: r.mismatchedAccounts,
    unbalanced_transactions: r.unbalancedTransactions.map((u) => ({
      transaction_id: u.transactionId,
      sum: u.sum,
    })),
  };
}

/** First result 201; a replay answers the same body with `Idempotent-Replayed: true`. */
function sendMovement(res: Response, m: Movement): void {
  if (m.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(201).json(movementJson(m));
}

export function playerRoutes<R extends Routes>(r: R, wallet: Wallet, reconciler: Reconciler): R {
  r.get('/api/v1/wallet', async (req, res) => {
    const who = playerIdentity(req);
    const balance = await wallet.balance(who.playerId);
    res.json({
      player_id: who.playerId,
      balance: formatCents(balance),
      balance_cents: balance,
      currency: CURRENCY,
    });
  });

  r.get('/api/v1/wallet/transactions', async (req, res) => {
    const who = playerIdentity(req);
    const q = query(req, historyQuery);
    // One extra row tells whether there is a next page.
    const rows = await wallet.history(who.playerId, q.limit + 1, q.cursor);
    const page = rows.slice(0, q.limit);
    const next = rows.length > q.limit ? String(page[page.length - 1]!.seq) : null;
    res.json({ items: page.map(entryJson), next_cursor: next });
  });

  r.post('/api/v1/wallet/deposits', async (req, res) => {
    const admin = adminIdentity(req, 'Depositing');
    const key = idempotencyKey(req);
    const input = body(req, depositBody);
    const m = await wallet.move({
      kind: 'deposit',
      playerId: input.player_id,
      amount: input.amount,
      scope: `admin:${admin.playerId}`,
      idempotencyKey: key,
    });
    sendMovement(res, m);
  });

  r.get('/api/v1/wallet/reconciliation', (req, res) => {
    adminIdentity(req, 'Reading the reconciliation');
    const last = reconciler.lastReport;
    if (!last) throw new NotFoundError('No reconciliation has run yet: POST to this URL to run one.');
    res.json(reconciliationJson(last));
  });

  r.post('/api/v1/wallet/reconciliation', async (req, res) => {
    adminIdentity(req, 'Running a reconciliation');
    res.json(reconciliationJson(await reconciler.run()));
  });
  return r;
}

export function internalRoutes<R extends Routes>(r: R, wallet: Wallet, tokens: ServiceTokens): R {
  const scope = (req: Request) => `service:${tokens.caller(req)}`;

  // A bet takes the stake from the player, a payout gives the winnings back: the same request shape.
  for (const [path, kind] of [
    ['/internal/v1/bets', 'bet'],
    ['/internal/v1/payouts', 'payout'],
  ] as const) {
    r.post(path, async (req, res) => {
      const caller = scope(req);
      const key = idempotencyKey(req);
      const input = body(req, betBody);
      const m = await wallet.move({
        kind,
        playerId: input.player_id,
        amount: input.amount_cents,
        roundId: input.round_id,
        game: input.game,
        scope: caller,
        idempotencyKey: key,
      });
      sendMovement(res, m);
    });
  }

  r.post('/internal/v1/refunds', async (req, res) => {
    const caller = scope(req);
    const key = idempotencyKey(req);
    const input = body(req, refundBody);
    const m = await wallet.move({
      kind: 'refund',
      playerId: input.player_id,
      amount: 0,
      roundId: input.round_id,
      game: input.game,
      betKey: input.bet_key,
      scope: caller,
      idempotencyKey: key,
    });
    sendMovement(res, m);
  });

  r.get('/internal/v1/transactions/:key', async (req, res) => {
    const caller = scope(req);
    const { key } = parse(keyParam, req.params);
    const entry = await wallet.byKey(caller, key);
    if (!entry) throw new NotFoundError(`No transaction with Idempotency-Key "${key}".`);
    res.json(entryJson(entry));
  });

  r.get('/internal/v1/balances/:playerId', async (req, res) => {
    scope(req);
    const { playerId } = parse(playerParam, req.params);
    const balance = await wallet.balance(playerId);
    res.json({
      player_id: playerId,
      balance: formatCents(balance),
      balance_cents: balance,
      currency: CURRENCY,
    });
  });
  return r;
}
