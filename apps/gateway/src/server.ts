// Wires the gateway: configuration, token verification, rate limits, the routing table and the
// OpenAPI document, on top of the instrumented service from @gameday/telemetry.
import { compose, createService } from '@gameday/telemetry';
import { installFaultSwitches } from '@gameday/platform';
import type { Service } from '@gameday/telemetry';
import { gatewayConfig, parseByteSize, trustProxySetting } from './config';
import type { GatewayConfig } from './config';
import { API_PREFIX, AREAS, GATEWAY_ROUTES } from './domain/areas';
import { TokenVerifier } from './domain/tokens';
import { OUTCOMES, UpstreamClient } from './data-access/upstream-client';
import { allowedMethods, documentedPaths } from './entry-points/allowed-methods';
import { authenticate } from './entry-points/authenticate';
import { proxyTo } from './entry-points/proxy';
import { ipRateLimit, playerRateLimit, SCOPES } from './entry-points/rate-limits';
import { openApiDocument } from './openapi';

export interface GatewayServer {
  service: Service<GatewayConfig>;
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** How long readiness waits for an upstream's /healthz. */
const UPSTREAM_HEALTH_TIMEOUT_MS = 1000;

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<GatewayServer> {
  // Bodies are streamed to the upstreams untouched, so the shared JSON body parser stays off; the
  // proxy enforces BODY_LIMIT itself.
  const service = createService({ name: 'gateway', config: gatewayConfig, env, parseJson: false });
  const { app, config, logger, metrics } = service;
  // Before any route: the chaos harness's fault switches (only with CHAOS_FAULTS_TOKEN).
  installFaultSwitches(service);
  const trustProxy = trustProxySetting(config.TRUST_PROXY);
  app.set('trust proxy', trustProxy);

  const verifier = await TokenVerifier.create({
    publicKeyPem: config.JWT_PUBLIC_KEY,
    jwksUrl: new URL('/.well-known/jwks.json', config.ACCOUNTS_URL),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });

  const rateLimited = metrics.counter({
    name: 'gameday_gateway_rate_limited_total',
    help: 'Requests refused by a gateway rate limit, by scope (ip, player).',
    labelNames: ['scope'],
  });
  for (const scope of SCOPES) rateLimited.inc({ scope }, 0);
  const upstreamRequests = metrics.counter({
    name: 'gameday_gateway_upstream_requests_total',
    help: 'Requests forwarded to an upstream, by upstream and outcome (ok, error, timeout, unavailable).',
    labelNames: ['upstream', 'outcome'],
  });

  const proxyOptions = {
    bodyLimit: parseByteSize(config.BODY_LIMIT),
    bodyLimitText: config.BODY_LIMIT,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    trustForwardedFor: trustProxy !== false,
  };

  // Per-IP limiting runs as the first handler of each route rather than as its own app.use() layer:
  // every Express layer is wrapped by the OpenTelemetry instrumentation, at a cost on each request.
  const ipLimit = ipRateLimit(config.RATE_LIMIT_IP_PER_MINUTE, rateLimited);

  // The gateway's own routes (GATEWAY_ROUTES): the API description.
  const document = JSON.stringify(openApiDocument);
  app.get(`${API_PREFIX}/openapi.json`, ipLimit, (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('application/json').send(document);
  });

  const auth = authenticate(verifier, logger);
  const playerLimit = playerRateLimit(config.RATE_LIMIT_PLAYER_PER_MINUTE, rateLimited);
  const routed = AREAS.filter((a) => config[a.urlVariable] !== undefined);
  // One client per upstream: an upstream may serve several areas (the scheduler: tournaments,
  // matchmaking, challenges and its own admin area).
  const clients = new Map<string, UpstreamClient>();
  for (const area of routed) {
    let client = clients.get(area.upstream);
    if (!client) {
      const created = new UpstreamClient({
        name: area.upstream,
        baseUrl: new URL(config[area.urlVariable]!),
        timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        bodyLimit: proxyOptions.bodyLimit,
      });
      clients.set(area.upstream, (client = created));
      for (const outcome of OUTCOMES) upstreamRequests.inc({ upstream: area.upstream, outcome }, 0);
      service.health.register(
        area.upstream,
        (signal) => created.healthCheck(signal),
        UPSTREAM_HEALTH_TIMEOUT_MS,
      );
      service.onShutdown(`${area.upstream} connections`, () => created.close());
    }
    // The casino as one Deployment per game: a game's plays go to its own upstream (CASINO_GAME_URLS),
    // registered before the area's routes; the rest of the casino to CASINO_URL. Their health is the
    // casino's (one game down must not take the gateway out of its load balancer).
    if (area.area === 'casino' && config.CASINO_GAME_URLS.size > 0) {
      const casinoHandler = proxyTo(client, upstreamRequests, logger, proxyOptions);
      const byGame = new Map<string, ReturnType<typeof proxyTo>>();
      for (const [game, baseUrl] of config.CASINO_GAME_URLS) {
        const gameClient = new UpstreamClient({
          name: area.upstream,
          baseUrl,
          timeoutMs: config.UPSTREAM_TIMEOUT_MS,
          bodyLimit: proxyOptions.bodyLimit,
        });
        service.onShutdown(`casino ${game} connections`, () => gameClient.close());
        byGame.set(game, proxyTo(gameClient, upstreamRequests, logger, proxyOptions));
      }
      app.all(
        `${API_PREFIX}/casino/games/:game/*path`,
        compose(
          ipLimit,
          allowedMethods(documentedPaths(openApiDocument, `${API_PREFIX}/casino`)),
          auth,
          playerLimit,
          (req, res, next) => (byGame.get(String(req.params.game)) ?? casinoHandler)(req, res, next),
        ),
      );
    }
    // One layer for the whole chain (see `compose`). A method the OpenAPI document does not list for
    // the path is a 405 (with Allow) before any token is asked for.
    const handlers = compose(
      ipLimit,
      allowedMethods(documentedPaths(openApiDocument, `${API_PREFIX}/${area.area}`)),
      auth,
      playerLimit,
      proxyTo(client, upstreamRequests, logger, proxyOptions),
    );
    // Two routes, so the route label is a template (`/api/v1/players/*path`), never the raw path.
    app.all(`${API_PREFIX}/${area.area}`, handlers);
    app.all(`${API_PREFIX}/${area.area}/*path`, handlers);
  }
  // Other methods on the gateway's own routes: 405 too. Registered last, so only requests no route
  // above answered reach it.
  for (const route of GATEWAY_ROUTES) {
    app.all(route.path, ipLimit, allowedMethods(documentedPaths(openApiDocument, route.path)));
  }

  logger.info('routing', {
    areas: routed.map((a) => `${API_PREFIX}/${a.area} -> ${a.upstream}`),
    casino_games: [...config.CASINO_GAME_URLS.keys()],
    not_routed: AREAS.filter((a) => !routed.includes(a)).map(
      (a) => `${API_PREFIX}/${a.area} (${a.urlVariable} unset)`,
    ),
    token_keys: verifier.source,
  });
  const { url, port } = await service.listen();
  return { service, url, port, stop: () => service.stop() };
}
