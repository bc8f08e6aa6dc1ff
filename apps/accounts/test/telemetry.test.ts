// What the real OpenTelemetry exporter sends from the real service process.
import http from 'node:http';
import { OtlpReceiver, request, startPostgres, startService } from '@gameday/testing';
import type { ServiceProcess, TestPostgres } from '@gameday/testing';

let pg: TestPostgres;
let receiver: OtlpReceiver;
let accounts: ServiceProcess;

beforeAll(async () => {
  pg = await startPostgres();
  await pg.createDatabase('accounts');
  receiver = new OtlpReceiver();
  await receiver.start();
  accounts = await startService('accounts', {
    env: {
      DATABASE_URL: pg.url('accounts'),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
      // Were the SDK to export metrics or logs too, they would arrive within the test.
      OTEL_METRIC_EXPORT_INTERVAL: '200',
      OTEL_METRIC_EXPORT_TIMEOUT: '100',
      OTEL_BLRP_SCHEDULE_DELAY: '100',
    },
  });
});

afterAll(async () => {
  await accounts?.stop();
  await receiver?.stop();
  await pg?.destroy();
});

describe('traces', () => {
  it('continue the caller’s trace from traceparent, with route, status and a database span', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    const reg = await request(`${accounts.url}/api/v1/players`, {
      body: { email: 'trace@example.com', display_name: 'Tracy', password: 'a long enough password' },
    });
    const res = await request(`${accounts.url}/api/v1/players/me`, {
      headers: {
        traceparent: `00-${traceId}-${parentId}-01`,
        'x-player-id': String(reg.body.id),
        'x-player-role': 'player',
      },
    });
    expect(res.status).toBe(200);

    const server = await receiver.waitFor((s) => s.traceId === traceId && s.kind === 2);
    expect(server).toMatchObject({
      service: 'accounts',
      name: 'GET /api/v1/players/me',
      parentSpanId: parentId,
      attributes: expect.objectContaining({
        'http.request.method': 'GET',
        'http.route': '/api/v1/players/me',
        'http.response.status_code': 200,
      }),
    });
    const db = await receiver.waitFor(
      (s) =>
        s.traceId === traceId &&
        String(s.attributes['db.system'] ?? s.attributes['db.system.name']) === 'postgresql',
    );
    expect(db.service).toBe('accounts');

    // The access-log line of that request carries the same trace id.
    const line = accounts.logs.find((l) => l.message === 'request' && l.trace_id === traceId);
    expect(line).toMatchObject({ service: 'accounts', http_route: '/api/v1/players/me', level: 'info' });
    expect(typeof line?.span_id).toBe('string');
  });

  it('keep the request’s context across JSON body parsing: the INSERT is a child of the POST’s server span', async () => {
    const traceId = '5bf92f3577b34da6a3ce929d0e0e4737';
    // The body follows the headers 100 ms later, so it arrives in a later socket event.
    const body = JSON.stringify({
      email: 'body@example.com',
      display_name: 'Body',
      password: 'a long enough password',
    });
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${accounts.url}/api/v1/players`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          traceparent: `00-${traceId}-00f067aa0ba902b8-01`,
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.flushHeaders();
      setTimeout(() => req.end(body), 100);
    });
    expect(status).toBe(201);
    const server = await receiver.waitFor((s) => s.traceId === traceId && s.kind === 2);
    const insert = await receiver.waitFor(
      (s) =>
        s.traceId === traceId &&
        /INSERT INTO players/.test(
          String(s.attributes['db.query.text'] ?? s.attributes['db.statement'] ?? ''),
        ),
    );
    expect(insert.parentSpanId).toBe(server.spanId);
    const line = accounts.logs.find((l) => l.message === 'request' && l.trace_id === traceId);
    expect(line).toMatchObject({
      http_route: '/api/v1/players',
      http_response_status_code: 201,
      span_id: server.spanId,
    });
  });

  it('are not made for scrapes and probes', async () => {
    await request(`${accounts.url}/metrics`);
    await request(`${accounts.url}/healthz`);
    await request(`${accounts.url}/readyz`);
    const marker = await request(`${accounts.url}/api/v1/players/me`);
    expect(marker.status).toBe(401);
    await receiver.waitFor((s) => s.attributes['http.response.status_code'] === 401);
    const probeSpans = receiver.spans.filter((s) =>
      ['/metrics', '/healthz', '/readyz'].includes(String(s.attributes['http.route'])),
    );
    expect(probeSpans).toEqual([]);
  });

  it('are the only signal sent over OTLP: no OpenTelemetry metrics or logs (prom-client and stdout have them)', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect([...new Set(receiver.requests.map((r) => r.path))]).toEqual(['/v1/traces']);
  });
});

describe('metrics', () => {
  it('expose exemplars with trace ids when OpenMetrics is asked for', async () => {
    const res = await request(`${accounts.url}/metrics`, {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    expect(res.text).toMatch(
      /http_server_request_duration_seconds_bucket\{[^}]*http_route="\/api\/v1\/players\/me"[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}"\}/,
    );
    expect(res.text.trimEnd().endsWith('# EOF')).toBe(true);
  });
});
