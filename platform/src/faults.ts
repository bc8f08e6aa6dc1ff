// Fault switches: the local chaos engine's http-error and http-latency faults, inside every service.
// Off unless CHAOS_FAULTS_TOKEN is set (the local stack sets it; production does not): without it
// the routes do not exist. With it they are admin-only: the bearer token must match.
//
//   PUT    /internal/chaos/faults/:id   {kind: error|latency, percent, status, delayMs, route, method, ttlSeconds}
//   DELETE /internal/chaos/faults/:id
//   GET    /internal/chaos/faults
//
// Every fault expires by itself after ttlSeconds (a dead man's switch: a controller that dies without
// rolling back leaves nothing behind for long). Injected errors are counted in the standard HTTP
// histogram under the route they hit, so SLOs see them like real failures.
//
// Every service calls `installFaultSwitches(service)` right after `createService`, before its routes.

import { timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import {
  body,
  ForbiddenError,
  NotFoundError,
  PROBLEM_CONTENT_TYPE,
  UnauthorizedError,
} from '@gameday/telemetry';
import type { Logger, Service, ServiceMetrics } from '@gameday/telemetry';

export const FAULTS_PATH = '/internal/chaos/faults';

const faultBody = z.strictObject({
  kind: z.enum(['error', 'latency']),
  /** Share of matching requests affected, 0..1. */
  percent: z.number().min(0).max(1).default(1),
  status: z.number().int().min(500).max(599).default(503),
  delayMs: z.number().int().min(1).max(120_000).optional(),
  /** A route template of this service, e.g. /api/v1/casino/games/:game/rounds; every route when absent. */
  route: z.string().startsWith('/').max(200).optional(),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
  ttlSeconds: z.number().int().min(1).max(86_400).default(600),
});

interface Fault extends z.output<typeof faultBody> {
  id: string;
  expiresAt: number;
  matcher: RegExp | undefined;
}

function templateRegex(template: string): RegExp {
  const escaped = template
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  // eslint-disable-next-line security/detect-non-literal-regexp -- every literal part of the route template is escaped
  return new RegExp(`^${escaped}/?$`);
}

/** The route template a path would be handled by, found among the app's routes; undefined if none. */
function templateOf(app: Express, method: string, path: string): string | undefined {
  const stack = (app as unknown as { router?: { stack?: unknown[] } }).router?.stack ?? [];
  for (const layer of stack as {
    route?: { path?: unknown; methods?: Record<string, boolean> };
    match?: (p: string) => boolean;
  }[]) {
    const route = layer.route;
    if (!route || typeof route.path !== 'string' || typeof layer.match !== 'function') continue;
    if (route.methods && !route.methods[method.toLowerCase()] && !route.methods._all) continue;
    if (layer.match(path)) return route.path;
  }
  return undefined;
}

export class FaultSwitches {
  private readonly faults = new Map<string, Fault>();
  private readonly active;
  private readonly injected;

  constructor(
    private readonly token: string,
    metrics: ServiceMetrics,
    private readonly logger: Logger,
  ) {
    this.active = metrics.gauge({
      name: 'gameday_chaos_faults_active',
      help: 'Fault switches set on this service by the chaos harness, by kind.',
      labelNames: ['kind'],
    });
    this.injected = metrics.counter({
      name: 'gameday_chaos_faults_injected_total',
      help: 'Requests a fault switch failed or delayed, by kind.',
      labelNames: ['kind'],
    });
    for (const kind of ['error', 'latency']) {
      this.active.set({ kind }, 0);
      this.injected.inc({ kind }, 0);
    }
  }

  private sweep(now = Date.now()): void {
    for (const [id, f] of this.faults) {
      if (f.expiresAt <= now) {
        this.faults.delete(id);
        this.logger.warn('chaos fault expired', { fault_id: id, kind: f.kind });
      }
    }
    for (const kind of ['error', 'latency'] as const) {
      this.active.set({ kind }, [...this.faults.values()].filter((f) => f.kind === kind).length);
    }
  }

  private authorise(req: Request): void {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer (.+)$/.exec(header);
    if (!m) throw new UnauthorizedError('Fault switches need Authorization: Bearer <CHAOS_FAULTS_TOKEN>.');
    const given = Buffer.from(m[1]!);
    const want = Buffer.from(this.token);
    if (given.length !== want.length || !timingSafeEqual(given, want)) {
      throw new ForbiddenError('The chaos token is not valid for this service.');
    }
  }

  private view(f: Fault) {
    const { matcher: _m, ...rest } = f;
    return { ...rest, expiresAt: new Date(f.expiresAt).toISOString() };
  }

  /** The admin routes; mount before the service's own. */
  install(app: Express): void {
    app.get(FAULTS_PATH, (req, res) => {
      this.authorise(req);
      this.sweep();
      res.json({ faults: [...this.faults.values()].map((f) => this.view(f)) });
    });
    app.put(`${FAULTS_PATH}/:id`, express.json({ limit: '16kb' }), (req, res) => {
      this.authorise(req);
      const id = String(req.params.id);
      if (!/^[A-Za-z0-9._-]{1,100}$/.test(id)) throw new NotFoundError(`No fault ${id}.`);
      const spec = body(req, faultBody);
      const fault: Fault = {
        ...spec,
        id,
        expiresAt: Date.now() + spec.ttlSeconds * 1000,
        matcher: spec.route ? templateRegex(spec.route) : undefined,
      };
      if (fault.kind === 'latency' && fault.delayMs === undefined) fault.delayMs = 500;
      const created = !this.faults.has(id);
      this.faults.set(id, fault);
      this.sweep();
      this.logger.warn('chaos fault set', {
        fault_id: id,
        kind: fault.kind,
        percent: fault.percent,
        route: fault.route,
      });
      res.status(created ? 201 : 200).json(this.view(fault));
    });
    app.delete(`${FAULTS_PATH}/:id`, (req, res) => {
      this.authorise(req);
      const id = String(req.params.id);
      if (!this.faults.delete(id)) throw new NotFoundError(`No fault ${id} (it may have expired).`);
      this.sweep();
      this.logger.warn('chaos fault removed', { fault_id: id });
      res.status(204).end();
    });
  }

  /** The middleware that applies the faults; nearly free while none is set. */
  middleware(app: Express): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      if (this.faults.size === 0 || req.path.startsWith('/internal/chaos/')) return next();
      if (req.path === '/metrics' || req.path === '/healthz' || req.path === '/readyz') return next();
      const now = Date.now();
      let delay = 0;
      for (const f of this.faults.values()) {
        if (f.expiresAt <= now) {
          this.sweep(now);
          continue;
        }
        if (f.method && f.method !== req.method) continue;
        if (f.matcher && !f.matcher.test(req.path)) continue;
        if (Math.random() >= f.percent) continue;
        if (f.kind === 'latency') {
          delay = Math.max(delay, f.delayMs ?? 0);
          this.injected.inc({ kind: 'latency' });
          continue;
        }
        this.injected.inc({ kind: 'error' });
        // Counted under the route the request would have hit (routeOf reads req.route).
        const template = f.route ?? templateOf(app, req.method, req.path);
        if (template) (req as unknown as { route: { path: string } }).route = { path: template };
        res
          .status(f.status)
          .type(PROBLEM_CONTENT_TYPE)
          .json({
            type: 'https://gameday.dev/problems/chaos-fault',
            title: 'Injected fault',
            status: f.status,
            detail: `The chaos harness injected this error (fault ${f.id}).`,
          });
        return;
      }
      if (delay > 0) setTimeout(next, delay);
      else next();
    };
  }
}

/**
 * Installs the fault switches on a service when CHAOS_FAULTS_TOKEN is set (ARCHITECTURE.md §5): the
 * middleware that applies faults, ahead of the service's own routes (call it before adding them),
 * and the admin routes that set them. Does nothing otherwise. Returns the switches, if installed.
 */
export function installFaultSwitches(
  service: Service<unknown>,
  env: NodeJS.ProcessEnv = service.env,
): FaultSwitches | undefined {
  const token = env.CHAOS_FAULTS_TOKEN;
  if (!token) return undefined;
  const faults = new FaultSwitches(token, service.metrics, service.logger);
  service.app.use(faults.middleware(service.app));
  faults.install(service.app);
  return faults;
}
