// The casino's client of the wallet's internal API: JSON over node:http with keep-alive, a deadline
// per call, the service token, and the idempotency key that makes every retry safe. node:http is
// what the OpenTelemetry http instrumentation traces (client span, traceparent injected).
import http from 'node:http';
import https from 'node:https';
import { requestFunction } from '@gameday/telemetry';

/** What the wallet answered to a money movement. */
export interface WalletMovement {
  id: string;
  amount_cents: number;
  balance_cents: number;
}

/** The wallet answered with a problem (4xx): the request was understood and refused. */
export class WalletRefusal extends Error {
  constructor(
    readonly status: number,
    readonly problem: { type?: string; detail?: string; [k: string]: unknown },
  ) {
    super(`wallet refused (${status}): ${problem.detail ?? problem.type ?? 'no detail'}`);
    this.name = 'WalletRefusal';
  }

  /** The slug of the problem type (`insufficient-funds`). */
  get slug(): string {
    return String(this.problem.type ?? '').replace(/^.*\/problems\//, '');
  }
}

/** The wallet could not be reached, answered 5xx, or was too slow: the outcome is unknown. */
export class WalletUnavailable extends Error {
  constructor(detail: string) {
    super(`wallet unavailable: ${detail}`);
    this.name = 'WalletUnavailable';
  }
}

export interface CallContext {
  /** The traceparent to send when the request being served is not sampled (see telemetry). */
  traceparent?: string | undefined;
}

export interface WalletClientOptions {
  baseUrl: URL;
  token: string;
  timeoutMs: number;
}

export class WalletClient {
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(private readonly options: WalletClientOptions) {
    const secure = options.baseUrl.protocol === 'https:';
    this.transport = secure ? https : http;
    const agentOptions = { keepAlive: true, maxSockets: 128, maxFreeSockets: 64, timeout: 30_000 };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  debit(
    key: string,
    body: { player_id: string; amount_cents: number; round_id: string; game: string },
    ctx: CallContext = {},
  ): Promise<WalletMovement> {
    return this.call('POST', '/internal/v1/bets', ctx, body, key) as Promise<WalletMovement>;
  }

  credit(
    key: string,
    body: { player_id: string; amount_cents: number; round_id: string; game: string },
    ctx: CallContext = {},
  ): Promise<WalletMovement> {
    return this.call('POST', '/internal/v1/payouts', ctx, body, key) as Promise<WalletMovement>;
  }

  /** Refunds the bet made with `betKey`; if it never arrived, the wallet makes sure it never will. */
  refund(
    key: string,
    body: { player_id: string; bet_key: string; round_id: string; game: string },
    ctx: CallContext = {},
  ): Promise<WalletMovement> {
    return this.call('POST', '/internal/v1/refunds', ctx, body, key) as Promise<WalletMovement>;
  }

  /** The movement made with `key`, or undefined when there is none. */
  async find(key: string, ctx: CallContext = {}): Promise<{ id: string; kind: string } | undefined> {
    try {
      return (await this.call('GET', `/internal/v1/transactions/${encodeURIComponent(key)}`, ctx)) as {
        id: string;
        kind: string;
      };
    } catch (err) {
      if (err instanceof WalletRefusal && err.status === 404) return undefined;
      throw err;
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private call(
    method: string,
    path: string,
    ctx: CallContext,
    body?: unknown,
    key?: string,
  ): Promise<unknown> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = {
      authorization: `Bearer ${this.options.token}`,
      accept: 'application/json',
    };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    if (key) headers['idempotency-key'] = key;
    if (ctx.traceparent) headers.traceparent = ctx.traceparent;
    return this.send(method, path, headers, payload);
  }

  private send(
    method: string,
    path: string,
    headers: http.OutgoingHttpHeaders,
    payload: string | undefined,
  ): Promise<unknown> {
    const base = this.options.baseUrl;
    return new Promise((resolve, reject) => {
      const req = requestFunction(this.transport)(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path: base.pathname.replace(/\/+$/, '') + path,
          method,
          headers,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => fail(new WalletUnavailable(`answer broken off: ${err.message}`)));
          res.on('end', () => {
            clearTimeout(deadline);
            const status = res.statusCode ?? 0;
            let parsed: unknown;
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              return fail(new WalletUnavailable(`answered ${status} with a body that is not JSON`));
            }
            if (status >= 200 && status < 300) return resolve(parsed);
            if (status >= 400 && status < 500) {
              return reject(new WalletRefusal(status, parsed as WalletRefusal['problem']));
            }
            return fail(new WalletUnavailable(`answered ${status}`));
          });
        },
      );
      const fail = (err: Error) => {
        clearTimeout(deadline);
        req.destroy();
        reject(err);
      };
      const deadline = setTimeout(
        () => fail(new WalletUnavailable(`no answer in ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
      req.on('error', (err) => fail(new WalletUnavailable(err.message)));
      req.end(payload);
    });
  }
}
