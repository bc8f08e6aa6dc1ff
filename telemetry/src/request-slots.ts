// The property tracing keeps on a server's requests. The server's own request class
// (server-classes.ts) creates every request with it, as undefined; tracing then only changes its
// value. Added later, and only to the sampled one request in a hundred, it would give sampled
// requests a hidden class of their own, and node's stream and HTTP code, which sees every request,
// would go polymorphic for all of them.

/** The head-sampling decision of a request (`HeadDecision`, or null for an untraced path). */
export const HEAD = Symbol.for('gameday.trace.head');
