// Outgoing calls: the trace-context headers to send, and node's own http.request where the
// instrumentation would only build attributes for a span it never records.
import { propagation } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type * as HttpModule from 'node:http';
import { activeContext } from './context';

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
