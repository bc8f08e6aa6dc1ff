// The supervisor's own HTTP server (127.0.0.1:9095): its metrics for Prometheus (job "stack") and
// the Alertmanager webhook sink.
//
//   GET  /metrics          gameday_stack_restarts_total{service}, gameday_stack_component_ready{component}
//   POST /alerts/pager     Alertmanager webhook for critical alerts
//   POST /alerts/ticket    Alertmanager webhook for warning alerts
//   GET  /alerts           every stored notification, newest last (?receiver=pager|ticket)
//   PUT  /chaos/active     {experiment, fault, active}: gameday_chaos_experiment_active (chaos controller)
//   PUT  /chaos/result     a finished run's verdict and measurements: gameday_chaos_experiment_* (idem)
//   GET  /healthz          200

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import { RECEIVER_NAMES, receiverWebhookPath } from '@gameday/slo';
import { ChaosMetrics, parseChaosResult } from '@gameday/telemetry/chaos-metrics';
import type { AlertSink, Receiver } from './alert-sink';

const isReceiver = (name: string): name is Receiver => (RECEIVER_NAMES as readonly string[]).includes(name);

export class StackMetrics {
  readonly registry = new Registry();
  readonly restarts = new Counter({
    name: 'gameday_stack_restarts_total',
    help: 'Restarts of a crashed component by the local-stack supervisor.',
    labelNames: ['service'],
    registers: [this.registry],
  });
  readonly ready = new Gauge({
    name: 'gameday_stack_component_ready',
    help: '1 when the component passed its readiness probe, 0 otherwise.',
    labelNames: ['component'],
    registers: [this.registry],
  });

  /** Held for the chaos controller: the fault it has injected, and how its runs ended. */
  readonly chaos = new ChaosMetrics(this.registry);

  /** Series exist from the start at 0, so increase() sees the first restart. */
  register(component: string): void {
    this.restarts.inc({ service: component }, 0);
    this.ready.set({ component }, 0);
  }
}

const maxBody = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) {
        reject(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const problem = (status: number, title: string, detail: string) => ({
  type: 'about:blank',
  title,
  status,
  detail,
});

export function createStackServer(metrics: StackMetrics, sink: AlertSink): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = `${req.method} ${url.pathname}`;
    void (async () => {
      switch (route) {
        case 'GET /metrics':
          return send(res, 200, await metrics.registry.metrics(), metrics.registry.contentType);
        case 'GET /healthz':
          return send(res, 200, { status: 'ok' });
        case 'GET /alerts': {
          const receiver = url.searchParams.get('receiver');
          if (receiver !== null && !isReceiver(receiver)) {
            const known = RECEIVER_NAMES.join(' or ');
            return send(res, 400, problem(400, 'Bad Request', `receiver must be ${known}`));
          }
          return send(res, 200, { notifications: sink.list(receiver ?? undefined) });
        }
        case 'PUT /chaos/active': {
          let body: { experiment?: unknown; fault?: unknown; active?: unknown };
          try {
            body = JSON.parse(await readBody(req)) as typeof body;
          } catch {
            return send(res, 400, problem(400, 'Bad Request', 'the body must be JSON'));
          }
          const label = /^[a-z0-9-]{1,63}$/;
          if (typeof body.experiment !== 'string' || !label.test(body.experiment))
            return send(res, 400, problem(400, 'Bad Request', 'experiment must be a lower-case name'));
          if (typeof body.fault !== 'string' || !label.test(body.fault))
            return send(res, 400, problem(400, 'Bad Request', 'fault must be a fault type'));
          if (typeof body.active !== 'boolean')
            return send(res, 400, problem(400, 'Bad Request', 'active must be true or false'));
          metrics.chaos.setActive(body.experiment, body.fault, body.active);
          return send(res, 200, { experiment: body.experiment, fault: body.fault, active: body.active });
        }
        case 'PUT /chaos/result': {
          let body: unknown;
          try {
            body = JSON.parse(await readBody(req));
          } catch {
            return send(res, 400, problem(400, 'Bad Request', 'the body must be JSON'));
          }
          const parsed = parseChaosResult(body);
          if ('error' in parsed) return send(res, 400, problem(400, 'Bad Request', parsed.error));
          metrics.chaos.record(parsed.result);
          return send(res, 200, parsed.result);
        }
        default: {
          // POST /alerts/pager, POST /alerts/ticket: the Alertmanager webhooks, one per receiver.
          const receiver = RECEIVER_NAMES.find((r) => route === `POST ${receiverWebhookPath(r)}`);
          if (receiver === undefined) return send(res, 404, problem(404, 'Not Found', `no route ${route}`));
          let payload: unknown;
          try {
            payload = JSON.parse(await readBody(req));
          } catch {
            return send(res, 400, problem(400, 'Bad Request', 'the body must be JSON of at most 1 MiB'));
          }
          sink.add(receiver, payload);
          return send(res, 200, { status: 'stored' });
        }
      }
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, problem(500, 'Internal Server Error', String(err)));
    });
  });
}

export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
