// Where a request meets the SDK: the server's 'request' event.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as HttpModule from 'node:http';
import { isTracingSuppressed, suppressTracing } from '@opentelemetry/core';
import { activeContext, withContext } from './context';
import type { RequestContextManager } from './context';

/**
 * Wraps the (already instrumented) server's `emit`:
 * - An unsampled request goes straight to node's own `emit`. The instrumentation would take the
 *   same decision (`ignoreIncomingRequestHook`), but only after a try/catch around the hook, a new
 *   suppressed context and two `bind` calls: a few microseconds on every request, for nothing. The
 *   request runs under the suppressed default context either way. So do a server's other events
 *   (`connection`, `listening`…), which the instrumentation only passes through.
 * - A sampled request goes through the instrumentation, and its context must follow it until the
 *   response is closed: the storage is held for exactly that long.
 */
export function routeRequestEvents(
  manager: RequestContextManager,
  traced: (req: IncomingMessage) => boolean,
): void {
  // Required here, after the SDK started, so it is the instrumented module (CommonJS output: a
  // static import would load it before the instrumentation is registered).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const http = require('http') as typeof HttpModule;
  type Emit = ((this: unknown, ...args: unknown[]) => boolean) & { __original?: Emit };
  const instrumented = http.Server.prototype.emit as Emit;
  const original = instrumented.__original;
  if (original === undefined) throw new Error('http.Server.prototype.emit is not instrumented');
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
    manager.hold();
    // After the instrumentation's own 'close' work (it ends the span) has run.
    (res as ServerResponse).once('close', () => setImmediate(() => manager.release()));
    return instrumented.apply(this, args);
  } as typeof http.Server.prototype.emit;
}

/** Paths that are scraped or probed constantly; tracing them only adds noise and cost. */
export const UNTRACED_PATHS = new Set(['/metrics', '/healthz', '/readyz', '/version', '/favicon.ico']);

export function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
