// Tracing bootstrap. Import and call this module FIRST in a service's entry point, before express, pg,
// kafkajs or winston are required: OpenTelemetry patches modules as they load.
//
//   import { startTracing } from '@gameday/telemetry/tracing';
//   startTracing({ serviceName: 'accounts' });
//
// This file deliberately imports nothing but OpenTelemetry packages (and the slots the server's
// request classes share with it).
import {
  context,
  diag,
  DiagConsoleLogger,
  DiagLogLevel,
  propagation,
  ROOT_CONTEXT,
  trace,
} from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { countedBatchProcessor } from './span-export';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  NoopSpanProcessor,
  ParentBasedSampler,
} from '@opentelemetry/sdk-trace';
import type { IdGenerator, Sampler, SpanProcessor } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { getRPCMetadata, isTracingSuppressed, RPCType, suppressTracing } from '@opentelemetry/core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { WinstonInstrumentation } from '@opentelemetry/instrumentation-winston';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as HttpModule from 'node:http';
import type { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';
import { dirname } from 'node:path';
import { EventEmitter } from 'node:events';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { EMIT_CONTEXT, HEAD, REQUEST_CONTEXT } from './request-slots';
import type { Context } from '@opentelemetry/api';

/**
 * The production default: keep 1% of new traces, follow the caller's decision otherwise. At the
 * request rates these services are built for (thousands a second each) that is still tens of full
 * traces a second per entry point, every metric and log line stays at 100%, and log lines of
 * unsampled requests still carry a trace id. Set OTEL_TRACES_SAMPLER_ARG for more (the local stack
 * uses 0.1).
 */
export const DEFAULT_SAMPLE_RATIO = 0.01;

/** Paths that are scraped or probed constantly; tracing them only adds noise and cost. */
const UNTRACED_PATHS = new Set(['/metrics', '/healthz', '/readyz', '/favicon.ico']);

/**
 * node:http's ServerResponse, taken once the SDK has started (`routeRequestEvents`): this file does
 * not load http itself before the instrumentation is registered.
 */
let serverResponseClass: typeof ServerResponse | undefined;

/**
 * AsyncLocalStorage context, without binding event emitters. Binding an emitter (the http
 * instrumentation binds every request and response) patches its on/addListener/removeListener and
 * wraps each listener so every emitted event re-enters the context: on this workload that was a
 * measurable share of all tracing cost, paid even by unsampled requests. Promises, timers and
 * callbacks keep their context through AsyncLocalStorage anyway; the few listeners that need the
 * request's context (JSON body parsing, the access log) restore it themselves (see http.ts).
 */
export class RequestContextManager extends AsyncLocalStorageContextManager {
  /** Work in flight that needs context to follow it across awaits (sampled requests, explicit contexts). */
  private holds = 0;
  /** In explicit mode: the context of the code running now (synchronously). */
  private current: Context = SUPPRESSED_ROOT;

  /**
   * @param explicit Never use AsyncLocalStorage: a context is active only while the function given
   * to `with` (or a bound function) runs synchronously, and code that continues a traced request
   * after an await re-enters its context itself (`requestContext(req)`, `context.with`). See
   * `ContextPropagation`.
   */
  constructor(readonly explicit = false) {
    super();
  }

  override bind<T>(ctx: Context, target: T): T {
    if (target instanceof EventEmitter) {
      // Under AsyncLocalStorage emitters are not bound (see above).
      if (!this.explicit) return target;
      // Explicitly propagated, only a traced request's server response needs its context when it
      // emits: the http instrumentation reads the server span's route from it when the response
      // closes. Our server's requests and responses have a slot for it, read by their `emit`
      // (server-classes.ts): binding changes a value, not the object's shape. Other emitters the
      // instrumentation binds (the request's client calls and their responses) are left alone, as
      // every other callback is in this mode; a wrapper on each would give those objects hidden
      // classes of their own, and all requests paid for that in node's stream code.
      if (isTracingSuppressed(ctx)) return target;
      const slots = target as unknown as Record<symbol, Context | undefined>;
      if (EMIT_CONTEXT in slots) {
        slots[EMIT_CONTEXT] = ctx;
      } else if (serverResponseClass !== undefined && target instanceof serverResponseClass) {
        // A response from a server made without our classes (tests, tools): wrap its emit.
        const emitter = target as unknown as { emit: (...args: unknown[]) => boolean };
        const emit = emitter.emit;
        // eslint-disable-next-line @typescript-eslint/no-this-alias
        const manager = this;
        emitter.emit = function (this: unknown, ...args: unknown[]) {
          return manager.with(ctx, emit, this, ...args);
        };
      }
      return target;
    }
    if (this.explicit && typeof target === 'function') {
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      const manager = this;
      const fn = target as unknown as (...args: unknown[]) => unknown;
      return function (this: unknown, ...args: unknown[]) {
        return manager.with(ctx, fn, this, ...args);
      } as unknown as T;
    }
    return super.bind(ctx, target);
  }

  private get storage(): AsyncLocalStorage<Context> {
    return (this as unknown as { _asyncLocalStorage: AsyncLocalStorage<Context> })._asyncLocalStorage;
  }

  /**
   * Outside any stored context nothing is recorded: the active context is "suppressed". Unsampled
   * requests, background timers and start-up work all run here.
   */
  override active(): Context {
    if (this.explicit) return this.current;
    return this.storage.getStore() ?? SUPPRESSED_ROOT;
  }

  /**
   * On Node 20 an enabled AsyncLocalStorage turns on promise hooks for *every* promise in the
   * process: on the bet benchmark that alone cost a fifth of the throughput of each service, though
   * only the sampled tenth of requests records anything. So the storage is used only while
   * something needs it: entering a suppressed context outside any stored one just calls `fn` (it
   * already runs under the suppressed default), and the storage is switched off again when the last
   * holder (a sampled request until its response closes, or an explicit context until its promise
   * settles) is done.
   */
  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    if (this.explicit) {
      const previous = this.current;
      this.current = ctx;
      try {
        return fn.apply(thisArg as ThisParameterType<F>, args);
      } finally {
        this.current = previous;
      }
    }
    if (this.storage.getStore() !== undefined) return super.with(ctx, fn, thisArg, ...args);
    if (isTracingSuppressed(ctx)) return fn.apply(thisArg as ThisParameterType<F>, args);
    this.hold();
    let result: ReturnType<F>;
    try {
      result = super.with(ctx, fn, thisArg, ...args);
    } catch (err) {
      this.release();
      throw err;
    }
    const thenable = result as unknown as { then?: (ok: () => void, ko: () => void) => unknown } | undefined;
    if (thenable && typeof thenable.then === 'function') {
      thenable.then(
        () => this.release(),
        () => this.release(),
      );
    } else {
      this.release();
    }
    return result;
  }

  /** Keeps the storage on until the matching `release`. */
  hold(): void {
    if (this.explicit) return;
    this.holds += 1;
  }

  release(): void {
    if (this.explicit) return;
    this.holds -= 1;
    // Off when nothing needs it; the next `run` (a sampled request) switches it on again.
    if (this.holds === 0) this.storage.disable();
  }

  /**
   * Whether the storage is on: for tests. On Node 20 it (and with it the promise hooks) is really
   * switched on and off; Node 24's AsyncLocalStorage (AsyncContextFrame) has no such state and no
   * promise hooks, so this reports whether a sampled context holds it.
   */
  get storageEnabled(): boolean {
    return (this.storage as unknown as { enabled?: boolean }).enabled ?? this.holds > 0;
  }
}

const SUPPRESSED_ROOT = suppressTracing(ROOT_CONTEXT);

export interface TracingOptions {
  /** `service.name`; `OTEL_SERVICE_NAME` overrides it. */
  serviceName: string;
  /** `service.version`; defaults to `npm_package_version` or 0.0.0. */
  serviceVersion?: string;
  /** Environment variables to read; defaults to `process.env` (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  /**
   * How a sampled request's context follows its work (`GAMEDAY_CONTEXT_PROPAGATION` overrides):
   * - `async-local-storage` (default): across every await, through AsyncLocalStorage. On Node 20
   *   that turns on promise hooks for every promise in the process while a sampled request is in
   *   flight, and the first time at all leaves V8's promise fast paths off for good: measured, a
   *   sixth of the throughput of the bet path at 1% sampling.
   * - `explicit`: no AsyncLocalStorage, ever. A context is active while code runs synchronously
   *   under it: the request's own handlers (every Express layer re-enters its request's context),
   *   and whatever a service starts from there. Code that continues a traced request after an
   *   await re-enters it (`context.with(requestContext(req), …)`) before a database query, an
   *   outgoing call or a span of its own.
   */
  contextPropagation?: ContextPropagation;
}

export type ContextPropagation = 'async-local-storage' | 'explicit';

function contextPropagationFromEnv(env: NodeJS.ProcessEnv, fallback: ContextPropagation): ContextPropagation {
  const v = env.GAMEDAY_CONTEXT_PROPAGATION;
  if (v === undefined || v === '') return fallback;
  if (v !== 'async-local-storage' && v !== 'explicit') {
    throw new Error(`GAMEDAY_CONTEXT_PROPAGATION must be "async-local-storage" or "explicit", got "${v}"`);
  }
  return v;
}

export interface TracingHandle {
  /** False when telemetry is switched off or the SDK was not started. */
  readonly enabled: boolean;
  /** Whether spans are exported (OTLP endpoint configured). */
  readonly exporting: boolean;
  readonly contextPropagation: ContextPropagation;
  readonly sampler: string;
  /** Export every finished span now. */
  forceFlush(): Promise<void>;
  /** Flush and stop the SDK; safe to call twice. */
  shutdown(): Promise<void>;
}

let active: TracingHandle | undefined;

/** Telemetry is on unless `GAMEDAY_TELEMETRY=off` (used by the benchmark for the bare baseline). */
export function telemetryEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.GAMEDAY_TELEMETRY ?? 'on').toLowerCase();
  if (v !== 'on' && v !== 'off') {
    throw new Error(`GAMEDAY_TELEMETRY must be "on" or "off", got "${env.GAMEDAY_TELEMETRY}"`);
  }
  return v === 'on';
}

/** Whether `req` is traced (head-sampled in). */
export function isTraced(req: unknown): boolean {
  return (req as Record<symbol, HeadDecision | null | undefined>)[HEAD]?.sampled === true;
}

/**
 * Runs `fn` in the context of the traced request `req` (its server span): the context active when
 * this was first called for it, in its first Express layer. For code that continues a request after
 * an await under explicit context propagation (each Express layer does, and `compose` for each of
 * its handlers). Untraced requests run `fn` as it is.
 */
export function inRequestContext<T>(req: unknown, fn: () => T): T {
  if (!isTraced(req)) return fn();
  const r = req as Record<symbol, Context | undefined>;
  const current = activeContext();
  const ctx = (r[REQUEST_CONTEXT] ??= current);
  // Most layers follow the previous one synchronously, already in the request's context.
  if (current === ctx) return fn();
  return withContext(ctx, fn);
}

/**
 * The running SDK's context manager, read directly on the per-request paths: the API's `context`
 * finds it through a version-checked global on every call, and a traced request asks a few dozen
 * times. Undefined until `startTracing` and after its shutdown (the API's answer is used then).
 */
let contextManager: RequestContextManager | undefined;

/** `context.active()`, straight from the running context manager. */
export function activeContext(): Context {
  return contextManager !== undefined ? contextManager.active() : context.active();
}

/** `context.with(ctx, fn)`, straight through the running context manager. */
export function withContext<T>(ctx: Context, fn: () => T): T {
  return contextManager !== undefined ? contextManager.with(ctx, fn) : context.with(ctx, fn);
}

/** The router's Layer, as `instrumentLayers` sees it. */
interface RouterLayer {
  /** Set on the layer of a route (`app.get(path, …)`); its `path` is the route's template. */
  route?: { path?: unknown };
}
type HandleRequest = (this: RouterLayer, req: unknown, res: unknown, next: unknown) => unknown;
type HandleError = (this: RouterLayer, err: unknown, req: unknown, res: unknown, next: unknown) => unknown;

/**
 * Express's part of a traced request, taken where the router calls each layer
 * (`Layer.prototype.handleRequest`/`handleError`, router 2.x); untraced requests go straight on.
 * - The route: when a route's layer runs, its template (`req.baseUrl` + the route's path, the same
 *   `http_route` the HTTP histogram and the access log give) goes into the request's RPC metadata,
 *   from which the http instrumentation names the server span (`POST /api/v1/events`) and sets
 *   `http.route`. This is all @opentelemetry/instrumentation-express still did here (its per-layer
 *   spans were all off), and it did it at a cost to every request: a wrapper around every layer's
 *   handler, and on a sampled request a property of its own (its layer-path store), which gave
 *   sampled requests a hidden class unsampled ones do not have.
 * - Explicit context propagation: every layer of a traced request (middleware, route handlers,
 *   error handlers, wherever an await came before them) runs under the request's context. The
 *   first layer runs inside the request's 'request' event, under its server span; that context is
 *   kept on the request for the next layers and for `requestContext(req)`.
 */
function instrumentLayers(explicit: boolean): void {
  // The router Express itself uses (CommonJS output: loaded after the instrumentations registered).
  const expressDir = dirname(require.resolve('express/package.json'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Layer = require(require.resolve('router/lib/layer', { paths: [expressDir] })) as {
    prototype: { handleRequest?: HandleRequest; handleError?: HandleError };
  };
  const handleRequest = Layer.prototype.handleRequest;
  const handleError = Layer.prototype.handleError;
  if (typeof handleRequest !== 'function' || typeof handleError !== 'function') {
    throw new Error("router's Layer has no handleRequest/handleError: tracing needs router 2.x (Express 5)");
  }
  Layer.prototype.handleRequest = function (this: RouterLayer, req, res, next) {
    if (!isTraced(req)) return handleRequest.call(this, req, res, next);
    if (this.route !== undefined) nameRoute(req as RoutedRequest, this.route.path, explicit);
    if (!explicit) return handleRequest.call(this, req, res, next);
    return inRequestContext(req, () => handleRequest.call(this, req, res, next));
  };
  if (explicit) {
    Layer.prototype.handleError = function (this: RouterLayer, err, req, res, next) {
      if (!isTraced(req)) return handleError.call(this, err, req, res, next);
      return inRequestContext(req, () => handleError.call(this, err, req, res, next));
    };
  }
}

interface RoutedRequest {
  baseUrl?: string;
}

/** Gives a traced request's server span its route template (see `instrumentLayers`). */
function nameRoute(req: RoutedRequest, path: unknown, explicit: boolean): void {
  if (typeof path !== 'string') return;
  const metadata = getRPCMetadata(explicit ? requestContext(req as IncomingMessage) : activeContext());
  if (metadata?.type === RPCType.HTTP) metadata.route = (req.baseUrl ?? '') + path;
}

/**
 * Captures the active context now and returns a function that runs `fn` in it later: for code that
 * continues a traced request after an await (explicit context propagation), before a query, an
 * outgoing call or a span of its own. Under AsyncLocalStorage it changes nothing.
 *
 *   const resume = captureContext();
 *   const hash = await hashPassword(password);
 *   await resume(() => repo.insert(player));
 */
export function captureContext(): <T>(fn: () => T) => T {
  const ctx = activeContext();
  return (fn) => withContext(ctx, fn);
}

/** The W3C trace-context headers (`traceparent`, `tracestate`) of the active context; empty when untraced. */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(activeContext(), carrier);
  return carrier;
}

/** The active context when it is traced (something records under it); undefined otherwise. */
export function activeTraceContext(): Context | undefined {
  const ctx = activeContext();
  return isTracingSuppressed(ctx) ? undefined : ctx;
}

/**
 * The context a traced request's work runs in (its server span), taken when its first Express layer
 * ran; the active context for a request that is not traced. For code that continues a request
 * after an await under explicit context propagation: `context.with(requestContext(req), () => …)`.
 */
export function requestContext(req: IncomingMessage): Context {
  return (req as unknown as Record<symbol, Context | undefined>)[REQUEST_CONTEXT] ?? activeContext();
}

/** How requests are head-sampled: from `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG`. */
export interface SamplingPolicy {
  /** Follow the caller's sampled flag when a valid `traceparent` comes in. */
  parentBased: boolean;
  /** Share of new (root) traces to record. */
  ratio: number;
  description: string;
}

/**
 * Reads the standard `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG` variables, defaulting to
 * parent-based 10%. Validates the ratio so a typo fails at start, not silently.
 */
export function samplingPolicyFromEnv(env: NodeJS.ProcessEnv): SamplingPolicy {
  const name = (env.OTEL_TRACES_SAMPLER ?? 'parentbased_traceidratio').trim();
  const argRaw = env.OTEL_TRACES_SAMPLER_ARG;
  const ratio = argRaw === undefined || argRaw === '' ? DEFAULT_SAMPLE_RATIO : Number(argRaw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a number between 0 and 1, got "${argRaw}"`);
  }
  switch (name) {
    case 'always_on':
      return { parentBased: false, ratio: 1, description: name };
    case 'parentbased_always_on':
      return { parentBased: true, ratio: 1, description: name };
    case 'traceidratio':
      return { parentBased: false, ratio, description: `${name}(${ratio})` };
    case 'parentbased_traceidratio':
      return { parentBased: true, ratio, description: `${name}(${ratio})` };
    default:
      throw new Error(
        `OTEL_TRACES_SAMPLER "${name}" is not supported; use always_on, parentbased_always_on, traceidratio or parentbased_traceidratio`,
      );
  }
}

/**
 * The SDK's sampler. Requests are head-sampled before the http instrumentation runs (`decideHead`),
 * so whatever an HTTP request brings to the SDK is recorded. Entry points other than HTTP (Kafka
 * consumers, jobs) take the same kind of decision where they start work.
 */
function sdkSampler(policy: SamplingPolicy): Sampler {
  return policy.parentBased ? new ParentBasedSampler({ root: new AlwaysOnSampler() }) : new AlwaysOnSampler();
}

/** The head-sampling decision of one incoming request. */
export interface HeadDecision {
  sampled: boolean;
  /** For an unsampled request: the trace id its logs and downstream calls carry. */
  traceId: string;
}

/** Random bytes for ids, drawn from the OS 4 KiB at a time (one getrandom call per ~250 trace ids). */
const ID_POOL = Buffer.alloc(4096);
/**
 * The pool as hex, converted once per refill: an id is then a slice of this string (V8 makes a
 * slice of 13 characters or more a view into it) instead of a call into C++ to hex-encode a few
 * bytes, twice for each request the gateway forwards.
 */
let idPoolHex = '';
let idPoolOffset = ID_POOL.length;

/**
 * `bytes` random bytes as lowercase hex, never all zeros (W3C trace context: an all-zero trace or
 * span id is invalid): a trace id (16) or a span id (8), for an unsampled request's trace id and
 * hop span id, and for the SDK (`PooledIdGenerator`).
 */
export function randomHexId(bytes: 8 | 16): string {
  for (;;) {
    if (idPoolOffset + bytes > ID_POOL.length) {
      randomFillSync(ID_POOL);
      idPoolHex = ID_POOL.toString('hex');
      idPoolOffset = 0;
    }
    const start = idPoolOffset;
    idPoolOffset += bytes;
    for (let i = start; i < idPoolOffset; i++) {
      if (ID_POOL[i] !== 0) return idPoolHex.slice(start * 2, idPoolOffset * 2);
    }
  }
}

/**
 * Span and trace ids from the pooled OS random bytes (`randomHexId`). The SDK's default generator
 * draws each id from Math.random four bytes at a time into a fresh buffer: ~1 µs an id, and a
 * sampled request makes a few.
 */
export class PooledIdGenerator implements IdGenerator {
  generateTraceId(): string {
    return randomHexId(16);
  }

  generateSpanId(): string {
    return randomHexId(8);
  }
}

/** A valid W3C `traceparent` (version 00): its trace id and whether the caller sampled it. */
export interface Traceparent {
  traceId: string;
  sampled: boolean;
}

const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);

/** Whether `s[from, to)` is lowercase hex and not all zeros. */
function lowerHexNonZero(s: string, from: number, to: number): boolean {
  let nonZero = false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!isHex(c)) return false;
    if (c !== 0x30) nonZero = true;
  }
  return nonZero;
}

/**
 * Parses a `traceparent` header: `00-{32 hex trace id}-{16 hex span id}-{2 hex flags}`, lowercase,
 * ids not all zeros, then the end of the value or a `-` (a later version's extra fields). Undefined
 * for anything else. Read character by character: every request that comes through the gateway
 * carries one, and a regular expression's match array and substrings were ~2 µs of each.
 */
export function parseTraceparent(value: string | string[] | undefined): Traceparent | undefined {
  if (typeof value !== 'string' || value.length < 55) return undefined;
  if (value.charCodeAt(0) !== 0x30 || value.charCodeAt(1) !== 0x30) return undefined;
  if (value.charCodeAt(2) !== 0x2d || value.charCodeAt(35) !== 0x2d || value.charCodeAt(52) !== 0x2d) {
    return undefined;
  }
  if (value.length > 55 && value.charCodeAt(55) !== 0x2d) return undefined;
  if (!lowerHexNonZero(value, 3, 35) || !lowerHexNonZero(value, 36, 52)) return undefined;
  const hi = value.charCodeAt(53);
  const lo = value.charCodeAt(54);
  if (!isHex(hi) || !isHex(lo)) return undefined;
  // The sampled flag is bit 0 of the flags byte: the low bit of its second digit.
  const sampled = ((lo <= 0x39 ? lo - 0x30 : lo - 0x57) & 1) === 1;
  return { traceId: value.slice(3, 35), sampled };
}

/**
 * Decides, from the request headers alone, whether the request is traced: a valid incoming
 * `traceparent` decides when the policy is parent-based; otherwise the ratio does. The same rule as
 * ParentBased(TraceIdRatio), taken before any span exists, so an unsampled request costs the
 * instrumentation almost nothing (see `startTracing`).
 */
export function decideHead(
  traceparent: string | string[] | undefined,
  policy: SamplingPolicy,
  random = Math.random,
): HeadDecision {
  const incoming = parseTraceparent(traceparent);
  const sampled =
    incoming !== undefined && policy.parentBased
      ? incoming.sampled
      : policy.ratio >= 1 || random() < policy.ratio;
  return { sampled, traceId: sampled ? '' : (incoming?.traceId ?? randomHexId(16)) };
}

/** The head decision taken for `req` when it was not sampled (undefined when it was, or tracing is off). */
export function unsampledTrace(req: IncomingMessage): HeadDecision | undefined {
  const d = (req as unknown as Record<symbol, HeadDecision | undefined>)[HEAD];
  return d && !d.sampled ? d : undefined;
}

/**
 * The `traceparent` an outgoing call made while serving an unsampled request must carry, so the
 * next service keeps the decision and the trace id (the instrumentation does not inject in an
 * unsampled request). Undefined when the instrumentation propagates by itself.
 */
export function unsampledTraceparent(req: IncomingMessage): string | undefined {
  const d = unsampledTrace(req);
  return d && `00-${d.traceId}-${randomHexId(8)}-00`;
}

/**
 * Starts the OpenTelemetry Node SDK: http, pg, kafkajs and winston instrumentations (fs, dns and
 * net stay off), Express routes on server spans (`instrumentLayers`), W3C trace context, OTLP/HTTP export to `OTEL_EXPORTER_OTLP_ENDPOINT`
 * (quietly off when unset). Returns a handle whose shutdown flushes pending spans.
 */
export function startTracing(options: TracingOptions): TracingHandle {
  if (active) return active;
  const env = options.env ?? process.env;
  const serviceName = env.OTEL_SERVICE_NAME || options.serviceName;
  if (!telemetryEnabled(env) || env.OTEL_SDK_DISABLED === 'true') {
    active = disabledHandle('off');
    return active;
  }
  if (env.OTEL_LOG_LEVEL === 'debug') diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.DEBUG);

  // Stable HTTP semantic conventions (http.request.method, http.route, http.response.status_code).
  // The instrumentation reads this at construction time.
  process.env.OTEL_SEMCONV_STABILITY_OPT_IN = env.OTEL_SEMCONV_STABILITY_OPT_IN ?? 'http';
  // Metrics come from prom-client only (one source for the HTTP histogram) and logs go to stdout:
  // keep the SDK from starting OTLP metric and log exporters of its own.
  process.env.OTEL_METRICS_EXPORTER = 'none';
  process.env.OTEL_LOGS_EXPORTER = 'none';

  const policy = samplingPolicyFromEnv(env);
  const sampler = sdkSampler(policy);
  const description = policy.description;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const spanProcessors: SpanProcessor[] = [];
  if (!endpoint) {
    // No collector: spans are still created so logs, exemplars and outgoing calls carry trace ids.
    spanProcessors.push(new NoopSpanProcessor());
  } else {
    // A bounded queue (a full one drops spans instead of growing memory) and our batch defaults
    // (BSP_DEFAULTS); the standard OTEL_BSP_* variables override them.
    // Spans the queue or the exporter drops are counted (gameday_telemetry_spans_dropped_total).
    const batch = batchOptionsFromEnv(env);
    spanProcessors.push(
      countedBatchProcessor(
        new OTLPTraceExporter(),
        batch.maxQueueSize,
        (e) => new BatchSpanProcessor({ exporter: e, ...batch }),
      ),
    );
  }

  /** Whether `req` is traced: decided once per request, from its headers (`decideHead`). */
  const traced = (req: IncomingMessage): boolean => {
    const r = req as unknown as Record<symbol, HeadDecision | null | undefined>;
    if (r[HEAD] === undefined) {
      r[HEAD] = UNTRACED_PATHS.has(pathOf(req.url)) ? null : decideHead(req.headers.traceparent, policy);
    }
    return r[HEAD]?.sampled === true;
  };
  const propagation = contextPropagationFromEnv(env, options.contextPropagation ?? 'async-local-storage');
  const explicit = propagation === 'explicit';
  const manager = new RequestContextManager(explicit);

  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion ?? env.npm_package_version ?? '0.0.0',
      'deployment.environment': env.DEPLOYMENT_ENVIRONMENT ?? env.NODE_ENV ?? 'development',
      'deployment.environment.name': env.DEPLOYMENT_ENVIRONMENT ?? env.NODE_ENV ?? 'development',
    }),
    autoDetectResources: false,
    contextManager: manager,
    sampler,
    idGenerator: new PooledIdGenerator(),
    spanProcessors,
    instrumentations: [
      new HttpInstrumentation({
        // Head sampling at the door: an unsampled request takes the instrumentation's cheap path (no
        // span, no attributes, no pg or client spans under it). Its access-log line still carries
        // a trace id, and outgoing calls pass the decision on (unsampledTraceparent).
        ignoreIncomingRequestHook: (req: IncomingMessage) => !traced(req),
        // Outgoing calls are traced only inside a trace (no orphan client spans from probes). Under
        // a suppressed context (an unsampled request, background work) the instrumentation would
        // still parse the options and build attributes for a span it then drops: skip it at once.
        // The decision still travels: callers add `unsampledTraceparent(req)` themselves.
        requireParentforOutgoingSpans: true,
        ignoreOutgoingRequestHook: () => isTracingSuppressed(activeContext()),
      }),
      // Query spans only: a pool checkout span per query doubles the database spans of every request;
      // pool waiting is measured by gameday_db_pool_connections{state="waiting"} instead.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
      new KafkaJsInstrumentation(),
      // Injects trace_id/span_id into log records; logs are written to stdout by our logger.
      new WinstonInstrumentation({ disableLogSending: true }),
    ],
  });
  sdk.start();
  contextManager = manager;
  // Express's part: the route of a traced request, and its context in each layer.
  instrumentLayers(explicit);
  routeRequestEvents(manager, traced);

  let stopped: Promise<void> | undefined;
  active = {
    enabled: true,
    exporting: Boolean(endpoint),
    contextPropagation: propagation,
    sampler: description,
    async forceFlush() {
      await Promise.all(spanProcessors.map((p) => p.forceFlush()));
    },
    shutdown() {
      // The SDK unregisters its context manager: the API answers again.
      contextManager = undefined;
      stopped ??= sdk.shutdown().catch((err: unknown) => {
        process.stderr.write(`tracing shutdown failed: ${String(err)}\n`);
      });
      return stopped;
    },
  };
  return active;
}

/**
 * Wraps the (already instrumented) server's `emit`:
 * - An unsampled request goes straight to node's own `emit`. The instrumentation would take the
 *   same decision (`ignoreIncomingRequestHook`), but only after a try/catch around the hook, a new
 *   suppressed context and two `bind` calls: a few microseconds on every request, for nothing. The
 *   request runs under the suppressed default context either way. So do a server's other events
 *   (`connection`, `listening`…), which the instrumentation only passes through.
 * - A sampled request goes through the instrumentation. Under AsyncLocalStorage its context must
 *   follow it until the response is closed: the storage stays on for exactly that long.
 */
function routeRequestEvents(manager: RequestContextManager, traced: (req: IncomingMessage) => boolean): void {
  // Required here, after the SDK started, so it is the instrumented module (CommonJS output: a
  // static import would load it before the instrumentation is registered).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const http = require('http') as typeof HttpModule;
  serverResponseClass = http.ServerResponse;
  type Emit = ((this: unknown, ...args: unknown[]) => boolean) & { __original?: Emit };
  const instrumented = http.Server.prototype.emit as Emit;
  const original = instrumented.__original;
  if (original === undefined) throw new Error('http.Server.prototype.emit is not instrumented');
  const explicit = manager.explicit;
  http.Server.prototype.emit = function emit(
    this: unknown,
    event: string | symbol,
    req?: unknown,
    res?: unknown,
  ) {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    if (event !== 'request') return original.apply(this, args);
    if (!traced(req as IncomingMessage)) {
      // Emitted by the HTTP parser, outside any context: already suppressed. Otherwise suppress it.
      const ctx = activeContext();
      if (isTracingSuppressed(ctx)) return original.apply(this, args);
      return withContext(suppressTracing(ctx), () => original.apply(this, args));
    }
    if (!explicit) {
      manager.hold();
      // After the instrumentation's own 'close' work (it ends the span) has run.
      (res as ServerResponse).once('close', () => setImmediate(() => manager.release()));
    }
    return instrumented.apply(this, args);
  } as typeof http.Server.prototype.emit;
}

/**
 * Batching defaults for span export. A batch leaves when it is full or after the delay, whichever
 * comes first; at a few thousand spans a second a batch fills in tens of milliseconds.
 */
export const BSP_DEFAULTS = {
  maxQueueSize: 8192,
  maxExportBatchSize: 1024,
  scheduledDelayMillis: 1000,
  exportTimeoutMillis: 10_000,
} as const;

export type BatchOptions = { -readonly [K in keyof typeof BSP_DEFAULTS]: number };

/** The batch span processor's options: `BSP_DEFAULTS`, each overridden by its OTEL_BSP_* variable. */
export function batchOptionsFromEnv(env: NodeJS.ProcessEnv): BatchOptions {
  const read = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min) {
      throw new Error(`${name} must be a whole number of at least ${min}, got "${raw}"`);
    }
    return v;
  };
  const options: BatchOptions = {
    maxQueueSize: read('OTEL_BSP_MAX_QUEUE_SIZE', BSP_DEFAULTS.maxQueueSize, 1),
    maxExportBatchSize: read('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', BSP_DEFAULTS.maxExportBatchSize, 1),
    scheduledDelayMillis: read('OTEL_BSP_SCHEDULE_DELAY', BSP_DEFAULTS.scheduledDelayMillis, 0),
    exportTimeoutMillis: read('OTEL_BSP_EXPORT_TIMEOUT', BSP_DEFAULTS.exportTimeoutMillis, 1),
  };
  if (options.maxExportBatchSize > options.maxQueueSize) {
    throw new Error(
      `OTEL_BSP_MAX_EXPORT_BATCH_SIZE (${options.maxExportBatchSize}) must not exceed OTEL_BSP_MAX_QUEUE_SIZE (${options.maxQueueSize})`,
    );
  }
  return options;
}

/** The handle of the running SDK (a disabled one when `startTracing` was never called). */
export function tracingHandle(): TracingHandle {
  return active ?? disabledHandle('not started');
}

function disabledHandle(sampler: string): TracingHandle {
  return {
    enabled: false,
    exporting: false,
    contextPropagation: 'async-local-storage',
    sampler,
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
}

function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export { context, propagation, trace };

type RequestFunction = typeof HttpModule.request;

/**
 * A function an OpenTelemetry instrumentation wrapped, as to call it now: the wrapper inside a trace,
 * the original under a suppressed context (an unsampled request, background work), where the
 * wrapper would only parse arguments and build attributes for spans that are never recorded.
 * Call the result with the same `this` as the function itself.
 */
export function instrumentedIfTraced<F extends (...args: never[]) => unknown>(fn: F): F {
  const original = (fn as F & { __original?: F }).__original;
  return original !== undefined && isTracingSuppressed(activeContext()) ? original : fn;
}

/**
 * The `request` function of `http` or `https` to use for an outgoing call now: the instrumented one
 * inside a sampled trace, node's own under a suppressed context (see `instrumentedIfTraced`). The
 * instrumentation parses the options and builds URL objects before it looks at the context; for
 * the nine in ten calls it would not trace, that was a tenth of a service's CPU. Callers pass the
 * trace decision on themselves (`unsampledTraceparent`).
 */
export function requestFunction(transport: { request: RequestFunction }): RequestFunction {
  return instrumentedIfTraced(transport.request);
}
