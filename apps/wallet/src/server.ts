// Wires the wallet: configuration, database pool and migrations, ledger, reconciliation, routes.
import { createService } from '@gameday/telemetry';
import { installFaultSwitches, openDatabase } from '@gameday/platform';
import type { Service } from '@gameday/telemetry';
import { walletConfig } from './config';
import type { WalletConfig } from './config';
import { MIGRATIONS, MIGRATION_LOCK_KEY } from './data-access/migrations';
import { PgLedgerRepository } from './data-access/ledger-repository';
import { TRANSACTION_KINDS, Wallet } from './domain/ledger';
import { Reconciler } from './domain/reconciler';
import { internalRoutes, playerRoutes } from './entry-points/http';
import { ServiceTokens } from '@gameday/platform';

export interface WalletServer {
  service: Service<WalletConfig>;
  url: string;
  port: number;
  reconciler: Reconciler;
  stop(): Promise<void>;
}

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<WalletServer> {
  const service = createService({ name: 'wallet', config: walletConfig, env });
  const { config, logger, metrics } = service;
  // Before any route: the chaos harness's fault switches (only with CHAOS_FAULTS_TOKEN).
  installFaultSwitches(service);

  const pool = await openDatabase(service, {
    url: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    migrations: MIGRATIONS,
    lockKey: MIGRATION_LOCK_KEY,
  });

  const movements = metrics.counter({
    name: 'gameday_wallet_transactions_total',
    help: 'Money movements requested, by kind (deposit, bet, payout, refund) and outcome (ok, replayed, insufficient_funds, conflict, ...).',
    labelNames: ['kind', 'outcome'],
  });
  const moved = metrics.counter({
    name: 'gameday_wallet_moved_cents_total',
    help: 'Cents moved by completed movements, by kind.',
    labelNames: ['kind'],
  });
  // Every kind with the outcomes a dashboard plots exists from the start (0 until it happens).
  for (const kind of TRANSACTION_KINDS) {
    for (const outcome of ['ok', 'replayed'] as const) movements.inc({ kind, outcome }, 0);
    moved.inc({ kind }, 0);
  }
  const wallet = new Wallet(new PgLedgerRepository(pool), (kind, outcome, amount) => {
    movements.inc({ kind, outcome });
    if (outcome === 'ok') moved.inc({ kind }, amount);
  });

  const runs = metrics.counter({
    name: 'gameday_wallet_reconciliation_runs_total',
    help: 'Reconciliation checks by result: ok, mismatch (an invariant is broken), error (could not check).',
    labelNames: ['result'],
  });
  for (const result of ['ok', 'mismatch', 'error']) runs.inc({ result }, 0);
  const healthy = metrics.gauge({
    name: 'gameday_wallet_reconciliation_healthy',
    help: '1 when the last reconciliation found the ledger sound, 0 when it found a mismatch.',
  });
  const lastRun = metrics.gauge({
    name: 'gameday_wallet_reconciliation_last_run_timestamp_seconds',
    help: 'When the last reconciliation finished (Unix time).',
  });
  const imbalance = metrics.gauge({
    name: 'gameday_wallet_ledger_imbalance_cents',
    help: 'The sum of every ledger posting at the last reconciliation (0 in a sound ledger).',
  });
  const mismatched = metrics.gauge({
    name: 'gameday_wallet_reconciliation_mismatched_accounts',
    help: 'Accounts whose cached balance differed from their postings at the last reconciliation.',
  });
  const reconciler = new Reconciler(new PgLedgerRepository(pool), {
    onResult(r) {
      runs.inc({ result: r.ok ? 'ok' : 'mismatch' });
      healthy.set(r.ok ? 1 : 0);
      lastRun.set(r.checkedAt.getTime() / 1000);
      imbalance.set(r.ledgerSum);
      mismatched.set(r.mismatchedAccounts.length);
      const fields = {
        ledger_sum_cents: r.ledgerSum,
        mismatched_accounts: r.mismatchedAccounts.length,
        unbalanced_transactions: r.unbalancedTransactions.length,
        transactions: r.transactions,
        duration_ms: Math.round(r.durationMs),
      };
      if (r.ok) logger.info('ledger reconciled', fields);
      else
        logger.error('ledger reconciliation found a mismatch', {
          ...fields,
          accounts: r.mismatchedAccounts.slice(0, 10),
        });
    },
    onError(err) {
      runs.inc({ result: 'error' });
      logger.warn('ledger reconciliation could not run', { error: err.message });
    },
  });
  reconciler.start(config.RECONCILE_INTERVAL_SECONDS * 1000);
  service.onShutdown('reconciliation', () => reconciler.stop());

  const tokens = new ServiceTokens(config.WALLET_SERVICE_TOKENS);
  if (tokens.size === 0) logger.warn('WALLET_SERVICE_TOKENS is empty: the internal API refuses every call');

  playerRoutes(service.app, wallet, reconciler);
  internalRoutes(service.app, wallet, tokens);
  const { url, port } = await service.listen();
  // A first check right away, so the metric and GET /reconciliation have a value from the start.
  void reconciler.run().catch(() => undefined);
  return { service, url, port, reconciler, stop: () => service.stop() };
}
