// The restart schedule of a crashed component, modelled on Kubernetes' CrashLoopBackOff:
// 1 s, 2 s, 4 s, ... capped at 30 s, and back to 1 s once the component has been ready for 60 s.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** A component ready for this long has recovered: its next crash starts the schedule again. */
  resetAfterMs: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

/** The delay before restart number `attempt` (0-based) of an uninterrupted crash loop. */
export function backoffDelay(attempt: number, options: BackoffOptions = defaultBackoff): number {
  // 2 ** 31 would overflow nothing, but cap the exponent so huge attempt counts stay finite.
  return Math.min(options.initialMs * 2 ** Math.min(attempt, 30), options.maxMs);
}

export class RestartBackoff {
  private attempt = 0;
  private readySince: number | undefined;

  constructor(private readonly options: BackoffOptions = defaultBackoff) {}

  /** The component passed its readiness probe at `now`. */
  ready(now: number): void {
    this.readySince = now;
  }

  /** The component exited at `now`: how long to wait before starting it again. */
  crashed(now: number): number {
    if (this.readySince !== undefined && now - this.readySince >= this.options.resetAfterMs) this.attempt = 0;
    this.readySince = undefined;
    return backoffDelay(this.attempt++, this.options);
  }
}
