// Tracing bootstrap. Import and call this module FIRST in a service's entry point, before express, pg,
// kafkajs or winston are required: OpenTelemetry patches modules as they load.
//
//   import { startTracing } from '@gameday/telemetry/tracing';
//   startTracing({ serviceName: 'accounts' });
//
// This folder deliberately imports nothing but OpenTelemetry packages and node (and the slots the
// server's request classes share with it). One concern per file:
//   sampling.ts        head sampling, from the request's headers, before any span exists
//   ids.ts             trace and span ids from pooled OS random bytes
//   context.ts         the context manager (AsyncLocalStorage, only while something is traced)
//   request-events.ts  unsampled requests skip the http instrumentation
//   express-routes.ts  the route template on a traced request's server span
//   batch-options.ts   span batching defaults and OTEL_BSP_* variables
//   span-export.ts     counting spans the queue or the exporter drops
//   outgoing.ts        trace headers for outgoing calls; node's own request when untraced
import { diag, DiagConsoleLogger, DiagLogLevel, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { isTracingSuppressed } from '@opentelemetry/core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { WinstonInstrumentation } from '@opentelemetry/instrumentation-winston';
import type { IncomingMessage } from 'node:http';
import { HEAD } from '../request-slots';
import { batchOptionsFromEnv } from './batch-options';
import { activeContext, RequestContextManager, setContextManager, SUPPRESSED_ROOT } from './context';
import { nameRoutes } from './express-routes';
import { PooledIdGenerator } from './ids';
import { pathOf, routeRequestEvents, UNTRACED_PATHS } from './request-events';
import { decideHead, samplingPolicyFromEnv, sdkSampler } from './sampling';
import type { HeadDecision, SamplingPolicy } from './sampling';
import { countedBatchProcessor } from './span-export';

export { BSP_DEFAULTS, batchOptionsFromEnv } from './batch-options';
export type { BatchOptions } from './batch-options';
export { activeContext, withContext, untraced, RequestContextManager } from './context';
export { randomHexId, PooledIdGenerator } from './ids';
export {
  DEFAULT_SAMPLE_RATIO,
  decideHead,
  isTraced,
  parseTraceparent,
  samplingPolicyFromEnv,
  unsampledTrace,
  unsampledTraceparent,
} from './sampling';
export type { HeadDecision, SamplingPolicy, Traceparent } from './sampling';
export { activeTraceContext, instrumentedIfTraced, requestFunction, traceHeaders } from './outgoing';
export { context, propagation, trace } from '@opentelemetry/api';

export interface TracingOptions {
  /** `service.name`; `OTEL_SERVICE_NAME` overrides it. */
  serviceName: string;
  /** `service.version`; defaults to `npm_package_version` or 0.0.0. */
  serviceVersion?: string;
  /** Environment variables to read; defaults to `process.env` (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

export interface TracingHandle {
  /** False when telemetry is switched off or the SDK was not started. */
  readonly enabled: boolean;
  /** Whether spans are exported (OTLP endpoint configured). */
  readonly exporting: boolean;
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

/**
 * Starts the OpenTelemetry Node SDK: http, pg, kafkajs and winston instrumentations (fs, dns and
 * net stay off), Express routes on server spans (`nameRoutes`), W3C trace context, OTLP/HTTP export to `OTEL_EXPORTER_OTLP_ENDPOINT`
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
  backgroundPolicy = policy;
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
  const manager = new RequestContextManager();

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
  setContextManager(manager);
  // Express's part: the route of a traced request on its server span.
  nameRoutes();
  routeRequestEvents(manager, traced);

  let stopped: Promise<void> | undefined;
  active = {
    enabled: true,
    exporting: Boolean(endpoint),
    sampler: description,
    async forceFlush() {
      await Promise.all(spanProcessors.map((p) => p.forceFlush()));
    },
    shutdown() {
      // The SDK unregisters its context manager: the API answers again.
      setContextManager(undefined);
      stopped ??= sdk.shutdown().catch((err: unknown) => {
        process.stderr.write(`tracing shutdown failed: ${String(err)}\n`);
      });
      return stopped;
    },
  };
  return active;
}

let backgroundPolicy: SamplingPolicy | undefined;

/**
 * The context to start a background unit of work under (a job, a timer's sweep): a new trace, kept
 * with the sampling ratio new requests are kept with (a root's head decision, as `decideHead` takes
 * for requests), else suppressed like the rest of background work. Run the work in it with
 * `withContext`, or pass it to `startSpan`.
 */
export function backgroundRoot(random = Math.random): Context {
  const policy = backgroundPolicy;
  if (!policy) return SUPPRESSED_ROOT;
  return policy.ratio >= 1 || random() < policy.ratio ? ROOT_CONTEXT : SUPPRESSED_ROOT;
}

/** The handle of the running SDK (a disabled one when `startTracing` was never called). */
export function tracingHandle(): TracingHandle {
  return active ?? disabledHandle('not started');
}

function disabledHandle(sampler: string): TracingHandle {
  return {
    enabled: false,
    exporting: false,
    sampler,
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
}
