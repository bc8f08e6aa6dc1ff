// Forwarding to upstreams, and what the client gets when an upstream fails: 502, 503 or 504 as
// problem+json naming the upstream, always within bounded time.
import http from 'node:http';
import { freePort, request, startService } from '@gameday/testing';
import type { ServiceProcess } from '@gameday/testing';
import { ed25519, eddsaToken, sample, StandInUpstream, timed } from './support';

// Long enough that a loaded CI machine does not turn a normal answer into a 504.
const TIMEOUT_MS = 1500;
const keys = ed25519();
const upstream = new StandInUpstream();
let gateway: ServiceProcess;
let token: string;

beforeAll(async () => {
  await upstream.start();
  gateway = await startService('gateway', {
    env: {
      ACCOUNTS_URL: upstream.url,
      JWT_PUBLIC_KEY: keys.publicPem,
      UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
      BODY_LIMIT: '1kb',
    },
  });
  token = eddsaToken(keys.privateKey);
});

afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

const url = (path: string) => `${gateway.url}${path}`;

async function metric(series: string): Promise<number> {
  const res = await request(url('/metrics'));
  return sample(res.text, series) ?? 0;
}

describe('forwarding', () => {
  it('keeps the method, the path with its query string, and the body bytes untouched', async () => {
    // Not JSON, odd spacing: the gateway does not parse bodies, the upstream judges them.
    const body = '{ "b" :  1,\n"a":"é" }';
    const res = await request<Echo>(url('/api/v1/players/me/things?b=2&a=1&a=%20x'), {
      method: 'PATCH',
      token,
      body,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      method: 'PATCH',
      url: '/api/v1/players/me/things?b=2&a=1&a=%20x',
      body,
    });
    expect(res.body.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('passes the request id on and sets the forwarding headers from what it saw itself', async () => {
    const res = await raw('/api/v1/players/me', {
      authorization: `Bearer ${token}`,
      'x-request-id': 'client-chosen-id-123',
      'x-forwarded-for': '203.0.113.7',
      connection: 'x-secret-hop',
      'x-secret-hop': 'must not pass',
      'keep-alive': 'timeout=5',
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('client-chosen-id-123');
    const seen = (JSON.parse(res.body) as Echo).headers;
    expect(seen['x-request-id']).toBe('client-chosen-id-123');
    // The gateway is the edge: a client's own X-Forwarded-For is not believed.
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe(new URL(gateway.url).host);
    expect(seen['x-secret-hop']).toBeUndefined();
    expect(seen['keep-alive']).toBeUndefined();
    expect(seen.host).toBe(new URL(upstream.url).host);
  });

  it('passes an upstream problem through unchanged, status, headers and body', async () => {
    const res = await request(url('/api/v1/players/behave/teapot'), { token });
    expect(res.status).toBe(418);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('x-upstream-header')).toBe('kept');
    expect(res.text).toBe(
      '{"type":"about:blank","title":"I\'m a teapot","status":418,"detail":"short and stout"}',
    );
  });

  it('passes an upstream 500 through unchanged (it is the upstream’s answer, not a gateway failure)', async () => {
    const res = await request(url('/api/v1/players/behave/error'), { token });
    expect(res.status).toBe(500);
    expect(res.text).toBe('upstream exploded');
  });

  it('streams an answer larger than it holds back, intact', async () => {
    const res = await fetch(url('/api/v1/players/behave/large'), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(3 * 1024 * 1024);
    expect(body.every((b) => b === 'g'.charCodeAt(0))).toBe(true);
  });

  it('routes only known areas: anything else under /api/v1 is a 404 problem', async () => {
    const before = upstream.seen.length;
    for (const path of ['/api/v1/wallet/balance', '/api/v1', '/api/v1/', '/api/v1/playersx']) {
      const res = await request(url(path), { token });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 404, instance: path });
    }
    expect(upstream.seen.length).toBe(before);
  });

  it('refuses dot segments, so no path can escape its area', async () => {
    const before = upstream.seen.length;
    for (const path of ['/api/v1/players/../wallet/x', '/api/v1/players/%2e%2e/wallet/x']) {
      // fetch would normalise the path: send it as is.
      const res = await raw(path, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(400);
    }
    expect(upstream.seen.length).toBe(before);
  });
});

describe('request bodies over BODY_LIMIT (1kb here)', () => {
  it('are a 413 problem when Content-Length says so, without reaching the upstream', async () => {
    const before = upstream.seen.length;
    const res = await request(url('/api/v1/players'), { body: { pad: 'x'.repeat(2000) } });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 413, type: 'https://gameday.dev/problems/payload-too-large' });
    expect(upstream.seen.length).toBe(before);
  });

  it('are a 413 problem when a streamed (chunked) body goes over', async () => {
    const { status, body } = await chunkedPost('/api/v1/players', [
      '{"pad":"',
      'x'.repeat(800),
      'y'.repeat(800),
      '"}',
    ]);
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ status: 413 });
  });

  it('stream through when they fit', async () => {
    const { status, body } = await chunkedPost('/api/v1/players', ['{"pad":"', 'x'.repeat(400), '"}']);
    expect(status).toBe(200);
    expect((JSON.parse(body) as Echo).body).toBe(`{"pad":"${'x'.repeat(400)}"}`);
  });
});

describe('upstream failures', () => {
  it('an upstream slower than UPSTREAM_TIMEOUT_MS is a 504 problem, soon after the timeout', async () => {
    const before = await metric(
      'gameday_gateway_upstream_requests_total{upstream="accounts",outcome="timeout"}',
    );
    const { ms, result: res } = await timed(() => request(url('/api/v1/players/behave/slow'), { token }));
    expect(res.status).toBe(504);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 504, upstream: 'accounts', title: 'Gateway timeout' });
    expect(res.body.detail).toBe(`The accounts service did not answer within ${TIMEOUT_MS} ms.`);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(ms).toBeLessThan(TIMEOUT_MS + 1500);
    expect(
      await metric('gameday_gateway_upstream_requests_total{upstream="accounts",outcome="timeout"}'),
    ).toBe(before + 1);
  });

  it('an upstream that resets the connection midway through its answer is a 502 problem', async () => {
    const before = await metric(
      'gameday_gateway_upstream_requests_total{upstream="accounts",outcome="error"}',
    );
    const { ms, result: res } = await timed(() => request(url('/api/v1/players/behave/reset'), { token }));
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ status: 502, upstream: 'accounts', title: 'Bad gateway' });
    expect(ms).toBeLessThan(TIMEOUT_MS);
    expect(await metric('gameday_gateway_upstream_requests_total{upstream="accounts",outcome="error"}')).toBe(
      before + 1,
    );
  });

  it('an upstream that answers something other than HTTP is a 502 problem', async () => {
    const res = await request(url('/api/v1/players/behave/garbage'), { token });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ status: 502, upstream: 'accounts' });
  });

  it('an upstream that closes the connection without answering is a 503 problem with Retry-After', async () => {
    const res = await request(url('/api/v1/players/behave/close'), { token });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.body).toMatchObject({ status: 503, upstream: 'accounts' });
  });

  it('counts answered requests as ok, whatever their status', async () => {
    const before = await metric('gameday_gateway_upstream_requests_total{upstream="accounts",outcome="ok"}');
    await request(url('/api/v1/players/behave/teapot'), { token });
    await request(url('/api/v1/players/me'), { token });
    expect(await metric('gameday_gateway_upstream_requests_total{upstream="accounts",outcome="ok"}')).toBe(
      before + 2,
    );
  });

  it('readiness reports the upstream by name', async () => {
    const res = await request<{ checks: Record<string, { status: string }> }>(url('/readyz'));
    expect(res.status).toBe(200);
    expect(res.body.checks.accounts?.status).toBe('up');
  });
});

describe('an upstream that is down', () => {
  let lonely: ServiceProcess;

  beforeAll(async () => {
    lonely = await startService('gateway', {
      env: { ACCOUNTS_URL: `http://127.0.0.1:${await freePort()}`, JWT_PUBLIC_KEY: keys.publicPem },
      waitFor: 'alive',
    });
  });

  afterAll(async () => {
    await lonely?.stop();
  });

  it('makes requests a 503 problem with Retry-After that names the upstream, not where it lives', async () => {
    const { ms, result: res } = await timed(() => request(`${lonely.url}/api/v1/players/me`, { token }));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 503, upstream: 'accounts', title: 'Service unavailable' });
    expect(res.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    expect(ms).toBeLessThan(2500); // no waiting for a timeout: refused at once
    const metrics = await request(`${lonely.url}/metrics`);
    expect(
      sample(
        metrics.text,
        'gameday_gateway_upstream_requests_total{upstream="accounts",outcome="unavailable"}',
      ),
    ).toBe(1);
  });

  it('makes the gateway not ready, naming the upstream', async () => {
    const res = await request(`${lonely.url}/readyz`);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ failed: ['accounts'] });
  });
});

describe('configuration', () => {
  it('fails fast at start, naming the missing variable', async () => {
    const bad = await startService('gateway', { env: { ACCOUNTS_URL: undefined }, waitFor: 'none' });
    const code = await bad.exited();
    expect(code).toBe(1);
    expect(bad.stderr.join('')).toMatch(/ACCOUNTS_URL: is required/);
  });

  it('fails fast on a public key that is not Ed25519 SPKI PEM', async () => {
    const bad = await startService('gateway', {
      env: { ACCOUNTS_URL: upstream.url, JWT_PUBLIC_KEY: 'not a key' },
      waitFor: 'none',
    });
    expect(await bad.exited()).toBe(1);
    expect(bad.stderr.join('')).toMatch(/JWT_PUBLIC_KEY: not an Ed25519 public key/);
  });
});

/**
 * A request with node:http: the path exactly as given (fetch would normalise dot segments) and
 * any headers (fetch refuses Connection and Keep-Alive).
 */
function raw(
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(gateway.url);
    const req = http.get({ hostname, port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

/** POST a body in chunks without Content-Length (Transfer-Encoding: chunked). */
function chunkedPost(path: string, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(gateway.url);
    const req = http.request(
      { hostname, port, path, method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}
