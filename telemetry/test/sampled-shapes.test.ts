// A sampled request must not give the objects node's HTTP code handles hidden classes of their own:
// with one request in a hundred sampled, node's stream and HTTP functions would otherwise see a
// second shape of every request, response and client call, and run slower for all of them.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

let child: ChildProcessWithoutNullStreams | undefined;
afterAll(() => child?.kill());

const traceparent = (sampled: boolean) => `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-${sampled ? '01' : '00'}`;

it('a sampled request, its response and its client call keep the hidden classes of an unsampled one', async () => {
  child = spawn(process.execPath, [join(__dirname, 'fixtures', 'sampled-shapes.js')]);
  const lines = createInterface({ input: child.stdout });
  const { port } = JSON.parse(await new Promise<string>((resolve) => lines.once('line', resolve))) as {
    port: number;
  };
  const post = async (id: number, sampled: boolean) => {
    const res = await fetch(`http://127.0.0.1:${port}/items/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: traceparent(sampled) },
      body: JSON.stringify({ id }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: String(id), traced: sampled });
  };
  // Unsampled first, as in production, where nearly every request is.
  for (let i = 0; i < 4; i++) await post(i, i % 2 === 1);
  const compared = await fetch(`http://127.0.0.1:${port}/compare`);
  expect(await compared.json()).toEqual({
    req: true,
    res: true,
    clientRequest: true,
    clientResponse: true,
  });
});
