// The properties tracing keeps on a server's requests and responses. The server's own request and
// response classes (server-classes.ts) create every object with them, as undefined; tracing then
// only changes their values. Added later, and only to the sampled one request in a hundred, they
// would give sampled requests hidden classes of their own, and node's stream and HTTP code, which
// sees every request and response, would go polymorphic for all of them.

/** The head-sampling decision of a request (`HeadDecision`, or null for an untraced path). */
export const HEAD = Symbol.for('gameday.trace.head');

/** A traced request's context, taken in its first Express layer (`requestContext`). */
export const REQUEST_CONTEXT = Symbol.for('gameday.trace.request-context');

/** The context a traced request's or response's events are emitted in (set by `context.bind`). */
export const EMIT_CONTEXT = Symbol.for('gameday.trace.emit-context');
