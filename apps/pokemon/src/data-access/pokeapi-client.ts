// The PokeAPI client of the fetcher. Each request has a timeout; a failed one is retried with
// exponential backoff (full jitter), and a 429 or 503 waits what its Retry-After says (when that
// fits the retry budget); a circuit breaker (opossum) stops calling a PokeAPI that keeps failing
// and lets one request through after a pause to see whether it is back. A 404 is an answer, not a
// failure: it does not count against the breaker and is not retried. Every answer is parsed with
// the schema of the fields the fetcher reads.
import CircuitBreaker from 'opossum';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { z } from '@gameday/telemetry';
import type { Logger } from '@gameday/telemetry';

export type PokeapiOutcome =
  | 'success'
  | 'not_found'
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'network_error'
  | 'invalid_response'
  | 'short_circuited';

const tracer = trace.getTracer('gameday-pokemon');

export class PokeapiError extends Error {
  constructor(
    readonly outcome: Exclude<PokeapiOutcome, 'success'>,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface PokeapiClientOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** The first backoff; each retry doubles it (full jitter). */
  backoffMs: number;
  /** A Retry-After longer than this is not waited for: the request fails (and counts). */
  maxRetryAfterMs: number;
  breaker: {
    /** Requests in the rolling window before the breaker may open (opossum's volumeThreshold). */
    volumeThreshold: number;
    /** Failure percentage in the window that opens it. */
    errorThresholdPercentage: number;
    /** How long it stays open before one trial request (half-open). */
    resetTimeoutMs: number;
    /** The rolling window. */
    rollingCountTimeoutMs: number;
  };
  logger: Logger;
  metrics: {
    requests: Counter<'outcome'>;
    duration: Histogram<'outcome'>;
    circuit: Gauge<'state'>;
  };
  /** Test hook: how to wait (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

interface RawAnswer {
  status: number;
  body: unknown;
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date), undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class PokeapiClient {
  private readonly breaker: CircuitBreaker<[string], RawAnswer>;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly o: PokeapiClientOptions) {
    this.sleep = o.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()));
    this.random = o.random ?? Math.random;
    this.breaker = new CircuitBreaker((url: string) => this.attempt(url), {
      timeout: false, // each attempt has its own timeout (AbortSignal)
      volumeThreshold: o.breaker.volumeThreshold,
      errorThresholdPercentage: o.breaker.errorThresholdPercentage,
      resetTimeout: o.breaker.resetTimeoutMs,
      rollingCountTimeout: o.breaker.rollingCountTimeoutMs,
      rollingCountBuckets: 10,
      // A 404 is PokeAPI answering: it says nothing about PokeAPI's health.
      errorFilter: (err: unknown) => err instanceof PokeapiError && err.outcome === 'not_found',
    });
    const set = (state: CircuitState) => {
      for (const s of ['closed', 'open', 'half_open'] as const)
        o.metrics.circuit.set({ state: s }, s === state ? 1 : 0);
    };
    set('closed');
    this.breaker.on('open', () => {
      set('open');
      o.logger.warn('PokeAPI circuit opened: calls fail fast until a trial request succeeds', {
        reset_timeout_ms: o.breaker.resetTimeoutMs,
      });
    });
    this.breaker.on('halfOpen', () => {
      set('half_open');
      o.logger.info('PokeAPI circuit half-open: the next request is a trial');
    });
    this.breaker.on('close', () => {
      set('closed');
      o.logger.info('PokeAPI circuit closed: PokeAPI answers again');
    });
  }

  get circuitState(): CircuitState {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half_open' : 'closed';
  }

  /** GET `path` (relative to the base URL) parsed with `schema`. */
  async get<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    const url = path.startsWith('http')
      ? path
      : `${this.o.baseUrl.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
    let lastError: PokeapiError | undefined;
    for (let attempt = 0; attempt <= this.o.retries; attempt++) {
      if (attempt > 0) {
        const wait = lastError?.retryAfterMs ?? this.random() * this.o.backoffMs * 2 ** (attempt - 1);
        await this.sleep(wait);
      }
      const started = performance.now();
      try {
        const answer = await this.breaker.fire(url);
        const parsed = schema.safeParse(answer.body);
        if (!parsed.success) {
          throw new PokeapiError(
            'invalid_response',
            `PokeAPI answered ${url} with an unexpected shape: ${parsed.error.message}`,
          );
        }
        this.count('success', started);
        return parsed.data;
      } catch (err) {
        const error = this.classify(err);
        this.count(error.outcome, started);
        if (!this.retryable(error)) throw error;
        lastError = error;
      }
    }
    throw lastError!;
  }

  private retryable(error: PokeapiError): boolean {
    if (
      error.outcome === 'not_found' ||
      error.outcome === 'short_circuited' ||
      error.outcome === 'invalid_response'
    )
      return false;
    if (error.retryAfterMs !== undefined && error.retryAfterMs > this.o.maxRetryAfterMs) return false;
    return true;
  }

  private classify(err: unknown): PokeapiError {
    if (err instanceof PokeapiError) return err;
    const code = (err as { code?: string }).code;
    if (code === 'EOPENBREAKER')
      return new PokeapiError(
        'short_circuited',
        'PokeAPI is failing: its circuit is open, so it was not called',
      );
    return new PokeapiError(
      'network_error',
      `PokeAPI could not be reached: ${String((err as Error).message ?? err)}`,
    );
  }

  private count(outcome: PokeapiOutcome, started: number): void {
    this.o.metrics.requests.inc({ outcome });
    if (outcome !== 'short_circuited')
      this.o.metrics.duration.observe({ outcome }, (performance.now() - started) / 1000);
  }

  /** One HTTP request, as a client span: an answer, or a PokeapiError the breaker counts (404 excepted). */
  private attempt(url: string): Promise<RawAnswer> {
    return tracer.startActiveSpan(
      'GET',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': 'GET',
          'url.full': url,
          'server.address': new URL(url).hostname,
        },
      },
      async (span) => {
        try {
          const answer = await this.request(url);
          span.setAttribute('http.response.status_code', answer.status);
          return answer;
        } catch (err) {
          if (err instanceof PokeapiError && err.outcome !== 'not_found') {
            span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
          }
          span.setAttribute(
            'gameday.pokeapi.outcome',
            err instanceof PokeapiError ? err.outcome : 'network_error',
          );
          throw err;
        } finally {
          span.end();
        }
      },
    );
  }

  private async request(url: string): Promise<RawAnswer> {
    let res: globalThis.Response;
    try {
      res = await fetch(url, {
        headers: { accept: 'application/json', 'user-agent': 'gameday-pokemon-fetcher' },
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new PokeapiError('timeout', `PokeAPI did not answer ${url} within ${this.o.timeoutMs} ms`);
      throw new PokeapiError(
        'network_error',
        `PokeAPI could not be reached at ${url}: ${(err as Error).message}`,
      );
    }
    if (res.status === 404) {
      await res.body?.cancel();
      throw new PokeapiError('not_found', `PokeAPI has no ${url}`);
    }
    if (res.status === 429 || res.status === 503) {
      await res.body?.cancel();
      const after = retryAfterMs(res.headers.get('retry-after'));
      throw new PokeapiError(
        res.status === 429 ? 'rate_limited' : 'server_error',
        `PokeAPI answered ${res.status} for ${url}${after !== undefined ? ` (Retry-After ${Math.ceil(after / 1000)} s)` : ''}`,
        after,
      );
    }
    if (res.status >= 500) {
      await res.body?.cancel();
      throw new PokeapiError('server_error', `PokeAPI answered ${res.status} for ${url}`);
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new PokeapiError('invalid_response', `PokeAPI answered ${res.status} for ${url}`);
    }
    try {
      return { status: res.status, body: await res.json() };
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new PokeapiError(
          'timeout',
          `PokeAPI did not finish answering ${url} within ${this.o.timeoutMs} ms`,
        );
      throw new PokeapiError('invalid_response', `PokeAPI answered ${url} with something that is not JSON`);
    }
  }

  shutdown(): void {
    this.breaker.shutdown();
  }
}
