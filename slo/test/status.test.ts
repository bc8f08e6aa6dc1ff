import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@gameday/testing';
import {
  formatBudget,
  formatSloStatus,
  generateFromSpecs,
  paths,
  readSloStatus,
  type SloStatus,
} from '../src';
import { repoRoot, requireTool } from './helpers';

jest.setTimeout(60_000);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// A real Prometheus loads the accounts rules and scrapes a fake accounts whose counters grow by 99
// good and 1 failed request per scrape: 1% errors, ten times the 0.1% budget. The rules are the
// checked-in ones but for the period groups' interval: 2s instead of 4m, so the budget (which
// needs two of their evaluations) shows within seconds, not minutes.
describe('readSloStatus against a real Prometheus running the generated rules', () => {
  const prometheus = requireTool('prometheus');
  let child: ChildProcess | undefined;
  let target: Server;
  let dir: string;
  let url: string;
  let output = '';

  beforeAll(async () => {
    let scrapes = 0;
    target = createServer((_req, res) => {
      scrapes++;
      const labels = (code: string): string =>
        `http_route="/api/v1/players/me",http_request_method="GET",http_response_status_code="${code}"`;
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(
        [
          '# TYPE http_server_request_duration_seconds histogram',
          `http_server_request_duration_seconds_bucket{${labels('200')},le="0.25"} ${99 * scrapes}`,
          `http_server_request_duration_seconds_count{${labels('200')}} ${99 * scrapes}`,
          `http_server_request_duration_seconds_bucket{${labels('500')},le="0.25"} ${scrapes}`,
          `http_server_request_duration_seconds_count{${labels('500')}} ${scrapes}`,
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const targetPort = (target.address() as { port: number }).port;
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    dir = mkdtempSync(join(tmpdir(), 'gameday-prometheus-'));
    const spec = paths
      .rulesFile('accounts')
      .replace(/^alerts\/generated\/(.*)\.slo\.rules\.yml$/, 'slo/specs/$1.yaml');
    const generated = generateFromSpecs([{ file: spec, text: readFileSync(join(repoRoot, spec), 'utf8') }], {
      skipTests: true,
      periodInterval: '2s',
    });
    const rules = generated.files.find((f) => f.path === paths.rulesFile('accounts'))!;
    writeFileSync(join(dir, 'accounts.rules.yml'), rules.content);
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: ['${join(dir, 'accounts.rules.yml')}']`,
        'scrape_configs:',
        // Scraped as the stack scrapes services: job = the service name.
        `  - { job_name: accounts, static_configs: [{ targets: ['127.0.0.1:${targetPort}'] }] }`,
        '',
      ].join('\n'),
    );
    child = spawn(
      prometheus,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await new Promise((r) => target.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports each SLO's objective, burn rates and remaining budget", async () => {
    const availability = (list: SloStatus[]) => list.find((r) => r.slo === 'availability');
    // Both figures, or Prometheus exited (then they never come): either ends the wait.
    const rows = await eventually(
      async () => {
        const read = await readSloStatus(url).catch((): SloStatus[] => []);
        const a = availability(read);
        if (Number.isFinite(a?.burnRate) && Number.isFinite(a?.budgetRemaining)) return read;
        return child?.exitCode !== null ? null : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 500, what: 'the burn rate and budget of accounts/availability' },
    );
    if (rows === null) throw new Error(`prometheus exited:\n${output}`);
    expect(rows.map((r) => `${r.service}/${r.slo}`)).toEqual([
      'accounts/availability',
      'accounts/latency',
      'accounts/login-availability',
      'accounts/password-latency',
    ]);
    const row = availability(rows)!;
    expect(row.objective).toBe(0.999);
    expect(row.burnRate).toBeCloseTo(10, 5);
    expect(row.burnRate1h).toBeCloseTo(10, 5);
    expect(row.budgetRemaining).toBeCloseTo(-9, 5);
    expect(formatSloStatus(rows).split('\n')[1]).toBe(
      'accounts/availability        99.90%     10.00×   10.00×   -900.0%',
    );
  });

  it('says which Prometheus it could not reach', async () => {
    const port = await freePort();
    await expect(readSloStatus(`http://127.0.0.1:${port}`)).rejects.toThrow(
      `could not read SLO status from Prometheus at http://127.0.0.1:${port}`,
    );
  });
});

describe('the budget left, with the data it is measured over', () => {
  const day = 86_400;
  it('is held back while Prometheus has less than an hour of data (a 30-day ratio over minutes means nothing)', () => {
    expect(formatBudget(-9.42, 120, 30 * day)).toBe('— (2m of data)');
  });
  it('says how much of the period it covers until it covers all of it', () => {
    expect(formatBudget(0.731, 5 * day, 30 * day)).toBe('73.1% (5d of 30d)');
    expect(formatBudget(0.731, 3 * 3600, 30 * day)).toBe('73.1% (3h of 30d)');
    expect(formatBudget(0.731, 31 * day, 30 * day)).toBe('73.1%');
  });
  it('is the plain figure when the history is unknown, and "no data" without one', () => {
    expect(formatBudget(0.5, NaN, 30 * day)).toBe('50.0%');
    expect(formatBudget(NaN, 120, 30 * day)).toBe('no data');
  });
});
