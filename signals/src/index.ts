export { BackendError } from './http';
export {
  fromJaeger,
  isTraceId,
  JAEGER_HINT,
  JaegerClient,
  type AttributeValue,
  type Span,
  type SpanStatus,
  type Trace,
  type TraceSearch,
} from './jaeger';
export { durationUs, isServiceName, LEVELS, LogSearchError, logsQuery, type LogSearch } from './logsql';
export { LOGS_HINT, rfc3339Micros, toLogLine, VictoriaLogsClient, type LogLine } from './victorialogs';
export { formatDuration, renderWaterfall, summarise, treeOrder, type TraceSummary } from './waterfall';
export { findExampleTraces, type ExampleTrace, type ExampleQuery } from './examples';
export { backendUrls, DEFAULT_JAEGER_URL, DEFAULT_LOGS_URL, type BackendUrls } from './urls';
