// The route of a traced request on its server span, from Express's router.
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { dirname } from 'node:path';
import { activeContext } from './context';
import { isTraced } from './sampling';

/** The router's Layer, as `nameRoutes` sees it. */
interface RouterLayer {
  /** Set on the layer of a route (`app.get(path, …)`); its `path` is the route's template. */
  route?: { path?: unknown };
}
type HandleRequest = (this: RouterLayer, req: unknown, res: unknown, next: unknown) => unknown;

interface RoutedRequest {
  baseUrl?: string;
}

/**
 * When a route's layer runs for a traced request (`Layer.prototype.handleRequest`, router 2.x), its
 * template (`req.baseUrl` + the route's path, the same `http_route` the HTTP histogram and the
 * access log give) goes into the request's RPC metadata, from which the http instrumentation names
 * the server span (`POST /api/v1/events`) and sets `http.route`. This is all
 * @opentelemetry/instrumentation-express still did here (its per-layer spans were all off), and it
 * did it at a cost to every request: a wrapper around every layer's handler, and on a sampled
 * request a property of its own (its layer-path store), which gave sampled requests a hidden class
 * unsampled ones do not have. Untraced requests go straight on.
 */
export function nameRoutes(): void {
  // The router Express itself uses (CommonJS output: loaded after the instrumentations registered).
  const expressDir = dirname(require.resolve('express/package.json'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports, security/detect-non-literal-require -- a fixed module ('router/lib/layer') resolved from express's own folder
  const Layer = require(require.resolve('router/lib/layer', { paths: [expressDir] })) as {
    prototype: { handleRequest?: HandleRequest };
  };
  const handleRequest = Layer.prototype.handleRequest;
  if (typeof handleRequest !== 'function') {
    throw new Error("router's Layer has no handleRequest: tracing needs router 2.x (Express 5)");
  }
  Layer.prototype.handleRequest = function (this: RouterLayer, req, res, next) {
    if (this.route !== undefined && isTraced(req)) nameRoute(req as RoutedRequest, this.route.path);
    return handleRequest.call(this, req, res, next);
  };
}

function nameRoute(req: RoutedRequest, path: unknown): void {
  if (typeof path !== 'string') return;
  const metadata = getRPCMetadata(activeContext());
  if (metadata?.type === RPCType.HTTP) metadata.route = (req.baseUrl ?? '') + path;
}
