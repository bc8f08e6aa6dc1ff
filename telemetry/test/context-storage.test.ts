// The context storage (and with it Node 20's promise hooks on every promise) is on only while a
// sampled request is in flight: unsampled requests run without it and record nothing, sampled ones
// keep their span across awaits, and the storage switches off once the last sampled one is done.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

interface Fixture {
  port: number;
  child: ChildProcessWithoutNullStreams;
  next(): Promise<Record<string, unknown>>;
}

async function start(ratio: string): Promise<Fixture> {
  const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'context-storage.js')], {
    env: { ...process.env, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: ratio },
  });
  const lines = createInterface({ input: child.stdout });
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => (waiting.length ? waiting.shift()!(line) : queue.push(line)));
  const next = () =>
    new Promise<Record<string, unknown>>((resolve) => {
      const take = (line: string) => resolve(JSON.parse(line) as Record<string, unknown>);
      if (queue.length) take(queue.shift()!);
      else waiting.push(take);
    });
  const { port } = (await next()) as { port: number };
  return { port, child, next };
}

async function probe(
  f: Fixture,
  query = 'wait=1',
  traceparent?: string,
): Promise<{ storage: boolean; span: boolean }> {
  const res = await fetch(`http://127.0.0.1:${f.port}/probe?${query}`, {
    headers: traceparent ? { traceparent } : {},
  });
  return (await res.json()) as { storage: boolean; span: boolean; instrumentedCalls: boolean };
}

const SAMPLED = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const UNSAMPLED = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';
let fixture: Fixture | undefined;
afterEach(() => fixture?.child.kill());

describe('the context storage', () => {
  it('stays off while only unsampled requests are served', async () => {
    fixture = await start('0');
    for (let i = 0; i < 5; i++)
      expect(await probe(fixture)).toEqual({ storage: false, span: false, instrumentedCalls: false });
    fixture.child.stdin.write('done\n');
    expect(await fixture.next()).toEqual({ after: false });
  });

  it('is on during a sampled request, keeps its span across awaits, and is off afterwards', async () => {
    fixture = await start('1');
    for (let i = 0; i < 3; i++)
      expect(await probe(fixture)).toEqual({ storage: true, span: true, instrumentedCalls: true });
    fixture.child.stdin.write('done\n');
    expect(await fixture.next()).toEqual({ after: false });
  });

  it('keeps an unsampled request unrecorded while a sampled one holds the storage on', async () => {
    fixture = await start('0');
    // The sampled request is held in the fixture until released: certainly in flight meanwhile.
    const sampled = probe(fixture, 'hold=1', SAMPLED);
    expect(await fixture.next()).toEqual({ arrived: true });
    expect(await probe(fixture, 'wait=1', UNSAMPLED)).toEqual({
      storage: true,
      span: false,
      instrumentedCalls: false,
    });
    fixture.child.stdin.write('release\n');
    expect(await sampled).toEqual({ storage: true, span: true, instrumentedCalls: true });
    fixture.child.stdin.write('done\n');
    expect(await fixture.next()).toEqual({ after: false });
  });
});
