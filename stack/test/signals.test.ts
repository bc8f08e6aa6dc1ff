// What an SRE sees, end to end on the real local stack: a bet's trace in Jaeger across gateway,
// casino, wallet (with their PostgreSQL queries) and the leaderboard's Kafka consumer; the same
// request's log lines in VictoriaLogs by trace id; an injected error as an error span and an error
// line; and both backends going away and coming back without the services noticing.
// Needs `npx tsc -b` and the Go tools (npm test's bootstrap builds them).

import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { JaegerClient, VictoriaLogsClient, type Span, type Trace } from '@gameday/signals';
import type { StackState } from '../src/state-file';
import { randomOffset, requireBuilt, root, StackProcess, tempHome } from './stack-process';

let stack: StackState;
let proc: StackProcess;
let gateway: string;
let jaeger: JaegerClient;
let logs: VictoriaLogsClient;
let player: string;
const seenPids = new Set<number>();

const json = { 'content-type': 'application/json' };
const pidOf = (name: string) => proc.state()!.components.find((c) => c.name === name)!.pid!;
const newTraceId = () => randomBytes(16).toString('hex');
/** A sampled traceparent: the stack keeps one new trace in ten, a caller's sampled flag decides here. */
const traceparent = (traceId: string, parent: string) => `00-${traceId}-${parent}-01`;

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${gateway}${path}`, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json().catch(() => undefined)) as Record<string, unknown> };
}

async function login(email: string, password: string): Promise<string> {
  await post('/api/v1/players', { email, display_name: email.split('@')[0], password });
  const r = await post('/api/v1/players/login', { email, password });
  expect(r.status).toBe(200);
  return r.body.access_token as string;
}

async function bet(traceId: string, parent: string) {
  return post(
    '/api/v1/casino/games/coin-flip/rounds',
    { stake: '1.00', bet: { side: 'heads' } },
    {
      authorization: `Bearer ${player}`,
      'idempotency-key': randomUUID(),
      traceparent: traceparent(traceId, parent),
    },
  );
}

/** The trace once `complete` holds for it. */
function traceWhere(
  traceId: string,
  what: string,
  complete: (t: Trace) => boolean,
  timeoutMs = 30_000,
): Promise<Trace> {
  return proc.until(`trace ${traceId}: ${what}`, timeoutMs, async () => {
    const t = await jaeger.trace(traceId).catch(() => undefined);
    return t && complete(t) ? t : undefined;
  });
}

async function metric(url: string, pattern: RegExp): Promise<number> {
  const text = await (await fetch(url)).text();
  return pattern.exec(text) ? Number(pattern.exec(text)![1]) : 0;
}

beforeAll(async () => {
  requireBuilt([
    'apps/gateway/dist/main.js',
    'apps/casino/dist/main.js',
    'apps/leaderboard/dist/main.js',
    'cli/dist/main.js',
  ]);
  // No background load: every trace and line in the backends is this file's.
  proc = new StackProcess(tempHome(), randomOffset(), {
    GAMEDAY_LOAD_RPS: '0',
    GAMEDAY_SCRAPE_INTERVAL_S: '2',
  });
  stack = await proc.waitUntilUp(240_000);
  for (const c of stack.components) if (c.pid !== null) seenPids.add(c.pid);
  gateway = stack.components.find((c) => c.name === 'gateway')!.url!;
  jaeger = new JaegerClient(stack.traces!.url);
  logs = new VictoriaLogsClient(stack.logs!.url);
  const admin = await login('admin@gameday.local', 'an admin password 123');
  const email = `signals-${Date.now()}@example.com`;
  const reg = await post('/api/v1/players', {
    email,
    display_name: 'Signals',
    password: 'correct horse battery staple',
  });
  player = await login(email, 'correct horse battery staple');
  const deposit = await post(
    '/api/v1/wallet/deposits',
    { player_id: reg.body.id, amount: '100.00' },
    { authorization: `Bearer ${admin}`, 'idempotency-key': randomUUID() },
  );
  expect(deposit.status).toBe(201);
}, 300_000);

afterAll(async () => {
  if (!proc) return;
  for (const name of ['jaeger', 'victorialogs']) {
    try {
      process.kill(pidOf(name), 'SIGCONT');
    } catch {
      // not running
    }
  }
  proc.child.kill('SIGTERM');
  if ((await proc.waitForExit(60_000)) === 'timeout') proc.killEverything(seenPids);
  rmSync(proc.home, { recursive: true, force: true });
});

describe('traces and logs on the local stack', () => {
  it('lists both backends in stack.json, and Prometheus scrapes their own metrics', async () => {
    expect(stack.traces).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      otlp: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    expect(stack.logs).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    await proc.until('jaeger, victorialogs and logagent scraped', 60_000, () => {
      const t = proc.state()!.targets;
      return ['jaeger', 'victorialogs', 'logagent'].every((j) => t[j]?.health === 'up') ? true : undefined;
    });
  });

  it('follows one coin-flip bet through gateway, casino, wallet (with their queries) and the leaderboard via Kafka, in one trace', async () => {
    const traceId = newTraceId();
    const caller = randomBytes(8).toString('hex');
    const r = await bet(traceId, caller);
    expect(r.status).toBe(201);
    const has = (t: Trace, f: (s: Span) => boolean) => t.spans.some(f);
    const trace = await traceWhere(
      traceId,
      'gateway, casino, wallet, their queries and the leaderboard consumer',
      (t) =>
        has(
          t,
          (s) =>
            s.service === 'leaderboard' && s.attributes['messaging.destination.name'] === 'gameday.events',
        ) &&
        has(t, (s) => s.service === 'wallet' && s.attributes['db.system.name'] === 'postgresql') &&
        has(t, (s) => s.service === 'casino' && s.attributes['db.system.name'] === 'postgresql'),
      60_000,
    );
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    expect(new Set(trace.spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    // The gateway's server span is the child of the caller's traceparent; every other span's parent is in the trace.
    const roots = trace.spans.filter((s) => !byId.has(s.parentSpanId));
    expect(roots.map((s) => [s.service, s.kind, s.parentSpanId])).toEqual([['gateway', 'server', caller]]);
    const ancestors = (s: Span): Span[] =>
      byId.has(s.parentSpanId) ? [byId.get(s.parentSpanId)!, ...ancestors(byId.get(s.parentSpanId)!)] : [];
    const serverOf = (service: string) =>
      trace.spans.find((s) => s.service === service && s.kind === 'server')!;
    // casino under a gateway client span, wallet under a casino client span, queries under their service.
    expect(byId.get(serverOf('casino').parentSpanId)).toMatchObject({ service: 'gateway', kind: 'client' });
    expect(byId.get(serverOf('wallet').parentSpanId)).toMatchObject({ service: 'casino', kind: 'client' });
    for (const q of trace.spans.filter((s) => s.attributes['db.system.name'] === 'postgresql'))
      expect(['casino', 'wallet']).toContain(ancestors(q)[0]!.service);
    // The leaderboard's span descends from the casino's round, through the outbox and Kafka.
    const consumer = trace.spans.find((s) => s.service === 'leaderboard')!;
    expect(ancestors(consumer).map((s) => s.service)).toContain('casino');

    // The same request's log lines, found by trace id: one per service at least.
    const lines = await proc.until("the bet's log lines in VictoriaLogs", 30_000, async () => {
      const found = await logs.query(`_time:10m trace_id:=${JSON.stringify(traceId)}`);
      const services = new Set(found.map((l) => l.service));
      return ['gateway', 'casino', 'wallet'].every((s) => services.has(s)) ? found : undefined;
    });
    for (const line of lines) {
      expect(line).toMatchObject({ traceId, level: expect.stringMatching(/^(info|http|debug|warn)$/) });
      expect(line.requestId).not.toBe('');
    }

    // What an engineer types: the waterfall with the log lines, found through the stack's stack.json.
    const cli = spawnSync(process.execPath, [join(root, 'cli', 'dist', 'main.js'), 'trace', traceId], {
      cwd: root,
      env: { ...process.env, GAMEDAY_HOME: proc.home },
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain(
      `trace ${traceId} · ${trace.spans.length} spans · 4 services (casino, gateway, leaderboard, wallet)`,
    );
    expect(cli.stdout).toMatch(/└ wallet +POST \/internal\/v1\/bets/);
    expect(cli.stdout).toMatch(/» \d\d:\d\d:\d\d\.\d{3} info +casino: request/);
  });

  it('shows an error injected with the fault switch as an error span and an error line with the same trace id', async () => {
    const token = readFileSync(join(proc.home, 'keys', 'chaos-token.secret'), 'utf8').trim();
    const casino = stack.components.find((c) => c.name === 'casino')!.url!;
    const put = await fetch(`${casino}/internal/chaos/faults/signals-test`, {
      method: 'PUT',
      headers: { ...json, authorization: `Bearer ${token}` },
      body: JSON.stringify({
        kind: 'error',
        status: 500,
        route: '/api/v1/casino/games/:game/rounds',
        ttlSeconds: 60,
      }),
    });
    expect(put.status).toBeLessThan(300);
    const traceId = newTraceId();
    try {
      const r = await bet(traceId, randomBytes(8).toString('hex'));
      expect(r.status).toBeGreaterThanOrEqual(500);
    } finally {
      await fetch(`${casino}/internal/chaos/faults/signals-test`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
    }
    const trace = await traceWhere(traceId, 'an error span of the casino', (t) =>
      t.spans.some((s) => s.service === 'casino' && s.status === 'error'),
    );
    expect(trace.spans.find((s) => s.service === 'casino' && s.kind === 'server')).toMatchObject({
      status: 'error',
    });
    const errors = await proc.until('an error line with the trace id', 30_000, async () => {
      const found = await logs.query(`_time:10m trace_id:=${JSON.stringify(traceId)} level:=error`);
      return found.some((l) => l.service === 'casino') ? found : undefined;
    });
    expect(errors.every((l) => l.traceId === traceId && l.level === 'error')).toBe(true);
  });

  it('keeps serving while Jaeger hangs, counts the spans it cannot deliver, and delivers again once Jaeger is back', async () => {
    const metrics = `${gateway}/metrics`;
    const failed = /^gameday_telemetry_spans_dropped_total\{reason="export_failed"\} (\d+)/m;
    const before = await metric(metrics, failed);
    process.kill(pidOf('jaeger'), 'SIGSTOP');
    try {
      // Every request is answered while the backend does not answer at all.
      for (let i = 0; i < 20; i++) {
        const r = await fetch(`${gateway}/api/v1/wallet`, {
          headers: {
            authorization: `Bearer ${player}`,
            traceparent: traceparent(newTraceId(), randomBytes(8).toString('hex')),
          },
        });
        expect(r.status).toBe(200);
      }
      // The exporter gives up on the batch after its timeout (10 s): counted, not kept.
      await proc.until('spans counted as dropped', 45_000, async () =>
        (await metric(metrics, failed)) > before ? true : undefined,
      );
    } finally {
      process.kill(pidOf('jaeger'), 'SIGCONT');
    }
    const traceId = newTraceId();
    const r = await fetch(`${gateway}/api/v1/wallet`, {
      headers: {
        authorization: `Bearer ${player}`,
        traceparent: traceparent(traceId, randomBytes(8).toString('hex')),
      },
    });
    expect(r.status).toBe(200);
    await traceWhere(traceId, 'delivered after Jaeger came back', (t) =>
      t.spans.some((s) => s.service === 'wallet'),
    );
  }, 120_000);

  it('keeps serving while VictoriaLogs hangs, and the lines written meanwhile arrive once it is back', async () => {
    const marker = `/api/v1/signals-${randomUUID()}`;
    const agent = `${proc.state()!.components.find((c) => c.name === 'logagent')!.url}/metrics`;
    const accepted = /^otelcol_receiver_accepted_log_records(?:_total)?\{[^}]*\} (\d+)/m;
    const before = await metric(agent, accepted);
    process.kill(pidOf('victorialogs'), 'SIGSTOP');
    try {
      for (let i = 0; i < 5; i++) expect((await fetch(`${gateway}${marker}`)).status).toBe(404);
      // The agent has read them from the files...
      await proc.until('the agent read the lines', 30_000, async () =>
        (await metric(agent, accepted)) >= before + 5 ? true : undefined,
      );
      // ...and the outage lasts past its batch timeout (1 s): the batch meets a backend that does not answer.
      await new Promise((r) => setTimeout(r, 3_000));
    } finally {
      process.kill(pidOf('victorialogs'), 'SIGCONT');
    }
    const lines = await proc.until('the lines written during the outage', 60_000, async () => {
      const found = await logs.query(`_time:10m url_path:=${JSON.stringify(marker)}`).catch(() => []);
      return found.length >= 5 ? found : undefined;
    });
    expect(lines.map((l) => l.service)).toContain('gateway');
  }, 120_000);

  it('stays within its memory budget: the backends and the whole stack, measured', () => {
    const rss = (pid: number) =>
      Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
    const state = proc.state()!;
    const per = Object.fromEntries(
      state.components
        .filter((c) => c.pid !== null && c.kind !== 'supervisor')
        .map((c) => [c.name, rss(c.pid!)]),
    );
    const backends = per.jaeger! + per.victorialogs! + per.logagent!;
    const total = Object.values(per).reduce((a, b) => a + b, 0);
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
    process.stdout.write(
      `stack RSS ${mib(total)} (trace and log backends ${mib(backends)}: jaeger ${mib(per.jaeger!)}, victorialogs ${mib(per.victorialogs!)}, logagent ${mib(per.logagent!)})\n`,
    );
    // The budget: +1 GiB over the stack without them.
    expect(backends).toBeLessThan(2 ** 30);
  });
});
