// The wallet's domain: money movements on a double-entry ledger, with idempotency keys. Amounts are
// integer cents. No Express or pg here: the repository does storage, entry-points do HTTP.
import { createHash, randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, UnprocessableError } from '@gameday/telemetry';
import { formatCents } from '@gameday/platform';

export const TRANSACTION_KINDS = ['deposit', 'bet', 'payout', 'refund'] as const;
export type TransactionKind = (typeof TRANSACTION_KINDS)[number];

export interface MoveRequest {
  id: string;
  kind: TransactionKind;
  playerId: string;
  /** Cents; for a refund the bet's amount is used (this is ignored). */
  amount: number;
  /** Who asked: idempotency keys are unique per scope ("admin:<id>", "service:casino"). */
  scope: string;
  idempotencyKey: string;
  requestHash: string;
  roundId?: string | undefined;
  game?: string | undefined;
  /** Refunds: the idempotency key of the bet to refund. */
  betKey?: string | undefined;
}

export type MoveOutcome =
  | 'ok'
  | 'replayed'
  | 'conflict'
  | 'insufficient_funds'
  | 'cancelled'
  | 'unknown_bet'
  | 'already_refunded'
  | 'not_a_bet';

export interface MoveResult {
  outcome: MoveOutcome;
  transactionId: string | null;
  balance: number | null;
  amount: number | null;
  createdAt: Date | null;
}

export interface LedgerEntry {
  seq: number;
  id: string;
  kind: TransactionKind;
  playerId: string;
  amount: number;
  idempotencyKey: string;
  roundId: string | null;
  game: string | null;
  refundOf: string | null;
  balanceAfter: number;
  createdAt: Date;
}

export interface Reconciliation {
  /** The sum of every posting: 0 in a sound ledger. */
  ledgerSum: number;
  postings: number;
  transactions: number;
  playerAccounts: number;
  /** The house's balance (sum of its postings): what players lost minus what was paid out. */
  houseBalance: number;
  /** Accounts whose cached balance differs from the sum of their postings (at most 100). */
  mismatchedAccounts: { account: string; cached: number; ledger: number }[];
  /** Transactions whose postings do not sum to zero (at most 100). */
  unbalancedTransactions: { transactionId: string; sum: number }[];
}

export interface LedgerRepository {
  move(m: MoveRequest): Promise<MoveResult>;
  balance(playerId: string): Promise<number>;
  history(playerId: string, limit: number, before?: number): Promise<LedgerEntry[]>;
  byKey(scope: string, idempotencyKey: string): Promise<LedgerEntry | undefined>;
  reconcile(): Promise<Reconciliation>;
}

/** A completed movement as the API reports it; `replayed` when an earlier identical request made it. */
export interface Movement {
  transactionId: string;
  kind: TransactionKind;
  playerId: string;
  amount: number;
  balance: number;
  roundId?: string | undefined;
  game?: string | undefined;
  createdAt: Date;
  replayed: boolean;
}

export interface MoveInput {
  kind: TransactionKind;
  playerId: string;
  amount: number;
  scope: string;
  idempotencyKey: string;
  roundId?: string | undefined;
  game?: string | undefined;
  betKey?: string | undefined;
}

/** Observes each movement (metrics). */
export type MoveObserver = (kind: TransactionKind, outcome: MoveOutcome, amount: number) => void;

export class InsufficientFundsError extends UnprocessableError {
  constructor(balance: number, amount: number) {
    super(
      `The balance (${formatCents(balance)}) does not cover ${formatCents(amount)}. Deposit more or bet less.`,
      'insufficient-funds',
    );
  }
}

export class Wallet {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly observe: MoveObserver = () => undefined,
  ) {}

  /**
   * Moves money once per (scope, idempotency key): a retry with the same request returns the first
   * result, one with a different request is a 409.
   */
  async move(input: MoveInput): Promise<Movement> {
    const requestHash = hashRequest(input);
    const result = await this.ledger.move({ ...input, id: randomUUID(), requestHash });
    this.observe(input.kind, result.outcome, result.amount ?? 0);
    switch (result.outcome) {
      case 'ok':
      case 'replayed':
        return {
          transactionId: result.transactionId!,
          kind: input.kind,
          playerId: input.playerId,
          amount: result.amount!,
          balance: result.balance!,
          roundId: input.roundId,
          game: input.game,
          createdAt: result.createdAt!,
          replayed: result.outcome === 'replayed',
        };
      case 'conflict':
        throw new ConflictError(
          `Idempotency-Key "${input.idempotencyKey}" was already used for a different request. ` +
            'Use a new key for a new request; resend the original request to get its result.',
          'idempotency-key-reused',
        );
      case 'insufficient_funds':
        throw new InsufficientFundsError(result.balance ?? 0, input.amount);
      case 'cancelled':
        throw new ConflictError(
          'This bet was cancelled (refunded before it arrived); it was not taken.',
          'bet-cancelled',
        );
      case 'unknown_bet':
        throw new NotFoundError(
          `No bet with Idempotency-Key "${input.betKey}": it was marked cancelled, so it can never be taken.`,
        );
      case 'already_refunded':
        throw new ConflictError('This bet was already refunded.', 'already-refunded');
      case 'not_a_bet':
        throw new UnprocessableError(
          `"${input.betKey}" is not a bet of this player: only bets can be refunded.`,
          'not-a-bet',
        );
    }
  }

  balance(playerId: string): Promise<number> {
    return this.ledger.balance(playerId);
  }

  history(playerId: string, limit: number, before?: number): Promise<LedgerEntry[]> {
    return this.ledger.history(playerId, limit, before);
  }

  byKey(scope: string, idempotencyKey: string): Promise<LedgerEntry | undefined> {
    return this.ledger.byKey(scope, idempotencyKey);
  }
}

/** The request's identity for idempotency: everything that decides what money moves. */
function hashRequest(m: MoveInput): string {
  return createHash('sha256')
    .update(
      JSON.stringify([m.kind, m.playerId, m.amount, m.roundId ?? null, m.game ?? null, m.betKey ?? null]),
    )
    .digest('base64url');
}
