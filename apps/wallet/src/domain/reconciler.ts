// Reconciliation: the ledger's invariants, checked on demand and every interval. A mismatch is the
// worst thing a wallet can have, so it is a metric (and an SLI), logged loudly, and kept for reading.
import type { LedgerRepository, Reconciliation } from './ledger';

export interface ReconciliationReport extends Reconciliation {
  ok: boolean;
  checkedAt: Date;
  durationMs: number;
}

export interface ReconcilerHooks {
  onResult(report: ReconciliationReport): void;
  onError(error: Error): void;
}

export class Reconciler {
  private last: ReconciliationReport | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReconciliationReport> | undefined;

  constructor(
    private readonly ledger: Pick<LedgerRepository, 'reconcile'>,
    private readonly hooks: ReconcilerHooks,
  ) {}

  get lastReport(): ReconciliationReport | undefined {
    return this.last;
  }

  /** Runs a check (joining one already running). */
  run(): Promise<ReconciliationReport> {
    this.running ??= this.check().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async check(): Promise<ReconciliationReport> {
    const started = performance.now();
    try {
      const r = await this.ledger.reconcile();
      const report: ReconciliationReport = {
        ...r,
        ok: r.ledgerSum === 0 && r.mismatchedAccounts.length === 0 && r.unbalancedTransactions.length === 0,
        checkedAt: new Date(),
        durationMs: performance.now() - started,
      };
      this.last = report;
      this.hooks.onResult(report);
      return report;
    } catch (err) {
      this.hooks.onError(err as Error);
      throw err;
    }
  }

  /** Checks every `intervalMs` (0: never). Errors are reported through the hooks, not thrown. */
  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => void this.run().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
