// Token buckets for event rate limits: per player and for the whole service. Events, not requests,
// are counted, so a batch of 100 costs 100. In memory and per process: with N replicas the global
// limit is N times this one (set it per replica).

export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes `n` tokens if there are enough; otherwise the seconds until there will be. */
  take(n: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (n <= this.tokens) {
      this.tokens -= n;
      return { ok: true };
    }
    const missing = n - this.tokens;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / this.ratePerSecond)) };
  }

  /** Gives back tokens taken for events that were then not produced. */
  refund(n: number): void {
    this.tokens = Math.min(this.burst, this.tokens + n);
  }

  get idle(): boolean {
    return this.tokens >= this.burst && performance.now() - this.last > 60_000;
  }
}

/** One bucket per key, forgotten once full and idle for a minute (bounded memory). */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  private sweeps = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {}

  bucket(key: string): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(this.ratePerSecond, this.burst);
      this.buckets.set(key, b);
      if (++this.sweeps % 1000 === 0) for (const [k, v] of this.buckets) if (v.idle) this.buckets.delete(k);
    }
    return b;
  }
}
