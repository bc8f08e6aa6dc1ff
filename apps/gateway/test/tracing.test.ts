// One trace across the gateway and accounts: the real processes, a real PostgreSQL, and the spans
// the real OTLP exporter sends, decoded by a receiver in the test.
import { randomBytes } from 'node:crypto';
import { eventually, OtlpReceiver, request, startPlayerApi } from '@gameday/testing';
import type { PlayerApi, ReceivedSpan, ServiceProcess } from '@gameday/testing';

const SERVER = 2;
const CLIENT = 3;

let api: PlayerApi;
let receiver: OtlpReceiver;
let accounts: ServiceProcess;
let gateway: ServiceProcess;
let token: string;

beforeAll(async () => {
  receiver = new OtlpReceiver();
  await receiver.start();
  const otel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  api = await startPlayerApi({ env: otel });
  ({ accounts, gateway } = api);
  const credentials = { email: 'tracer@example.com', password: 'a long enough password' };
  const registered = await request(`${gateway.url}/api/v1/players`, {
    body: { ...credentials, display_name: 'Tracer' },
  });
  expect(registered.status).toBe(201);
  const login = await request<{ access_token: string }>(`${gateway.url}/api/v1/players/login`, {
    body: credentials,
  });
  expect(login.status).toBe(200);
  token = login.body.access_token;
});

afterAll(async () => {
  await api?.stop();
  await receiver?.stop();
});

/** Follows parent links from `span` up to a span of `ancestor`, or fails. */
function descendsFrom(span: ReceivedSpan, ancestor: ReceivedSpan, spans: ReceivedSpan[]): boolean {
  let current: ReceivedSpan | undefined = span;
  for (let hops = 0; current && hops < 10; hops++) {
    if (current.parentSpanId === ancestor.spanId) return true;
    const parentId: string = current.parentSpanId;
    current = spans.find((s) => s.spanId === parentId && s.traceId === span.traceId);
  }
  return false;
}

async function traceOf(traceId: string) {
  const accountsServer = await receiver.waitFor(
    (s) => s.traceId === traceId && s.service === 'accounts' && s.kind === SERVER,
  );
  const gatewayServer = await receiver.waitFor(
    (s) => s.traceId === traceId && s.service === 'gateway' && s.kind === SERVER,
  );
  const gatewayClient = await receiver.waitFor(
    (s) => s.traceId === traceId && s.service === 'gateway' && s.kind === CLIENT,
  );
  return { accountsServer, gatewayServer, gatewayClient };
}

describe('a request through the gateway', () => {
  it('continues the caller’s trace and makes one trace across both services', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const res = await request(`${gateway.url}/api/v1/players/me`, {
      token,
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id');

    const { accountsServer, gatewayServer, gatewayClient } = await traceOf(traceId);
    // The gateway's server span continues the caller's span.
    expect(gatewayServer.parentSpanId).toBe(callerSpanId);
    expect(gatewayServer.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/api/v1/players/*path',
      'http.response.status_code': 200,
    });
    // Its client span (the call to accounts) sits under it...
    expect(descendsFrom(gatewayClient, gatewayServer, receiver.spans)).toBe(true);
    expect(gatewayClient.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
    });
    // ...and is the parent of the accounts server span: traceparent crossed the hop.
    expect(accountsServer.parentSpanId).toBe(gatewayClient.spanId);
    expect(accountsServer.attributes).toMatchObject({
      'http.route': '/api/v1/players/me',
      'http.response.status_code': 200,
    });
    const services = new Set(receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.service));
    expect([...services].sort()).toEqual(['accounts', 'gateway']);

    // The access-log lines of both services for this request carry the trace id.
    const gatewayLine = gateway.logs.find((l) => l.message === 'request' && l.request_id === requestId);
    const accountsLine = accounts.logs.find((l) => l.message === 'request' && l.request_id === requestId);
    expect(gatewayLine).toMatchObject({
      service: 'gateway',
      trace_id: traceId,
      http_route: '/api/v1/players/*path',
    });
    expect(accountsLine).toMatchObject({
      service: 'accounts',
      trace_id: traceId,
      http_route: '/api/v1/players/me',
    });
  });

  it('starts one trace across both services when the caller sends none', async () => {
    const res = await request(`${gateway.url}/api/v1/players/me`, { token });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id');
    // The request id joins the gateway's log line to its trace.
    const line = await eventually(
      () => gateway.logs.find((l) => l.message === 'request' && l.request_id === requestId),
      { timeoutMs: 5000, intervalMs: 50, what: 'an access-log line for the request' },
    );
    const traceId = String(line.trace_id);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const { accountsServer, gatewayServer, gatewayClient } = await traceOf(traceId);
    expect(gatewayServer.parentSpanId).toBe('');
    expect(accountsServer.parentSpanId).toBe(gatewayClient.spanId);
  });

  it('does not let a client’s traceparent reach accounts as is: the hop gets the gateway’s own span', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    await request(`${gateway.url}/api/v1/players/me`, {
      token,
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    const { accountsServer } = await traceOf(traceId);
    expect(accountsServer.parentSpanId).not.toBe(callerSpanId);
  });
});
