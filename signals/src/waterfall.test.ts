import { fromJaeger } from './jaeger';
import { renderWaterfall, summarise, treeOrder } from './waterfall';
import { toLogLine } from './victorialogs';

const T0 = 1_796_643_145_000_000; // µs
const trace = fromJaeger({
  traceID: '5b8efff798038103d269b633813fc60c',
  processes: { p1: { serviceName: 'gateway' }, p2: { serviceName: 'casino' }, p3: { serviceName: 'wallet' } },
  spans: [
    // Listed out of order, as Jaeger may return them.
    {
      traceID: '5b8efff798038103d269b633813fc60c',
      spanID: '3333333333333333',
      operationName: 'POST /internal/v1/bets',
      references: [
        { refType: 'CHILD_OF', traceID: '5b8efff798038103d269b633813fc60c', spanID: '2222222222222222' },
      ],
      startTime: T0 + 2_000,
      duration: 3_000,
      tags: [
        { key: 'span.kind', value: 'server' },
        { key: 'otel.status_code', value: 'ERROR' },
        { key: 'http.response.status_code', value: 503 },
      ],
      processID: 'p3',
    },
    {
      traceID: '5b8efff798038103d269b633813fc60c',
      spanID: '1111111111111111',
      operationName: 'POST /api/v1/casino/*path',
      references: [
        { refType: 'CHILD_OF', traceID: '5b8efff798038103d269b633813fc60c', spanID: 'ffffffffffffffff' },
      ],
      startTime: T0,
      duration: 12_500,
      tags: [
        { key: 'span.kind', value: 'server' },
        { key: 'http.request.method', value: 'POST' },
        { key: 'http.response.status_code', value: 503 },
      ],
      processID: 'p1',
    },
    {
      traceID: '5b8efff798038103d269b633813fc60c',
      spanID: '2222222222222222',
      operationName: 'POST /api/v1/casino/games/:game/rounds',
      references: [
        { refType: 'CHILD_OF', traceID: '5b8efff798038103d269b633813fc60c', spanID: '1111111111111111' },
      ],
      startTime: T0 + 1_000,
      duration: 10_000,
      tags: [{ key: 'error', value: true }],
      logs: [{ timestamp: T0 + 6_000, fields: [{ key: 'exception.message', value: 'wallet answered 503' }] }],
      processID: 'p2',
    },
  ],
});

const logs = [
  toLogLine({
    _time: '2026-12-07T11:32:25.0065Z',
    _msg: 'request',
    service: 'casino',
    level: 'error',
    trace_id: '5b8efff798038103d269b633813fc60c',
    span_id: '2222222222222222',
    http_route: '/api/v1/casino/games/:game/rounds',
  }),
  toLogLine({
    _time: '2026-12-07T11:32:25.0045Z',
    _msg: 'request',
    service: 'wallet',
    level: 'error',
    span_id: '3333333333333333',
  }),
];

describe('a trace waterfall', () => {
  it('puts children under their parent in start order, whatever order Jaeger listed them in', () => {
    expect(treeOrder(trace).map((r) => `${r.depth} ${r.span.service}`)).toEqual([
      '0 gateway',
      '1 casino',
      '2 wallet',
    ]);
  });

  it('maps Jaeger tags back to status and kind, and summarises the trace', () => {
    expect(trace.spans.map((s) => [s.service, s.status, s.kind])).toEqual([
      ['gateway', 'unset', 'server'],
      ['casino', 'error', 'internal'],
      ['wallet', 'error', 'server'],
    ]);
    expect(summarise(trace)).toEqual({
      traceId: '5b8efff798038103d269b633813fc60c',
      spans: 3,
      services: ['casino', 'gateway', 'wallet'],
      durationUs: 12_500,
      errors: 2,
      root: 'gateway POST /api/v1/casino/*path',
    });
  });

  it('prints offsets, durations, status and key attributes, with log lines interleaved in time order under their span', () => {
    expect(renderWaterfall(trace, logs).split('\n')).toEqual([
      'trace 5b8efff798038103d269b633813fc60c · 3 spans · 3 services (casino, gateway, wallet) · 12.5 ms · 2 error spans',
      '     +0 µs gateway POST /api/v1/casino/*path  12.5 ms  -  http.request.method=POST http.response.status_code=503',
      '  +1.00 ms   └ casino  POST /api/v1/casino/games/:game/rounds  10.0 ms  ERROR  exception.message=wallet answered 503',
      '  +2.00 ms     └ wallet  POST /internal/v1/bets  3.00 ms  ERROR  http.response.status_code=503',
      '  +4.50 ms         » 11:32:25.004 error wallet: request',
      '  +6.50 ms       » 11:32:25.006 error casino: request  http_route=/api/v1/casino/games/:game/rounds',
      '',
    ]);
  });
});
