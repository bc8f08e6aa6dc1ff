// Public API of @gameday/telemetry. `startTracing` lives in '@gameday/telemetry/tracing' so an entry
// point can start it before anything else is loaded.
export {
  createService,
  runMain,
  loadConfig,
  baseConfig,
  ConfigError,
  Service,
  MigrationsApplied,
} from './service';
export type { ServiceOptions, ShutdownHook, BaseConfig } from './service';
export {
  ServiceMetrics,
  HTTP_DURATION_BUCKETS,
  HTTP_DURATION_METRIC,
  UNMATCHED_ROUTE,
  openMetricsToText,
} from './metrics';
export { createLogger, BufferedStdoutTransport, parseLogLevel, logDirect } from './logger';
export type { Logger, LoggerOptions } from './logger';
export { Health } from './health';
export { buildInfo, gitRevision } from './build-info';
export type { BuildInfo } from './build-info';
export type { Check, CheckResult, Readiness } from './health';
export * from './errors';
export { text, parse, body, query, toFieldErrors, idempotencyKey, z } from './validation';
export {
  requestId,
  routeOf,
  observe,
  jsonBody,
  compose,
  notFound,
  errorHandler,
  toHttpError,
  REQUEST_ID_HEADER,
} from './http';
export { instrumentPool } from './database';
export type { PoolLike } from './database';
export {
  tracingHandle,
  telemetryEnabled,
  DEFAULT_SAMPLE_RATIO,
  decideHead,
  samplingPolicyFromEnv,
  unsampledTrace,
  unsampledTraceparent,
  activeTraceContext,
  traceHeaders,
  requestFunction,
  instrumentedIfTraced,
  untraced,
  backgroundRoot,
} from './tracing';
export type { HeadDecision, SamplingPolicy } from './tracing';
