// `gameday trace`, `traces` and `logs` on bad input and unreachable backends (exit 2, a message that
// names the option or the URL). Reading real backends is in stack/test/signals.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type Io } from '../src';

async function gameday(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const cwd = mkdtempSync(join(tmpdir(), 'gameday-cli-signals-'));
  const io: Io = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env };
  const code = await run(args, io);
  rmSync(cwd, { recursive: true, force: true });
  return { code, stdout, stderr };
}

/** A closed port: something listened there a moment ago. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('gameday trace', () => {
  it.each([
    'nothex',
    '5b8efff798038103d269b633813fc60',
    '00000000000000000000000000000000',
    '5b8efff798038103d269b633813fc60cz',
  ])('refuses the malformed id %s with exit 2, before asking any backend', async (id) => {
    const r = await gameday(['trace', id], { GAMEDAY_JAEGER_URL: 'http://127.0.0.1:1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a trace id: it is 32 hex digits/);
    expect(r.stdout).toBe('');
  });

  it('names the URL that failed and what to start when Jaeger is unreachable', async () => {
    const port = await closedPort();
    const r = await gameday([
      'trace',
      '5b8efff798038103d269b633813fc60c',
      '--jaeger-url',
      `http://127.0.0.1:${port}`,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `Jaeger (traces) is unreachable at http://127.0.0.1:${port}/api/traces/5b8efff798038103d269b633813fc60c`,
    );
    expect(r.stderr).toContain('ECONNREFUSED');
    expect(r.stderr).toContain('npm start');
  });

  describe('against a Jaeger that answers', () => {
    let jaeger: Server;
    let url: string;
    beforeAll(async () => {
      // Jaeger's own 404 body for a trace it does not have.
      jaeger = createServer((_req, res) =>
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(
            '{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]}',
          ),
      );
      await new Promise<void>((r) => jaeger.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(jaeger.address() as AddressInfo).port}`;
    });
    afterAll(() => jaeger.close());

    it('says why an unknown trace may be missing, with exit 2', async () => {
      const r = await gameday(['trace', '5B8EFFF798038103D269B633813FC60C', '--jaeger-url', url]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`Jaeger at ${url} has no trace 5b8efff798038103d269b633813fc60c`);
      expect(r.stderr).toMatch(/not sampled .* not exported yet .* evicted/s);
    });
  });
});

describe('gameday logs and traces', () => {
  it.each([
    [['logs', '--since', '10 minutes'], '--since'],
    [['logs', '--level', 'fatal'], '--level'],
    [['logs', '--trace', 'xyz'], '--trace'],
    [['logs', '--service', 'Casino'], '--service'],
    [['logs', '--limit', '0'], '--limit'],
    [['traces', '--service', 'casino', '--since', 'yesterday'], '--since'],
    [['traces', '--service', 'casino', '--min-duration', 'slow'], '--min-duration'],
    [['traces', '--service', 'casino', '--limit', 'many'], '--limit'],
  ])('%j is refused naming %s, with exit 2 and nothing asked of the backend', async (args, option) => {
    const r = await gameday(args, {
      GAMEDAY_LOGS_URL: 'http://127.0.0.1:1',
      GAMEDAY_JAEGER_URL: 'http://127.0.0.1:1',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${option}: `);
    expect(r.stderr).not.toContain('unreachable');
  });

  it('names the URL that failed when VictoriaLogs is unreachable', async () => {
    const port = await closedPort();
    const r = await gameday(['logs', '--since', '5m'], { GAMEDAY_LOGS_URL: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `VictoriaLogs (logs) is unreachable at http://127.0.0.1:${port}/select/logsql/query?`,
    );
    expect(r.stderr).toContain('--logs-url');
  });

  it('refuses a backend URL that is not one', async () => {
    const r = await gameday(['logs'], { GAMEDAY_LOGS_URL: 'not a url' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('GAMEDAY_LOGS_URL: "not a url" is not a URL');
  });
});

describe('npx gameday', () => {
  it('runs the built command through the checked-in bin shim npm links on the first install', () => {
    const bin = join(__dirname, '..', 'bin', 'gameday.js');
    const r = spawnSync(process.execPath, [bin, 'trace', 'nothex'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('"nothex" is not a trace id');
  });
});
