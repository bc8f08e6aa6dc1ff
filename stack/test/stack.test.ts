// The whole local stack as a real child process (`node stack/dist/main.js`): embedded PostgreSQL,
// Prometheus, Alertmanager and the real services, in a temporary GAMEDAY_HOME on shifted ports so a
// developer's stack keeps running beside it. Needs `npx tsc -b` first (npm test does it).

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StackState } from '../src/state-file';

const root = resolve(__dirname, '..', '..');
const main = join(root, 'stack', 'dist', 'main.js');
// Far from the defaults (and from another run of this test) but below 65535 - 9095.
const offset = 20_000 + Math.floor(Math.random() * 400) * 50;

let home: string;
let stack: ChildProcess;
let output = '';
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
const seenPids = new Set<number>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function state(): StackState | undefined {
  try {
    return JSON.parse(readFileSync(join(home, 'stack.json'), 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every live process whose process group is one of `groups` (a child's grandchildren included). */
function processesInGroups(groups: Set<number>): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may contain spaces, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && groups.has(Number(fields[2]))) found.push(`${entry} ${stat.slice(0, 60)}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** Polls until `check` returns a value; fails with the stack's output when it does not in time. */
async function until<T>(
  what: string,
  timeoutMs: number,
  check: () => T | undefined | Promise<T | undefined>,
) {
  const deadline = Date.now() + timeoutMs;
  let stackExit: string | undefined;
  void exited.then((r) => (stackExit = `the stack exited (${r.code ?? r.signal})`));
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (stackExit || Date.now() > deadline) {
      throw new Error(`${what}: ${stackExit ?? `not within ${timeoutMs} ms`}.\nstack output:\n${output}`);
    }
    await sleep(250);
  }
}

async function restartCount(service: string): Promise<number> {
  const url = state()!.stack.metrics;
  const text = await (await fetch(url)).text();
  const m = text.match(new RegExp(`^gameday_stack_restarts_total\\{service="${service}"\\} (\\d+)$`, 'm'));
  if (!m) throw new Error(`no gameday_stack_restarts_total{service="${service}"} in ${url}:\n${text}`);
  return Number(m[1]);
}

const services = (s: StackState) => s.components.filter((c) => c.kind === 'service' && c.state !== 'skipped');

beforeAll(async () => {
  for (const file of [
    main,
    join(root, 'apps', 'accounts', 'dist', 'main.js'),
    join(root, 'apps', 'gateway', 'dist', 'main.js'),
  ]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npx tsc -b\` before this test.`);
  }
  home = mkdtempSync(join(tmpdir(), 'gameday-stack-test-'));
  // PostgreSQL runs as the postgres user when the test runs as root: it must reach its data directory.
  chmodSync(home, 0o755);
  const env: Record<string, string | undefined> = {
    ...process.env,
    GAMEDAY_HOME: home,
    GAMEDAY_PORT_OFFSET: String(offset),
    GAMEDAY_STATUS_INTERVAL_MS: '0',
  };
  delete env.DATABASE_URL;
  delete env.GAMEDAY_SKIP;
  stack = spawn(process.execPath, [main], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  exited = new Promise((r) => stack.once('exit', (code, signal) => r({ code, signal })));
  stack.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  stack.stderr!.on('data', (c: Buffer) => (output += c.toString()));

  await until('the stack did not report every component ready and every service scraped', 150_000, () => {
    const s = state();
    if (s?.state !== 'running') return undefined;
    const started = s.components.filter((c) => c.state !== 'skipped');
    if (!started.every((c) => c.state === 'ready' && c.pid !== null)) return undefined;
    if (!services(s).every((c) => s.targets[c.name]?.health === 'up')) return undefined;
    return s;
  });
  for (const c of state()!.components) if (c.pid !== null) seenPids.add(c.pid);
}, 180_000);

afterAll(async () => {
  // Only when a test failed half-way: leave nothing running.
  if (stack && stack.exitCode === null && stack.signalCode === null) {
    stack.kill('SIGKILL');
    for (const pid of seenPids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('the local stack', () => {
  it('runs embedded PostgreSQL, Prometheus, Alertmanager and every service, each scraped by Prometheus', () => {
    const s = state()!;
    const byName = new Map(s.components.map((c) => [c.name, c]));
    for (const name of ['postgres', 'prometheus', 'alertmanager', 'accounts', 'gateway']) {
      expect(byName.get(name)).toMatchObject({ state: 'ready', port: expect.any(Number) });
    }
    expect(byName.get('accounts')!.port).toBe(8081 + offset);
    expect(Object.fromEntries(Object.entries(s.targets).map(([job, t]) => [job, t.health]))).toEqual({
      accounts: 'up',
      gateway: 'up',
      stack: 'up',
      prometheus: 'up',
      alertmanager: 'up',
    });
    expect(output).toMatch(/component\s+kind\s+pid\s+url\s+restarts\s+scrape\s+state/);
  });

  it('serves the player API through the gateway with the generated key pair', async () => {
    const gateway = state()!.components.find((c) => c.name === 'gateway')!.url!;
    const email = `stack-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    const register = await fetch(`${gateway}/api/v1/players`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, display_name: 'Stack Test', password }),
    });
    expect(register.status).toBe(201);
    const login = await fetch(`${gateway}/api/v1/players/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };
    const me = await fetch(`${gateway}/api/v1/players/me`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(me.status).toBe(200);
  });

  it('delivers a critical alert from Alertmanager to the pager sink and its journal', async () => {
    const s = state()!;
    const labels = {
      alertname: 'StackTestAlert',
      severity: 'critical',
      slo_service: 'stack-test',
      slo_name: 'x',
    };
    const posted = await fetch(`${s.alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels, annotations: { summary: 'from the stack test' } }]),
    });
    expect(posted.status).toBe(200);
    const notification = await until('the alert did not reach /alerts/pager', 60_000, async () => {
      const body = (await (await fetch(`${s.stack.alerts}?receiver=pager`)).json()) as {
        notifications: { receiver: string; payload: { alerts: { labels: Record<string, string> }[] } }[];
      };
      return body.notifications.find((n) =>
        n.payload.alerts.some((a) => a.labels.alertname === 'StackTestAlert'),
      );
    });
    expect(notification.receiver).toBe('pager');
    expect(readFileSync(join(home, 'alerts.jsonl'), 'utf8')).toContain('StackTestAlert');
  }, 70_000);

  it('restarts a service killed with SIGKILL, counts the restart and records the new pid', async () => {
    const before = state()!.components.find((c) => c.name === 'accounts')!;
    expect(await restartCount('accounts')).toBe(0);
    process.kill(before.pid!, 'SIGKILL');

    const after = await until('accounts was not restarted', 30_000, () => {
      const c = state()?.components.find((x) => x.name === 'accounts');
      return c && c.state === 'ready' && c.pid !== null && c.pid !== before.pid ? c : undefined;
    });
    seenPids.add(after.pid!);
    expect(after.restarts).toBe(1);
    expect(isAlive(before.pid!)).toBe(false);
    expect(await restartCount('accounts')).toBe(1);
    expect(await restartCount('gateway')).toBe(0);
    expect(output).toMatch(/accounts was killed by SIGKILL .*restarting in 1 s \(restart #1\)/);
    const health = await fetch(`${after.url}/readyz`);
    expect(health.status).toBe(200);
  }, 40_000);

  it('stops every process it started on SIGTERM and exits 0', async () => {
    const s = state()!;
    for (const c of s.components) if (c.pid !== null) seenPids.add(c.pid);
    const children = s.components.filter((c) => c.kind !== 'supervisor' && c.pid !== null);
    expect(children.map((c) => c.name).sort()).toEqual([
      'accounts',
      'alertmanager',
      'gateway',
      'postgres',
      'prometheus',
    ]);

    stack.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 60_000)));
    const result = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    expect(result).toEqual({ code: 0, signal: null });

    expect([...seenPids].filter(isAlive)).toEqual([]);
    expect(processesInGroups(seenPids)).toEqual([]);
    expect(state()!.state).toBe('stopped');
    // Services before Prometheus and Alertmanager, PostgreSQL last.
    const order = [...output.matchAll(/stopping (\w+) \(pid/g)].map((m) => m[1]);
    expect(order.indexOf('gateway')).toBeLessThan(order.indexOf('prometheus'));
    expect(order.indexOf('accounts')).toBeLessThan(order.indexOf('alertmanager'));
    expect(order[order.length - 1]).toBe('postgres');
  }, 70_000);
});
