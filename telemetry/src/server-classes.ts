// The request and response classes of a service's HTTP server: born with the Express app's
// prototypes, so Express never has to change them.
//
// Express gives every request its prototypes with Object.setPrototypeOf(req, app.request) (and
// res). V8 answers that by copying the object's hidden class (map) with no link back to the
// transition tree, and a map without that link never caches transitions: every property added to a
// request or response afterwards (req.id, req.params, req.route, res.locals, res.statusCode, ...)
// builds a fresh map, about 14 per request. Every inline cache that sees a request or a response
// then goes megamorphic, and the property lookups fall through to the runtime. Measured with
// `node --log-maps` on the gateway: 14 new maps per request before, none after; gateway CPU per
// proxied request fell from ~300 to ~135 µs with telemetry off (both changes below).
//
// node:http lets a server construct its own IncomingMessage and ServerResponse (documented
// createServer options). Plain constructor functions whose `prototype` is app.request/app.response
// create objects with that prototype from a map of their own, whose transitions are cached like any
// other; Express's setPrototypeOf then finds the prototype already set and does nothing.
//
// Each constructor also inherits from node's (as `class extends` would: statics included). V8 sizes
// a constructor's objects from the `this.x = ...` assignments of every constructor up that chain,
// so a request has room in the object for node's properties and Express's: it keeps fast
// properties instead of turning into a dictionary once Express adds its own (~20 µs of the above).
//
// The request constructor also gives each request tracing's slot (request-slots.ts), as undefined:
// tracing fills it for every request (its head-sampling decision) without changing its hidden class.
//
// The two constructors are written out rather than made by one generic `(...args) => apply` helper:
// they run for every request, and a rest-parameter wrapper allocates an array each time.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Express } from 'express';
import { HEAD } from './request-slots';

/** node:http's constructors called as functions (they are ES5-style constructors in Node 20). */
type InitIncoming = (this: http.IncomingMessage, socket: Socket) => void;
type InitResponse = (this: http.ServerResponse, req: http.IncomingMessage, options?: unknown) => void;

export interface ServerClasses {
  IncomingMessage: typeof http.IncomingMessage;
  ServerResponse: typeof http.ServerResponse;
}

/** Request/response classes for `http.createServer(options, app)` whose instances have app's prototypes. */
export function serverClasses(app: Express): ServerClasses {
  const initIncoming = http.IncomingMessage as unknown as InitIncoming;
  const initResponse = http.ServerResponse as unknown as InitResponse;
  function Request(this: http.IncomingMessage, socket: Socket) {
    initIncoming.call(this, socket);
    (this as unknown as Record<symbol, unknown>)[HEAD] = undefined;
  }
  Request.prototype = app.request;
  Object.setPrototypeOf(Request, http.IncomingMessage);
  function Response(this: http.ServerResponse, req: http.IncomingMessage, options?: unknown) {
    initResponse.call(this, req, options);
  }
  Response.prototype = app.response;
  Object.setPrototypeOf(Response, http.ServerResponse);
  return {
    IncomingMessage: Request as unknown as typeof http.IncomingMessage,
    ServerResponse: Response as unknown as typeof http.ServerResponse,
  };
}
