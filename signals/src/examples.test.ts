import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findExampleTraces } from './examples';
import { JaegerClient } from './jaeger';

// Jaeger's answer to a search: four casino traces, two of them failed, of different lengths.
function jaegerTrace(id: string, casinoUs: number, error: boolean) {
  return {
    traceID: id,
    processes: { p1: { serviceName: 'gateway' }, p2: { serviceName: 'casino' } },
    spans: [
      {
        traceID: id,
        spanID: 'a'.repeat(16),
        operationName: 'GET /x',
        startTime: 1e15,
        duration: casinoUs + 500,
        tags: [],
        processID: 'p1',
      },
      {
        traceID: id,
        spanID: 'b'.repeat(16),
        operationName: 'GET /y',
        references: [{ refType: 'CHILD_OF', traceID: id, spanID: 'a'.repeat(16) }],
        startTime: 1e15 + 100,
        duration: casinoUs,
        tags: error ? [{ key: 'otel.status_code', value: 'ERROR' }] : [],
        processID: 'p2',
      },
    ],
  };
}
const traces = [
  jaegerTrace('1'.repeat(32), 1_000, false),
  jaegerTrace('2'.repeat(32), 90_000, false),
  jaegerTrace('3'.repeat(32), 2_000, true),
  jaegerTrace('4'.repeat(32), 50_000, false),
  jaegerTrace('5'.repeat(32), 3_000, true),
];

let server: Server;
let jaeger: JaegerClient;
const asked: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url!);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ data: traces, errors: null }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  jaeger = new JaegerClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(() => server.close());

describe('example traces for a chaos report', () => {
  it('asks for the target service in the fault window and keeps its failed traces', async () => {
    const found = await findExampleTraces(jaeger, { service: 'casino', startUs: 1e15, endUs: 1e15 + 8e6 });
    expect(found.map((t) => [t.traceId[0], t.reason])).toEqual([
      ['3', 'error'],
      ['5', 'error'],
    ]);
    expect(found[0]!.waterfall).toContain(`trace ${'3'.repeat(32)}`);
    expect(found[0]!.summary).toMatchObject({ errors: 1, services: ['casino', 'gateway'] });
    const url = new URL(asked.at(-1)!, 'http://x');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      service: 'casino',
      start: '1000000000000000',
      end: '1000000008000000',
    });
  });

  it('for latency faults, shows the slowest traces of the service, with one failed one at most', async () => {
    const found = await findExampleTraces(jaeger, {
      service: 'casino',
      startUs: 1e15,
      endUs: 1e15 + 8e6,
      slowest: true,
    });
    expect(found.map((t) => [t.traceId[0], t.reason])).toEqual([
      ['3', 'error'],
      ['2', 'slow'],
      ['4', 'slow'],
    ]);
  });
});
