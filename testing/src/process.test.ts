// Services started by the harness run with the same V8 flags as on the local stack.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from '@gameday/telemetry/runtime';
import { startNodeProcess } from './process';

it('starts a service process with SERVICE_NODE_FLAGS', async () => {
  expect(SERVICE_NODE_FLAGS).toContain('--max-semi-space-size=64');
  const dir = mkdtempSync(join(tmpdir(), 'gameday-process-'));
  const entry = join(dir, 'main.js');
  // Reports the flags node accepted (an unknown V8 flag would stop node before this runs).
  writeFileSync(entry, "process.stdout.write(JSON.stringify({ execArgv: process.execArgv }) + '\\n');");
  const proc = await startNodeProcess('flags', entry, { waitFor: 'none' });
  await proc.exited();
  expect(proc.logs[0]).toMatchObject({ execArgv: [...SERVICE_NODE_FLAGS] });
});
