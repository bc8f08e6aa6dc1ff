// Liveness (/healthz) and readiness (/readyz) with registered dependency checks, each under a timeout.
import type { Request, Response } from 'express';
import type { Gauge } from 'prom-client';
import { PROBLEM_CONTENT_TYPE } from './errors';

export type Check = (signal: AbortSignal) => Promise<unknown>;

export interface CheckResult {
  status: 'up' | 'down';
  latency_ms: number;
  error?: string;
}

export interface Readiness {
  ready: boolean;
  draining: boolean;
  checks: Record<string, CheckResult>;
}

interface Registered {
  check: Check;
  timeoutMs: number;
}

export class Health {
  private readonly checks = new Map<string, Registered>();
  private draining = false;

  /** `dependencyUp` is the `gameday_dependency_up{dependency}` gauge the infrastructure alerts read. */
  constructor(private readonly dependencyUp?: Gauge<'dependency'>) {}

  /** Registers a dependency check; it fails if it throws or takes longer than `timeoutMs`. */
  register(name: string, check: Check, timeoutMs = 1000): void {
    if (this.checks.has(name)) throw new Error(`health check "${name}" is already registered`);
    this.checks.set(name, { check, timeoutMs });
  }

  /** Readiness turns false once shutdown starts, so load balancers stop sending new requests. */
  setDraining(): void {
    this.draining = true;
  }

  async readiness(): Promise<Readiness> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, reg]) => [name, await runCheck(reg)] as const),
    );
    const checks = Object.fromEntries(entries);
    for (const [name, result] of entries)
      this.dependencyUp?.set({ dependency: name }, result.status === 'up' ? 1 : 0);
    const ready = !this.draining && entries.every(([, r]) => r.status === 'up');
    return { ready, draining: this.draining, checks };
  }

  livenessHandler() {
    return (_req: Request, res: Response): void => {
      res.json({ status: 'alive' });
    };
  }

  readinessHandler() {
    return async (req: Request, res: Response): Promise<void> => {
      const r = await this.readiness();
      if (r.ready) {
        res.json({ status: 'ready', checks: r.checks });
        return;
      }
      const failed = Object.entries(r.checks)
        .filter(([, c]) => c.status === 'down')
        .map(([name]) => name);
      const detail = r.draining
        ? 'The service is shutting down.'
        : `Dependencies unavailable: ${failed.join(', ')}.`;
      res
        .status(503)
        .setHeader('Retry-After', '5')
        .type(PROBLEM_CONTENT_TYPE)
        .send(
          JSON.stringify({
            type: 'https://gameday.dev/problems/not-ready',
            title: 'Not ready',
            status: 503,
            detail,
            instance: req.originalUrl,
            failed,
            draining: r.draining,
            checks: r.checks,
          }),
        );
    };
  }
}

async function runCheck({ check, timeoutMs }: Registered): Promise<CheckResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(controller.signal),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new Error(`timed out after ${timeoutMs} ms`));
        }, timeoutMs);
      }),
    ]);
    return { status: 'up', latency_ms: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      status: 'down',
      latency_ms: Math.round(performance.now() - started),
      error: err instanceof Error ? err.message : String(err),
    };
  } finally {
    clearTimeout(timer);
  }
}
