// Explicit context propagation: a traced request's context reaches every Express layer (even one
// reached after an await) and whatever re-enters it with captureContext(); nothing else sees it, and
// the context storage (Node 20's promise hooks on every promise) is never switched on.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => child?.kill());

async function start(ratio: string): Promise<number> {
  child = spawn(process.execPath, [join(__dirname, 'fixtures', 'explicit-context.js')], {
    env: { ...process.env, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: ratio },
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve) => lines.once('line', resolve));
  return (JSON.parse(first) as { port: number }).port;
}

async function probe(port: number): Promise<Record<string, boolean>> {
  const res = await fetch(`http://127.0.0.1:${port}/probe`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, boolean>;
}

describe('explicit context propagation', () => {
  it('gives a traced request its context in every layer and where it is resumed, never the storage', async () => {
    const port = await start('1');
    for (let i = 0; i < 3; i++) {
      expect(await probe(port)).toEqual({ storage: false, inLayer: true, afterAwait: false, resumed: true });
    }
  });

  it('leaves an untraced request without a recording span anywhere', async () => {
    const port = await start('0');
    expect(await probe(port)).toEqual({ storage: false, inLayer: false, afterAwait: false, resumed: false });
  });
});
