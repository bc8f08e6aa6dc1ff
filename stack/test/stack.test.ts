// The whole local stack as a real child process (`node stack/dist/main.js`): embedded PostgreSQL,
// Prometheus, Alertmanager and the real services, in a temporary GAMEDAY_HOME on shifted ports so a
// developer's stack keeps running beside it. Needs `npx tsc -b` first (npm test does it).

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkQueries, formatFailures, type Dashboard } from '@gameday/dashboards';
import { METRICS } from '@gameday/telemetry/contract';
import { eventually } from '@gameday/testing';
import type { StackState } from '../src/state-file';
import {
  isAlive,
  processesInGroups,
  randomOffset,
  requireBuilt,
  root,
  StackProcess,
  tempHome,
} from './stack-process';

let stack: StackProcess;
let started: StackState;
const seenPids = new Set<number>();

const component = (name: string) => stack.state()!.components.find((c) => c.name === name)!;

async function restartCount(service: string): Promise<number> {
  const url = stack.state()!.stack.metrics;
  const text = await (await fetch(url)).text();
  const m = text.match(new RegExp(`^gameday_stack_restarts_total\\{service="${service}"\\} (\\d+)$`, 'm'));
  if (!m) throw new Error(`no gameday_stack_restarts_total{service="${service}"} in ${url}:\n${text}`);
  return Number(m[1]);
}

beforeAll(async () => {
  requireBuilt(['apps/accounts/dist/main.js', 'apps/gateway/dist/main.js']);
  stack = new StackProcess(tempHome(), randomOffset());
  started = await stack.waitUntilUp();
  for (const c of started.components) if (c.pid !== null) seenPids.add(c.pid);
}, 180_000);

afterAll(() => {
  if (!stack) return;
  // Only when a test failed half-way: leave nothing running.
  stack.killEverything(seenPids);
  rmSync(stack.home, { recursive: true, force: true });
});

describe('the local stack', () => {
  it('runs embedded PostgreSQL, Kafka, Prometheus, Alertmanager, Jaeger, VictoriaLogs, the log agent and every service, each scraped by Prometheus', async () => {
    const byName = new Map(started.components.map((c) => [c.name, c]));
    for (const name of [
      'postgres',
      'kafka',
      'prometheus',
      'alertmanager',
      'jaeger',
      'victorialogs',
      'logagent',
      'accounts',
      'wallet',
      'casino',
      'pokeapi',
      'pokemon',
      'scheduler',
      'gateway',
      'stack',
    ]) {
      expect(byName.get(name)).toMatchObject({ state: 'ready', pid: expect.any(Number) });
    }
    expect(byName.get('accounts')!.port).toBe(8081 + stack.offset);
    expect(byName.get('load')).toMatchObject({ kind: 'load', state: 'ready', pid: expect.any(Number) });
    // The backends' own metrics are scraped too (their first scrape may come after the services').
    const targets = await stack.until('every job scraped', 30_000, () => {
      const t = stack.state()!.targets;
      return Object.keys(t).length >= 14 && Object.values(t).every((x) => x.health === 'up') ? t : undefined;
    });
    expect(Object.fromEntries(Object.entries(targets).map(([job, t]) => [job, t.health]))).toEqual({
      jaeger: 'up',
      victorialogs: 'up',
      logagent: 'up',
      accounts: 'up',
      wallet: 'up',
      casino: 'up',
      pokemon: 'up',
      scheduler: 'up',
      events: 'up',
      leaderboard: 'up',
      gateway: 'up',
      stack: 'up',
      prometheus: 'up',
      alertmanager: 'up',
    });
    expect(stack.output).toMatch(/component\s+kind\s+pid\s+url\s+restarts\s+scrape\s+state/);
    expect(stack.output).toMatch(/gateway\s+service\s+\d+\s+http:\/\/127\.0\.0\.1:\d+\s+0\s+up\s+ready/);
  });

  it('runs every service on the Node pinned by package.json, whatever node the machine has', async () => {
    const pinned = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;
    for (const name of [
      'accounts',
      'wallet',
      'casino',
      'pokemon',
      'scheduler',
      'events',
      'leaderboard',
      'gateway',
    ]) {
      const text = await (await fetch(`${component(name).url!}/metrics`)).text();
      // prom-client's nodejs_version_info: the service process's own process.version.
      expect([name, /nodejs_version_info\{version="(v[\d.]+)"/.exec(text)?.[1]]).toEqual([
        name,
        `v${pinned}`,
      ]);
      // What it says it is: the checkout's version and commit, and the same in gameday_build_info.
      const version = (await (await fetch(`${component(name).url!}/version`)).json()) as Record<
        string,
        unknown
      >;
      expect(version).toMatchObject({
        service: name,
        revision: expect.stringMatching(/^[0-9a-f]{40}$/),
        node: `v${pinned}`,
      });
      expect(text).toContain(
        `gameday_build_info{service="${name}",version="${String(version.version)}",revision="${String(version.revision)}"} 1`,
      );
    }
  });

  it('sends steady background traffic (k6) through the gateway, so the SLIs have data', async () => {
    const metrics = `${component('gateway').url!}/metrics`;
    // Successful player requests on the gateway, over every route and method.
    const served = async () => {
      const text = await (await fetch(metrics)).text();
      let total = 0;
      for (const m of text.matchAll(
        /^http_server_request_duration_seconds_count\{[^}]*http_route="\/api\/v1\/[^"]*",http_response_status_code="2\d\d"\} (\d+)$/gm,
      ))
        total += Number(m[1]);
      return total;
    };
    // k6 compiles the journeys and sets up its admin first: allow it a minute.
    await eventually(async () => ((await served()) >= 10 ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 1000,
      what: '10 successful player requests on the gateway',
    });
    expect(component('load').description).toMatch(/k6/);
  }, 70_000);

  it('keeps the background load out of a real player’s rate-limit budget (it sends from another address)', async () => {
    // k6 runs a journey every 2 s (hundreds of requests a minute); a person's curl comes from
    // 127.0.0.1 and must find its per-address budget (600 a minute) untouched by them.
    await new Promise((r) => setTimeout(r, 5_000));
    const res = await fetch(`${component('gateway').url!}/api/v1/players/me`);
    expect(res.status).toBe(401);
    const header = res.headers.get('ratelimit') ?? '';
    const remaining = Number(/r=(\d+)/.exec(header)?.[1]);
    expect([header, remaining >= 570]).toEqual([header, true]);
  });

  it('serves the player API through the gateway with the key pair it generated', async () => {
    const gateway = component('gateway').url!;
    const email = `stack-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    const json = { 'content-type': 'application/json' };
    const register = await fetch(`${gateway}/api/v1/players`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email, display_name: 'Stack Test', password }),
    });
    expect(register.status).toBe(201);
    const login = await fetch(`${gateway}/api/v1/players/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };
    const me = await fetch(`${gateway}/api/v1/players/me`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(me.status).toBe(200);
    expect(readFileSync(join(stack.home, 'keys', 'jwt-ed25519.key.pem'), 'utf8')).toMatch(
      /^-----BEGIN PRIVATE KEY-----/,
    );
  });

  it('delivers a critical alert from Alertmanager to the pager sink and its journal', async () => {
    const s = stack.state()!;
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
    const notification = await stack.until('the alert did not reach /alerts/pager', 60_000, async () => {
      const body = (await (await fetch(`${s.stack.alerts}?receiver=pager`)).json()) as {
        notifications: { receiver: string; payload: { alerts: { labels: Record<string, string> }[] } }[];
      };
      return body.notifications.find((n) =>
        n.payload.alerts.some((a) => a.labels.alertname === 'StackTestAlert'),
      );
    });
    expect(notification.receiver).toBe('pager');
    expect(readFileSync(join(stack.home, 'alerts.jsonl'), 'utf8')).toContain('StackTestAlert');
  }, 70_000);

  it('restarts a service killed with SIGKILL, counts the restart and records the new pid', async () => {
    const before = component('accounts');
    expect(await restartCount('accounts')).toBe(0);
    process.kill(before.pid!, 'SIGKILL');

    const after = await stack.until('accounts was not restarted', 30_000, () => {
      const c = stack.state()?.components.find((x) => x.name === 'accounts');
      return c && c.state === 'ready' && c.pid !== null && c.pid !== before.pid ? c : undefined;
    });
    seenPids.add(after.pid!);
    expect(after.restarts).toBe(1);
    expect(isAlive(before.pid!)).toBe(false);
    expect(await restartCount('accounts')).toBe(1);
    expect(await restartCount('gateway')).toBe(0);
    expect(stack.output).toMatch(
      /accounts was killed by SIGKILL \(pid \d+\); restarting in 1 s \(restart #1\)/,
    );
    expect((await fetch(`${after.url}/readyz`)).status).toBe(200);
  }, 40_000);

  it('feeds every dashboard: each PromQL panel query of dashboards/generated has data, a chaos run’s too', async () => {
    // A short real experiment through the CLI, so the game-day dashboard's series exist.
    const dir = mkdtempSync(join(tmpdir(), 'gameday-dash-'));
    const file = join(dir, 'dashboards-errors.yaml');
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'gameday/v1',
        kind: 'ChaosExperiment',
        metadata: { name: 'dashboards-errors', description: 'a few casino 503s for the dashboards test' },
        spec: {
          target: { service: 'casino' },
          fault: { type: 'http-error', percent: '20%', status: 503 },
          duration: '6s',
          baseline: '2s',
          sampleInterval: '2s',
          hypothesis: { slos: ['casino/availability'], recoveryWithin: '1m', recoveryWindow: '10s' },
        },
      }),
    );
    // Not spawnSync: the stack's output must keep flowing while the run lasts.
    const child = spawn(
      process.execPath,
      [join(root, 'cli', 'dist', 'main.js'), 'chaos', 'run', file, '--reports', dir],
      { cwd: root, env: { ...process.env, GAMEDAY_HOME: stack.home }, timeout: 150_000 },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const status = await new Promise<number | null>((r) => child.once('close', r));
    const run = { stderr, status };
    rmSync(dir, { recursive: true, force: true });
    expect(run.stderr).toMatch(/preflight: admitted/);
    expect([0, 1]).toContain(run.status);

    const prometheus = stack.state()!.prometheus.url;
    await stack.until('the chaos result scraped', 30_000, async () => {
      const q = `${METRICS.chaosLastRun}{experiment="dashboards-errors"}`;
      const r = (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
        data: { result: unknown[] };
      };
      return r.data.result.length > 0 ? true : undefined;
    });

    const dashDir = join(root, 'dashboards', 'generated');
    const dashboards = readdirSync(dashDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dashDir, f), 'utf8')) as Dashboard);
    // Up to the next whole second: a sample scraped a moment ago is not after the end of the range.
    const end = Math.ceil(Date.now() / 1000);
    const checks = await checkQueries(dashboards, {
      prometheusUrl: prometheus,
      start: Math.floor(stack.startedAt / 1000),
      end,
    });
    // A query without series fails here naming its dashboard and panel.
    expect(formatFailures(checks)).toBe('');
    expect(checks.filter((c) => c.status === 'ok').length).toBeGreaterThan(500);
    // ALERTS are checked against the loaded rules; after a run the chaos series are real, except
    // detection time (no alert fires in 6 s).
    expect(
      checks
        .filter((c) => c.status === 'exported')
        .map((c) => c.detail)
        .filter((d) => !d.startsWith(METRICS.chaosDetection)),
    ).toEqual([]);
    expect(checks.some((c) => c.status === 'alert-rule')).toBe(true);
  }, 240_000);

  it('stops every process it started on SIGTERM, services first and the data stores last, and exits 0', async () => {
    const s = stack.state()!;
    for (const c of s.components) if (c.pid !== null) seenPids.add(c.pid);
    const children = s.components.filter((c) => c.kind !== 'supervisor' && c.pid !== null);
    expect(children.map((c) => c.name).sort()).toEqual([
      'accounts',
      'alertmanager',
      'casino',
      'events',
      'gateway',
      'jaeger',
      'kafka',
      'leaderboard',
      'load',
      'logagent',
      'pokeapi',
      'pokemon',
      'postgres',
      'prometheus',
      'scheduler',
      'toxiproxy',
      'victorialogs',
      'wallet',
    ]);

    stack.child.kill('SIGTERM');
    expect(await stack.waitForExit(60_000)).toEqual({ code: 0, signal: null });

    expect([...seenPids].filter(isAlive)).toEqual([]);
    expect(processesInGroups(seenPids)).toEqual([]);
    expect(stack.state()!.state).toBe('stopped');
    const order = [...stack.output.matchAll(/stopping (\w+) \(pid/g)].map((m) => m[1]);
    expect(order.indexOf('load')).toBeLessThan(order.indexOf('gateway'));
    expect(order.indexOf('gateway')).toBeLessThan(order.indexOf('accounts'));
    // The casino settles through the wallet: it stops first.
    expect(order.indexOf('gateway')).toBeLessThan(order.indexOf('casino'));
    expect(order.indexOf('casino')).toBeLessThan(order.indexOf('wallet'));
    // The scheduler calls the pokemon service, which calls the PokeAPI double.
    expect(order.indexOf('scheduler')).toBeLessThan(order.indexOf('pokemon'));
    expect(order.indexOf('pokemon')).toBeLessThan(order.indexOf('pokeapi'));
    expect(order.indexOf('accounts')).toBeLessThan(order.indexOf('prometheus'));
    expect(order.indexOf('accounts')).toBeLessThan(order.indexOf('alertmanager'));
    // The services' last spans and lines still find their backends; the agent before the log store.
    expect(order.indexOf('accounts')).toBeLessThan(order.indexOf('jaeger'));
    expect(order.indexOf('accounts')).toBeLessThan(order.indexOf('logagent'));
    expect(order.indexOf('logagent')).toBeLessThan(order.indexOf('victorialogs'));
    // PostgreSQL and Kafka stop together, after everything else but the Toxiproxy in front of them.
    expect(order.slice(-3, -1).sort()).toEqual(['kafka', 'postgres']);
    expect(order.at(-1)).toBe('toxiproxy');
  }, 70_000);
});
