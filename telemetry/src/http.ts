// Express middleware every service shares: request ids, the HTTP histogram and access log, JSON body
// parsing with limits, and the central problem+json error handler.
import { randomUUID } from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from './logger';
import { logRequest } from './logger';
import type { LineTrace } from './logger';
import type { ServiceMetrics } from './metrics';
import { UNMATCHED_ROUTE } from './metrics';
import {
  BadRequestError,
  HttpError,
  NotFoundError,
  PayloadTooLargeError,
  PROBLEM_CONTENT_TYPE,
  UnsupportedMediaTypeError,
} from './errors';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { activeContext, isTraced, unsampledTrace, withContext } from './tracing';

export const REQUEST_ID_HEADER = 'x-request-id';
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    /** Taken from a well-formed incoming X-Request-Id, generated otherwise. */
    id: string;
  }
}

/** Accepts a caller's X-Request-Id if it is well formed, otherwise makes one; echoes it back. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers[REQUEST_ID_HEADER];
    req.id = typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    next();
  };
}

/** The route template of a handled request (`/api/v1/players/:id`), never the raw path. */
export function routeOf(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  if (route === undefined || typeof route.path !== 'string') return UNMATCHED_ROUTE;
  return req.baseUrl + route.path;
}

/**
 * Observes `http_server_request_duration_seconds` and writes one access-log line per request.
 * Probe and scrape endpoints are measured but not logged (they would drown the log).
 */
export function observe(metrics: ServiceMetrics, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const start = performance.now();
    // The request's span, taken now: response events are not bound to a trace context (see
    // RequestContextManager in tracing/context.ts), and the exemplar and the log line's trace_id must be
    // this request's. Only a traced (head-sampled) request has one: the others skip the lookup.
    const span = isTraced(req) ? trace.getSpan(activeContext()) : undefined;
    // 'close' follows 'finish' on every response, and comes alone when the client went away first.
    // A response closes once: `on` spares the wrapper `once` would allocate.
    res.on('close', () => {
      const seconds = (performance.now() - start) / 1000;
      const route = routeOf(req);
      // 499: the client went away before the response was complete (nginx's convention).
      const status = res.writableFinished ? res.statusCode : 499;
      const sc = span?.spanContext();
      metrics.observeHttp(
        req.method,
        route,
        status,
        seconds,
        sc && sc.traceFlags & 1 ? sc.traceId : undefined,
      );
      if (route === '/metrics' || route === '/healthz' || route === '/readyz') return;
      let lineTrace: LineTrace | undefined;
      if (sc !== undefined) {
        if (isSpanContextValid(sc)) {
          lineTrace = { traceId: sc.traceId, spanId: sc.spanId, flags: `0${sc.traceFlags.toString(16)}` };
        }
      } else {
        // An unsampled request has no span, but its line still carries the trace id the services
        // along its path share (trace_flags 00: there is no recorded trace to jump to).
        const unsampled = unsampledTrace(req);
        if (unsampled) lineTrace = { traceId: unsampled.traceId, flags: '00' };
      }
      logRequest(
        logger,
        status >= 500 ? 'error' : 'info',
        {
          requestId: req.id,
          method: req.method,
          route,
          path: req.path,
          status,
          durationMs: Math.round(seconds * 1e4) / 10,
        },
        lineTrace,
      );
    });
    next();
  };
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * JSON bodies only: a body with another content type is a 415, malformed JSON a 400, an oversize
 * body a 413 (all problem+json via the error handler).
 */
export function jsonBody(limit = '64kb'): RequestHandler {
  const parser = express.json({ limit, strict: true, type: () => true });
  return (req, res, next) => {
    if (!BODY_METHODS.has(req.method)) return next();
    const length = req.headers['content-length'];
    const hasBody =
      (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return next();
    const type = req.headers['content-type'];
    // eslint-disable-next-line security/detect-unsafe-regex -- linear: the optional group must end in '+json', which fails at once (measured)
    if (!type || !/^application\/([a-z.+-]+\+)?json\s*(;|$)/i.test(type)) {
      return next(new UnsupportedMediaTypeError(type));
    }
    // The body may finish arriving in a socket event, outside the request's trace context (event
    // emitters are not bound, see RequestContextManager): continue in it explicitly rather than
    // rely on how the parser schedules its callback.
    const requestContext = activeContext();
    parser(req, res, (err?: unknown) => withContext(requestContext, () => next(err)));
  };
}

/**
 * Runs several middleware functions as ONE Express layer. Each layer costs a little on every
 * request, so the standard middleware of every service, and the gateway's per-route chain, are a
 * single layer each. Handlers behave as Express runs them: an error passed to `next` or thrown skips
 * the rest, and a promise a handler returns that rejects is passed on as an error.
 */
export function compose(...handlers: RequestHandler[]): RequestHandler {
  if (handlers.length === 1) return handlers[0]!;
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      const handler = handlers[i++];
      if (handler === undefined) return next();
      try {
        const result = handler(req, res, step) as unknown;
        if (result instanceof Promise) {
          result.then(undefined, (e: unknown) => next(e ?? new Error('Rejected promise')));
        }
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}

export function notFound(): RequestHandler {
  return (req, _res, next) => next(new NotFoundError(`No route for ${req.method} ${req.path}.`));
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/** Maps any error to problem+json. Unknown errors are 500s whose details stay in the log. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const problem = toHttpError(err);
    if (problem.status >= 500 && !(err instanceof HttpError)) {
      logger.error('unhandled error', {
        request_id: req.id,
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [k, v] of Object.entries(problem.headers)) res.setHeader(k, v);
    res
      .status(problem.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify({ ...problem.toProblem(req.originalUrl), request_id: req.id }));
  };
}

export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as BodyParserError;
  switch (e?.type) {
    case 'entity.parse.failed':
      return new BadRequestError(`The body is not valid JSON: ${e.message}.`, 'malformed-json');
    case 'entity.too.large':
      return new PayloadTooLargeError(`${e.limit ?? '?'} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError(e.message);
    case 'request.aborted':
      return new BadRequestError('The request was aborted.', 'aborted');
  }
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new HttpError(e.status, 'bad-request', 'Bad request', e.message);
  }
  return new HttpError(
    500,
    'internal',
    'Internal error',
    'An unexpected error occurred; it has been logged.',
  );
}
