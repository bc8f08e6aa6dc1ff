// The route handler of an area: forwards the request to its upstream and maps what can go wrong to
// problem+json (413, 502, 503, 504), counting each outcome.
import type { Request, RequestHandler } from 'express';
import type { OutgoingHttpHeaders } from 'node:http';
import {
  BadGatewayError,
  BadRequestError,
  GatewayTimeoutError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  unsampledTraceparent,
} from '@gameday/telemetry';
import type { HttpError, Logger, ServiceMetrics } from '@gameday/telemetry';
import { endToEndHeaders, UpstreamFailure } from '../data-access/upstream-client';
import type { UpstreamClient } from '../data-access/upstream-client';

/** gameday_gateway_upstream_requests_total{upstream, outcome}. */
type UpstreamCounter = ReturnType<ServiceMetrics['counter']>;

/** Seconds a client should wait before retrying when an upstream is down. */
const RETRY_AFTER_SECONDS = 5;

/** `.` or `..` path segments, also percent-encoded: never forwarded, so no path escapes its area. */
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

export interface ProxyOptions {
  bodyLimit: number;
  bodyLimitText: string;
  timeoutMs: number;
  /** Whether X-Forwarded-For from the peer is trusted (TRUST_PROXY): then the address is appended. */
  trustForwardedFor: boolean;
}

/** What the upstream is told: the caller's headers minus hop-by-hop and identity, plus ours. */
export function upstreamHeaders(
  req: Request,
  options: Pick<ProxyOptions, 'trustForwardedFor'>,
): OutgoingHttpHeaders {
  const headers = endToEndHeaders(req.headers);
  for (const name of Object.keys(headers)) {
    // Identity comes from the verified token only; trace context from our own client span.
    if (name.startsWith('x-player-') || name === 'traceparent' || name === 'tracestate') delete headers[name];
  }
  if (req.identity) {
    headers['x-player-id'] = req.identity.playerId;
    headers['x-player-role'] = req.identity.role;
  }
  headers['x-request-id'] = req.id;
  // A sampled request's client span injects traceparent; an unsampled one passes the decision and
  // its trace id on here, so the next service neither records it nor starts a trace of its own.
  const traceparent = unsampledTraceparent(req);
  if (traceparent) headers.traceparent = traceparent;
  const peer = req.socket.remoteAddress ?? 'unknown';
  const incoming = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] =
    options.trustForwardedFor && typeof incoming === 'string' && incoming !== ''
      ? `${incoming}, ${peer}`
      : peer;
  headers['x-forwarded-proto'] = req.protocol;
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  return headers;
}

function named(err: HttpError, upstream: string): HttpError {
  // Clients and dashboards see which service failed, never where it lives.
  (err.extensions as Record<string, unknown>).upstream = upstream;
  return err;
}

export function proxyTo(
  client: UpstreamClient,
  counter: UpstreamCounter,
  logger: Logger,
  options: ProxyOptions,
): RequestHandler {
  const upstream = client.name;
  return async (req, res, next) => {
    if (DOT_SEGMENT.test(req.path)) {
      throw new BadRequestError('The path must not contain "." or ".." segments.', 'bad-path');
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > options.bodyLimit) throw new PayloadTooLargeError(options.bodyLimitText);

    try {
      const outcome = await client.forward(req, res, req.originalUrl, upstreamHeaders(req, options));
      counter.inc({ upstream, outcome });
    } catch (err) {
      if (!(err instanceof UpstreamFailure)) throw err;
      if (err.outcome) counter.inc({ upstream, outcome: err.outcome });
      const level = err.kind === 'client-gone' || err.kind === 'too-large' ? 'info' : 'warn';
      logger.log(level, 'upstream request failed', {
        request_id: req.id,
        upstream,
        failure: err.kind,
        error: err.detail,
      });
      switch (err.kind) {
        case 'unavailable':
          return next(
            named(
              new ServiceUnavailableError(
                `The ${upstream} service is unavailable; try again shortly.`,
                RETRY_AFTER_SECONDS,
              ),
              upstream,
            ),
          );
        case 'timeout':
          return next(
            named(
              new GatewayTimeoutError(
                `The ${upstream} service did not answer within ${options.timeoutMs} ms.`,
              ),
              upstream,
            ),
          );
        case 'bad-response':
          return next(
            named(
              new BadGatewayError(`The ${upstream} service gave an invalid or incomplete answer.`),
              upstream,
            ),
          );
        case 'too-large': {
          const tooLarge = new PayloadTooLargeError(options.bodyLimitText);
          // The rest of the upload is not read: close the connection after answering.
          tooLarge.headers.Connection = 'close';
          return next(tooLarge);
        }
        case 'client-gone':
          // Nobody to answer; the access log records a 499.
          return;
      }
    }
  };
}
