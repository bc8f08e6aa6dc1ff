// Forwards one HTTP request to an upstream service and its answer back, with node's http module.
//
// Why not http-proxy-middleware: the gateway must tell apart "the upstream is down" (503), "it
// answered badly or broke off" (502) and "it was too slow" (504), enforce the body limit on
// streamed bytes, and count each outcome. http-proxy (under http-proxy-middleware) reports all of
// these as one untyped `error` event, its `proxyTimeout` surfaces as a reset, and once it has
// started writing the client response nothing can be mapped any more. node:http gives each phase
// its own event, and its requests are what the OpenTelemetry http instrumentation traces (client
// span, `traceparent` injected).
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { requestFunction } from '@gameday/telemetry';

/** How one forwarded request ended (the `outcome` label of gameday_gateway_upstream_requests_total). */
export type Outcome = 'ok' | 'error' | 'timeout' | 'unavailable';
export const OUTCOMES: readonly Outcome[] = ['ok', 'error', 'timeout', 'unavailable'];

/**
 * Why nothing could be sent back. `unavailable`: no connection, or it closed before any answer;
 * `bad-response`: an unreadable answer or one broken off midway; `timeout`: no complete answer in
 * time; `too-large`: the client's body went over the limit; `client-gone`: the client went away.
 */
export class UpstreamFailure extends Error {
  constructor(
    readonly kind: 'unavailable' | 'bad-response' | 'timeout' | 'too-large' | 'client-gone',
    readonly upstream: string,
    readonly detail: string,
  ) {
    super(`${upstream}: ${kind} (${detail})`);
    this.name = 'UpstreamFailure';
  }

  get outcome(): Outcome | undefined {
    switch (this.kind) {
      case 'unavailable':
        return 'unavailable';
      case 'bad-response':
        return 'error';
      case 'timeout':
        return 'timeout';
      default:
        // The client's doing (too large, went away): says nothing about the upstream.
        return undefined;
    }
  }
}

export interface UpstreamClientOptions {
  /** The upstream's name (`accounts`): in errors and metrics instead of its URL. */
  name: string;
  baseUrl: URL;
  /** How long a complete answer may take; the client then gets a 504. */
  timeoutMs: number;
  /** Most request-body bytes forwarded; more is a 413. */
  bodyLimit: number;
}

/**
 * Answers up to this size are read completely before anything is sent to the client, so an upstream
 * that breaks off midway still gets a proper 502 (API answers are small JSON). Larger answers are
 * streamed, and a failure midway can then only cut the client's connection.
 */
const RESPONSE_BUFFER_LIMIT = 1024 * 1024;

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus ones we set. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'host',
]);

/** Errors before any answer that mean the upstream could not be reached or closed on us. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
]);

const IDEMPOTENT_WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Removes hop-by-hop headers, including those the Connection header names. */
export function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

export class UpstreamClient {
  readonly name: string;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  /** The upstream's path prefix (usually empty): request paths are appended unchanged. */
  private readonly basePath: string;

  constructor(private readonly options: UpstreamClientOptions) {
    this.name = options.name;
    const secure = options.baseUrl.protocol === 'https:';
    this.transport = secure ? https : http;
    // Keep-alive: a connection per request would cost a handshake each time. Idle sockets are
    // closed after 30 s, well before the upstream's 65 s keep-alive timeout, so we never pick a
    // socket the upstream is closing.
    const agentOptions = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: 30_000 };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.basePath = options.baseUrl.pathname.replace(/\/+$/, '');
  }

  /**
   * Sends `req` (its body streamed, at most `bodyLimit` bytes) to `path` on the upstream with
   * `headers`, and writes the answer to `res`. Resolves with the outcome once the answer is sent;
   * rejects with an UpstreamFailure when nothing was sent yet, so the caller can answer with a
   * problem. A failure after streaming started cuts the client's connection and resolves.
   */
  forward(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    headers: OutgoingHttpHeaders,
  ): Promise<Outcome> {
    const hasBody =
      (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') ||
      req.headers['transfer-encoding'] !== undefined;
    const retryable = !hasBody && IDEMPOTENT_WITHOUT_BODY.has(req.method ?? '');
    return new Promise<Outcome>((resolve, reject) => {
      const deadline = setTimeout(
        () =>
          fail(
            new UpstreamFailure('timeout', this.name, `no complete answer in ${this.options.timeoutMs} ms`),
          ),
        this.options.timeoutMs,
      );
      let settled = false;
      let current: http.ClientRequest | undefined;
      const settle = () => {
        if (settled) return false;
        settled = true;
        clearTimeout(deadline);
        res.off('close', onClientClose);
        return true;
      };
      const fail = (failure: UpstreamFailure) => {
        if (!settle()) return;
        current?.destroy();
        req.unpipe();
        reject(failure);
      };
      const succeed = (outcome: Outcome) => {
        if (settle()) resolve(outcome);
      };
      const onClientClose = () => {
        if (!res.writableFinished)
          fail(new UpstreamFailure('client-gone', this.name, 'the client closed the connection'));
      };
      res.on('close', onClientClose);

      const send = (attempt: number) => {
        const fullPath = this.basePath + path;
        const query = fullPath.indexOf('?');
        const upstreamReq = requestFunction(this.transport)({
          protocol: this.options.baseUrl.protocol,
          hostname: this.options.baseUrl.hostname,
          port: this.options.baseUrl.port,
          method: req.method,
          path: fullPath,
          // Not used by node:http. The OpenTelemetry http instrumentation reads it instead of
          // parsing `path` with new URL() on every request (~15 µs of the gateway's overhead).
          pathname: query === -1 ? fullPath : fullPath.slice(0, query),
          headers,
          agent: this.agent,
        } as http.RequestOptions);
        current = upstreamReq;
        let answered = false;

        upstreamReq.on('error', (err: NodeJS.ErrnoException) => {
          if (settled || answered) return;
          const code = err.code ?? '';
          // A kept-alive socket the upstream closed just as we reused it: safe to send once more.
          if (attempt === 0 && retryable && upstreamReq.reusedSocket && code === 'ECONNRESET') {
            send(1);
            return;
          }
          if (UNREACHABLE.has(code))
            fail(new UpstreamFailure('unavailable', this.name, `${code}: ${err.message}`));
          else fail(new UpstreamFailure('bad-response', this.name, `${code || err.name}: ${err.message}`));
        });

        upstreamReq.on('response', (upstreamRes) => {
          answered = true;
          this.relay(upstreamRes, res, fail, succeed);
        });

        if (attempt > 0 || !hasBody) {
          upstreamReq.end();
          return;
        }
        let received = 0;
        req.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > this.options.bodyLimit) {
            fail(new UpstreamFailure('too-large', this.name, `more than ${this.options.bodyLimit} bytes`));
          }
        });
        req.on('aborted', () =>
          fail(new UpstreamFailure('client-gone', this.name, 'the client aborted the upload')),
        );
        req.pipe(upstreamReq);
      };
      send(0);
    });
  }

  /** Buffers a small answer (so a break-off is still a clean 502), streams a large one. */
  private relay(
    upstreamRes: IncomingMessage,
    res: ServerResponse,
    fail: (f: UpstreamFailure) => void,
    succeed: (o: Outcome) => void,
  ): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let streaming = false;
    const writeHead = (bufferedSize?: number) => {
      const headers = endToEndHeaders(upstreamRes.headers);
      const status = upstreamRes.statusCode ?? 502;
      // A chunked answer that was read whole goes out with its length (the upstream's own
      // Content-Length is kept as is: it is right, and for HEAD it is not the body we read).
      if (
        bufferedSize !== undefined &&
        headers['content-length'] === undefined &&
        status !== 204 &&
        status !== 304
      ) {
        headers['content-length'] = bufferedSize;
      }
      for (const [name, value] of Object.entries(headers))
        if (value !== undefined) res.setHeader(name, value);
      res.statusCode = status;
    };
    upstreamRes.on('data', (chunk: Buffer) => {
      if (streaming) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size <= RESPONSE_BUFFER_LIMIT) return;
      // Too large to hold: send what we have and stream the rest. From now on a failure can only
      // cut the connection, and the deadline becomes an idle timeout.
      streaming = true;
      writeHead();
      for (const c of chunks.splice(0)) res.write(c);
      upstreamRes.pipe(res);
      res.once('close', () => {
        if (!res.writableFinished) upstreamRes.destroy();
      });
      succeed('ok');
      upstreamRes.setTimeout(this.options.timeoutMs, () => upstreamRes.destroy());
    });
    upstreamRes.on('end', () => {
      if (streaming) return;
      writeHead(size);
      res.end(Buffer.concat(chunks, size));
      succeed('ok');
    });
    upstreamRes.on('close', () => {
      if (upstreamRes.complete) return;
      if (streaming) {
        res.destroy();
        return;
      }
      fail(
        new UpstreamFailure('bad-response', this.name, 'the connection closed in the middle of the answer'),
      );
    });
    upstreamRes.on('error', () => {
      // Followed by 'close' (handled above); listening keeps it from becoming an uncaught error.
    });
  }

  /** Readiness: the upstream's own /healthz answers 200. */
  healthCheck(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const req = this.transport.get(
        {
          protocol: this.options.baseUrl.protocol,
          hostname: this.options.baseUrl.hostname,
          port: this.options.baseUrl.port,
          path: `${this.basePath}/healthz`,
          agent: this.agent,
          signal,
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`/healthz answered ${res.statusCode}`)),
          );
          res.on('error', reject);
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code ?? err.message)));
    });
  }

  /** Closes kept-alive connections (at shutdown, after requests drained). */
  close(): void {
    this.agent.destroy();
  }
}
