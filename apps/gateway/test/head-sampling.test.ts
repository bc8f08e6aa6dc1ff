// Head sampling at the door: an unsampled request records no spans anywhere, yet the access-log
// lines of the gateway and of accounts carry one shared trace id; a sampled caller is still traced.
import { randomBytes } from 'node:crypto';
import { eventually, OtlpReceiver, request, startPlayerApi } from '@gameday/testing';
import type { PlayerApi, ServiceProcess } from '@gameday/testing';

let api: PlayerApi;
let receiver: OtlpReceiver;
let accounts: ServiceProcess;
let gateway: ServiceProcess;
let token: string;

beforeAll(async () => {
  receiver = new OtlpReceiver();
  await receiver.start();
  // Parent-based with a ratio of 0: no new trace is ever recorded; a sampled caller still is.
  const otel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  api = await startPlayerApi({ env: otel });
  ({ accounts, gateway } = api);
  const credentials = { email: 'head@example.com', password: 'a long enough password' };
  await request(`${gateway.url}/api/v1/players`, { body: { ...credentials, display_name: 'Head' } });
  const login = await request<{ access_token: string }>(`${gateway.url}/api/v1/players/login`, {
    body: credentials,
  });
  token = login.body.access_token;
});

afterAll(async () => {
  await api?.stop();
  await receiver?.stop();
});

/** The access-log line `svc` writes for the request, once it is there. */
const accessLine = (svc: ServiceProcess, requestId: string) =>
  eventually(() => svc.logs.find((l) => l.message === 'request' && l.request_id === requestId), {
    timeoutMs: 5000,
    intervalMs: 50,
    what: `${svc.name}'s access-log line for ${requestId}`,
  });

describe('an unsampled request', () => {
  it('records no span, and both services log the same trace id with trace_flags 00', async () => {
    const requestId = `unsampled-${randomBytes(4).toString('hex')}`;
    const res = await request(`${gateway.url}/api/v1/players/me`, {
      token,
      headers: { 'x-request-id': requestId },
    });
    expect(res.status).toBe(200);
    const g = await accessLine(gateway, requestId);
    const a = await accessLine(accounts, requestId);
    expect(g).toMatchObject({ trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), trace_flags: '00' });
    expect(a).toMatchObject({ trace_id: g.trace_id, trace_flags: '00' });
    expect(a!.span_id).toBeUndefined();

    // A sampled request afterwards: once its spans are in, the unsampled one would have been too.
    const marker = randomBytes(16).toString('hex');
    await request(`${gateway.url}/api/v1/players/me`, {
      token,
      headers: { traceparent: `00-${marker}-${randomBytes(8).toString('hex')}-01` },
    });
    await receiver.waitFor((s) => s.traceId === marker && s.service === 'accounts' && s.kind === 2);
    expect(receiver.spans.filter((s) => s.traceId === g.trace_id)).toEqual([]);
  });

  it('keeps a caller’s unsampled decision and trace id', async () => {
    const traceId = randomBytes(16).toString('hex');
    const requestId = `caller-unsampled-${randomBytes(4).toString('hex')}`;
    await request(`${gateway.url}/api/v1/players/me`, {
      token,
      headers: {
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-00`,
        'x-request-id': requestId,
      },
    });
    expect(await accessLine(gateway, requestId)).toMatchObject({
      trace_id: traceId,
      trace_flags: '00',
    });
    expect(await accessLine(accounts, requestId)).toMatchObject({
      trace_id: traceId,
      trace_flags: '00',
    });
  });
});

describe('a sampled caller', () => {
  it('is traced through both services even though no new trace is sampled', async () => {
    const traceId = randomBytes(16).toString('hex');
    await request(`${gateway.url}/api/v1/players/me`, {
      token,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    });
    const server = await receiver.waitFor(
      (s) => s.traceId === traceId && s.service === 'accounts' && s.kind === 2,
    );
    const client = await receiver.waitFor(
      (s) => s.traceId === traceId && s.service === 'gateway' && s.kind === 3,
    );
    expect(server.parentSpanId).toBe(client.spanId);
  });
});
