import { createService } from './service';
import type { Service } from './service';
import { openMetricsToText, ServiceMetrics } from './metrics';
import { HttpHistogram } from './http-histogram';

describe('the HTTP histogram', () => {
  let service: Service<unknown>;
  let url: string;

  beforeAll(async () => {
    service = createService({ name: 'test', env: { PORT: '0', LOG_LEVEL: 'error' } });
    service.app.get('/items/:id', (_req, res) => {
      res.json({ ok: true });
    });
    service.app.post('/items', (_req, res) => {
      res.status(201).json({ ok: true });
    });
    ({ url } = await service.listen({ signals: false }));
  });

  afterAll(() => service.stop());

  it('exposes exactly one series per method, route template and status, with exact counts', async () => {
    for (let i = 0; i < 3; i++) await fetch(`${url}/items/${i}`);
    await fetch(`${url}/items`, { method: 'POST' });
    const body = await (await fetch(`${url}/metrics`)).text();
    const counts = body
      .split('\n')
      .filter((l) => l.startsWith('http_server_request_duration_seconds_count{'));
    expect(counts.sort()).toEqual([
      'http_server_request_duration_seconds_count{http_request_method="GET",http_route="/items/:id",http_response_status_code="200"} 3',
      'http_server_request_duration_seconds_count{http_request_method="POST",http_route="/items",http_response_status_code="201"} 1',
    ]);
    const buckets = body
      .split('\n')
      .filter((l) => l.startsWith('http_server_request_duration_seconds_bucket{') && l.includes('/items/:id'))
      .map((l) => /le="([^"]+)"/.exec(l)![1]);
    expect(buckets).toEqual([
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.075',
      '0.1',
      '0.25',
      '0.5',
      '0.75',
      '1',
      '2.5',
      '5',
      '7.5',
      '10',
      '+Inf',
    ]);
    expect(body).toContain('# TYPE http_server_request_duration_seconds histogram');
    expect(body).toContain('process_cpu_seconds_total');
  });

  it('collapses unknown paths into one route label instead of a series per path', async () => {
    for (const p of ['/a', '/b/c', '/d?x=1', '/items/1/extra', '/%2e%2e/etc/passwd']) await fetch(url + p);
    const body = await (await fetch(`${url}/metrics`)).text();
    const unmatched = body
      .split('\n')
      .filter((l) => l.startsWith('http_server_request_duration_seconds_count{') && l.includes('404'));
    expect(unmatched).toEqual([
      'http_server_request_duration_seconds_count{http_request_method="GET",http_route="unmatched",http_response_status_code="404"} 5',
    ]);
    expect(body).not.toContain('/b/c');
  });
});

describe('domain metrics', () => {
  it('must be named gameday_*', () => {
    const m = new ServiceMetrics('x', { defaultMetrics: false });
    expect(() => m.counter({ name: 'bets_total', help: 'h' })).toThrow(/gameday_\*/);
    expect(() => m.counter({ name: 'gameday_bets_total', help: 'h' })).not.toThrow();
  });
});

describe('rendering', () => {
  it('in the text format drops exemplars and EOF and gives counter families their _total back', async () => {
    const m = new ServiceMetrics('x', { defaultMetrics: false });
    m.counter({ name: 'gameday_bets_total', help: 'Bets placed.', labelNames: ['game'] }).inc(
      { game: 'dice' },
      2,
    );
    m.observeHttp('GET', '/x', 200, 0.003, 'abcdef0123456789abcdef0123456789');
    const om = (await m.render(true)).body.toString();
    expect(om).toContain('# TYPE gameday_bets counter');
    expect(om).toContain('# {trace_id="abcdef0123456789abcdef0123456789"} 0.003');
    const text = (await m.render(false)).body.toString();
    expect(text).toContain(
      '# HELP gameday_bets_total Bets placed.\n# TYPE gameday_bets_total counter\ngameday_bets_total{game="dice"} 2\n',
    );
    expect(text).not.toContain('# {');
    expect(text).not.toContain('# EOF');
    expect(text).toContain(
      'http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/x",http_response_status_code="200",le="0.005"} 1\n',
    );
  });
});

describe('openMetricsToText', () => {
  it('converts an OpenMetrics counter family to the text format exactly', () => {
    const om =
      '# HELP gameday_x Things.\n# TYPE gameday_x counter\ngameday_x_total{a="b"} 3 # {trace_id="t"} 1 2\n# EOF\n';
    expect(openMetricsToText(om)).toBe(
      '# HELP gameday_x_total Things.\n# TYPE gameday_x_total counter\ngameday_x_total{a="b"} 3\n',
    );
  });
});

describe('HttpHistogram', () => {
  it('renders cumulative buckets, sum and count exactly, escaping label values', () => {
    const h = new HttpHistogram();
    h.observe('GET', '/a"b', 200, 0.004);
    h.observe('GET', '/a"b', 200, 0.3);
    h.observe('GET', '/a"b', 200, 20);
    const lines = h.render(false).toString().split('\n');
    const l = 'http_request_method="GET",http_route="/a\\"b",http_response_status_code="200"';
    expect(lines).toEqual([
      '# HELP http_server_request_duration_seconds Duration of HTTP server requests.',
      '# TYPE http_server_request_duration_seconds histogram',
      `http_server_request_duration_seconds_bucket{${l},le="0.005"} 1`,
      `http_server_request_duration_seconds_bucket{${l},le="0.01"} 1`,
      `http_server_request_duration_seconds_bucket{${l},le="0.025"} 1`,
      `http_server_request_duration_seconds_bucket{${l},le="0.05"} 1`,
      `http_server_request_duration_seconds_bucket{${l},le="0.075"} 1`,
      `http_server_request_duration_seconds_bucket{${l},le="0.1"} 1`,
      `http_server_request_duration_seconds_bucket{${l},le="0.25"} 1`,
      `http_server_request_duration_seconds_bucket{${l},le="0.5"} 2`,
      `http_server_request_duration_seconds_bucket{${l},le="0.75"} 2`,
      `http_server_request_duration_seconds_bucket{${l},le="1"} 2`,
      `http_server_request_duration_seconds_bucket{${l},le="2.5"} 2`,
      `http_server_request_duration_seconds_bucket{${l},le="5"} 2`,
      `http_server_request_duration_seconds_bucket{${l},le="7.5"} 2`,
      `http_server_request_duration_seconds_bucket{${l},le="10"} 2`,
      `http_server_request_duration_seconds_bucket{${l},le="+Inf"} 3`,
      `http_server_request_duration_seconds_sum{${l}} 20.304`,
      `http_server_request_duration_seconds_count{${l}} 3`,
      '',
    ]);
  });

  it('puts a sampled trace id on the bucket it fell in, for OpenMetrics only', () => {
    const h = new HttpHistogram();
    h.observe('POST', '/x', 201, 0.02, '0123456789abcdef0123456789abcdef');
    const om = h.render(true).toString();
    expect(om).toMatch(
      /le="0\.025"\} 1 # \{trace_id="0123456789abcdef0123456789abcdef"\} 0\.02 \d+(\.\d+)?\n/,
    );
    expect(om.match(/trace_id/g)).toHaveLength(1);
    expect(h.render(false).toString()).not.toContain('trace_id');
  });

  it('counts a value on a bound in that bucket, keeps one series per label set, refuses non-numbers', () => {
    const h = new HttpHistogram();
    for (let i = 0; i < 5; i++) h.observe('GET', '/a', 200, 0.005);
    h.observe('GET', '/a', 500, 0.01);
    h.observe('POST', '/a', 200, 0.01);
    expect(h.size).toBe(3);
    const text = h.render(false).toString();
    const l = 'http_request_method="GET",http_route="/a",http_response_status_code="200"';
    expect(text).toContain(`_bucket{${l},le="0.005"} 5\n`);
    expect(text).toContain(`_count{${l}} 5\n`);
    expect(() => h.observe('GET', '/a', 200, Number.NaN)).toThrow(/not a valid number/);
    expect(h.size).toBe(3);
  });
});
