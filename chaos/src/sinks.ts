// Where the controller announces an active fault and a finished run: the gauges
// gameday_chaos_experiment_* (on the local stack's supervisor, which Prometheus scrapes as job
// "stack", or on the controller's own /metrics), and Grafana region annotations when GRAFANA_URL is set.

import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChaosMetrics, type ChaosResult } from '@gameday/telemetry/chaos-metrics';
import { Registry } from 'prom-client';
import type { ActiveFaultSink, Annotations } from './controller';

/** PUT <stack>/chaos/active: the supervisor keeps the gauge in its /metrics. */
export class StackActiveSink implements ActiveFaultSink {
  constructor(private readonly stackUrl: string) {}

  set(experiment: string, fault: string, active: boolean): Promise<void> {
    return this.put('/chaos/active', { experiment, fault, active });
  }

  result(result: ChaosResult): Promise<void> {
    return this.put('/chaos/result', result);
  }

  private async put(path: string, body: unknown): Promise<void> {
    const r = await fetch(`${this.stackUrl.replace(/\/+$/, '')}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(3_000),
    });
    if (!r.ok) throw new Error(`the stack supervisor answered ${r.status} to PUT ${path}`);
  }
}

/** The controller's own /metrics (kubernetes engine: nothing else to hold the gauges). */
export class OwnMetricsSink implements ActiveFaultSink {
  private readonly registry = new Registry();
  private readonly metrics = new ChaosMetrics(this.registry);
  private server: Server | undefined;

  async listen(port: number): Promise<number> {
    this.server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      void this.registry.metrics().then((body) => {
        res.writeHead(200, { 'content-type': this.registry.contentType }).end(body);
      });
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    return (this.server.address() as AddressInfo).port;
  }

  async set(experiment: string, fault: string, active: boolean): Promise<void> {
    this.metrics.setActive(experiment, fault, active);
  }

  async result(result: ChaosResult): Promise<void> {
    this.metrics.record(result);
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Grafana's HTTP API: POST /api/annotations, then PATCH its timeEnd (a region over the fault). */
export class GrafanaAnnotations implements Annotations {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(url: string, token: string | undefined) {
    const u = new URL(url);
    this.headers = { 'content-type': 'application/json' };
    if (token) this.headers.authorization = `Bearer ${token}`;
    else if (u.username)
      this.headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    u.username = '';
    u.password = '';
    this.base = u.toString().replace(/\/+$/, '');
  }

  async start(text: string, tags: string[], at: number): Promise<number | undefined> {
    const r = await fetch(`${this.base}/api/annotations`, {
      method: 'POST',
      headers: this.headers,
      body: JSON.stringify({ time: Math.round(at * 1000), tags, text }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!r.ok) throw new Error(`Grafana answered ${r.status} to POST /api/annotations`);
    return ((await r.json()) as { id?: number }).id;
  }

  async end(id: number, at: number): Promise<void> {
    const r = await fetch(`${this.base}/api/annotations/${id}`, {
      method: 'PATCH',
      headers: this.headers,
      body: JSON.stringify({ timeEnd: Math.round(at * 1000) }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!r.ok) throw new Error(`Grafana answered ${r.status} to PATCH /api/annotations/${id}`);
  }
}
