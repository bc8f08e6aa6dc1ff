// End to end on the local stack: real services, PostgreSQL, Kafka, Toxiproxy, Prometheus and
// Alertmanager, with `gameday chaos run` as a child process, judged on real SLO data.
//
// Short intervals, so the whole file takes minutes, not hours (documented in chaos/README.md):
//   GAMEDAY_SCRAPE_INTERVAL_S=2   Prometheus scrapes and evaluates rules every 2 s (default 5 s)
//   GAMEDAY_ALERT_GROUP_WAIT=5s   Alertmanager notifies a new alert group after 5 s (default 30 s)
//   experiments sample every 2 s and judge recovery on a 10 s window (the catalogue: 5 s and 30 s)
//
// Needs `npx tsc -b` first (npm test does it).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { join } from 'node:path';
import { JaegerClient } from '@gameday/signals';
import { REFERENCE_SETS } from '@gameday/pokemon/contract';
import type { Journal } from '../src/journal';
import { FakeKubeApi } from './fake-kube-api';
import {
  randomOffset,
  requireBuilt,
  root,
  sleep,
  StackProcess,
  tempHome,
} from '../../stack/test/stack-process';
import type { StackState } from '@gameday/stack';

const cli = join(root, 'cli', 'dist', 'main.js');
let stack: StackProcess;
let state: StackState;
let dir: string;
let grafana: Server;
const annotations: { method: string; url: string; body: Record<string, unknown> }[] = [];
const seenPids = new Set<number>();

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `gameday chaos <args>` against the test stack; `onStderr` sees progress as it comes. */
function gameday(
  args: string[],
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void,
  env: Record<string, string> = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: root,
    env: {
      ...process.env,
      GAMEDAY_HOME: stack.home,
      GRAFANA_URL: `http://admin:secret@127.0.0.1:${(grafana.address() as AddressInfo).port}`,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    onStderr?.(stderr, child);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 420_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** A catalogue experiment (chaos/experiments) with the test's short intervals; `spec` overrides. */
function catalogue(fileName: string, spec: Record<string, unknown>): { file: string; name: string } {
  const doc = parseYaml(readFileSync(join(root, 'chaos', 'experiments', fileName), 'utf8')) as {
    metadata: { name: string };
    spec: Record<string, unknown> & { hypothesis: Record<string, unknown> };
  };
  const file = join(dir, fileName.replace(/\.yaml$/, '.json'));
  doc.spec = {
    ...doc.spec,
    baseline: '2s',
    sampleInterval: '2s',
    ...spec,
    hypothesis: { ...doc.spec.hypothesis, recoveryWindow: '10s' },
  };
  writeFileSync(file, JSON.stringify(doc));
  return { file, name: doc.metadata.name };
}

/** A service of the stack called directly, as the gateway would (identity headers). */
function direct(service: string, playerId: string, role = 'player') {
  const url = stack.state()!.components.find((c) => c.name === service)!.url!;
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        'x-player-id': playerId,
        'x-player-role': role,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
}

/** Writes an experiment with the test's short intervals; `spec` overrides. */
function experiment(name: string, spec: Record<string, unknown>): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'gameday/v1',
      kind: 'ChaosExperiment',
      metadata: { name, description: `test ${name}` },
      spec: { baseline: '2s', sampleInterval: '2s', ...spec },
    }),
  );
  return file;
}

const reports = () => join(dir, 'reports');

function journalOf(name: string): { path: string; journal: Journal } {
  const file = readdirSync(reports())
    .filter((f) => f.endsWith(`-${name}.json`))
    .sort()
    .at(-1);
  if (!file) throw new Error(`no journal for ${name} in ${reports()}`);
  const path = join(reports(), file);
  return { path, journal: JSON.parse(readFileSync(path, 'utf8')) as Journal };
}

async function faultSwitches(service: string): Promise<{ id: string }[]> {
  const c = stack.state()!.components.find((x) => x.name === service)!;
  const token = readFileSync(join(stack.home, 'keys', 'chaos-token.secret'), 'utf8').trim();
  const r = await fetch(`${c.url}/internal/chaos/faults`, { headers: { authorization: `Bearer ${token}` } });
  return ((await r.json()) as { faults: { id: string }[] }).faults;
}

async function promQuery(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = await fetch(`${state.prometheus.url}/api/v1/query?query=${encodeURIComponent(q)}`);
  return (
    (await r.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }
  ).data.result;
}

beforeAll(async () => {
  requireBuilt([
    'cli/dist/main.js',
    'chaos/dist/index.js',
    'apps/accounts/dist/main.js',
    'apps/gateway/dist/main.js',
  ]);
  dir = mkdtempSync(join(tmpdir(), 'gameday-chaos-'));
  // Grafana is a boundary that cannot run here: a stand-in that keeps the annotation API calls.
  grafana = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      annotations.push({
        method: req.method!,
        url: `${req.url} ${req.headers.authorization ?? ''}`,
        body: body ? (JSON.parse(body) as Record<string, unknown>) : {},
      });
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: annotations.length, message: 'Annotation added' }));
    });
  });
  await new Promise<void>((r) => grafana.listen(0, '127.0.0.1', r));
  stack = new StackProcess(tempHome(), randomOffset(), {
    GAMEDAY_SCRAPE_INTERVAL_S: '2',
    GAMEDAY_ALERT_GROUP_WAIT: '5s',
    GAMEDAY_LOAD: 'node',
    GAMEDAY_LOAD_RPS: '8',
    // Every request traced, so the reports' example traces come from the background load.
    OTEL_TRACES_SAMPLER_ARG: '1',
  });
  state = await stack.waitUntilUp(240_000);
  for (const c of state.components) if (c.pid !== null) seenPids.add(c.pid);
  // Let the SLIs fill: the background load must have been scraped for a recovery window or two.
  await stack.until('gateway traffic in Prometheus', 60_000, async () => {
    const rows = await promQuery(
      'sum(rate(http_server_request_duration_seconds_count{job="accounts"}[10s]))',
    );
    return rows.length && Number(rows[0]!.value[1]) > 0 ? true : undefined;
  });
  await sleep(10_000);
}, 330_000);

afterAll(async () => {
  if (stack) {
    stack.child.kill('SIGTERM');
    if ((await stack.waitForExit(60_000)) === 'timeout') stack.killEverything(seenPids);
    rmSync(stack.home, { recursive: true, force: true });
  }
  grafana?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('gameday chaos run on the local stack', () => {
  it('passes a process kill that the supervisor heals, shows the fault in Prometheus and Grafana, and verify agrees', async () => {
    const accountsBefore = stack.state()!.components.find((c) => c.name === 'accounts')!;
    const file = experiment('heal-accounts', {
      target: { service: 'accounts' },
      fault: { type: 'process-kill' },
      duration: '8s',
      hypothesis: {
        slos: ['gateway/availability'],
        maxBudgetConsumed: '5%',
        recoveryWithin: '1m',
        recoveryWindow: '10s',
      },
    });
    const r = await gameday(['chaos', 'run', file, '--reports', reports()]);
    expect(r.stderr).toMatch(/preflight: admitted/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| heal-accounts \| passed \|/);
    const accountsAfter = stack.state()!.components.find((c) => c.name === 'accounts')!;
    expect(accountsAfter.pid).not.toBe(accountsBefore.pid);
    expect(accountsAfter.restarts).toBe(accountsBefore.restarts + 1);
    const { path, journal } = journalOf('heal-accounts');
    expect(journal.verdict).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(journal.verdict.recoverySeconds).not.toBeNull();
    expect(journal.queries.map((q) => q.id)).toEqual(
      expect.arrayContaining([
        'admission:gateway/availability',
        'recovery:gateway/availability',
        'budget:gateway/availability',
      ]),
    );
    expect(journal.resources.some((s) => s.resource === 'component/accounts')).toBe(true);
    // The gauge was 1 while the fault was on, and is 0 now.
    await stack.until('the chaos gauge scraped', 20_000, async () => {
      const rows = await promQuery(
        'max_over_time(gameday_chaos_experiment_active{experiment="heal-accounts",fault="process-kill"}[5m])',
      );
      return rows.length && rows[0]!.value[1] === '1' ? true : undefined;
    });
    const metrics = await (await fetch(state.stack.metrics)).text();
    expect(metrics).toMatch(
      /gameday_chaos_experiment_active\{experiment="heal-accounts",fault="process-kill"\} 0/,
    );
    // A Grafana annotation at injection, with basic auth from GRAFANA_URL's user info.
    expect(annotations).toContainEqual(
      expect.objectContaining({
        method: 'POST',
        url: expect.stringMatching(/^\/api\/annotations Basic /),
        body: expect.objectContaining({ tags: ['gameday', 'chaos', 'heal-accounts', 'process-kill'] }),
      }),
    );
    const v = await gameday(['chaos', 'verify', path]);
    expect(v.stdout).toMatch(/verified: the recorded verdict matches the evidence/);
    expect(v.code).toBe(0);
  }, 180_000);

  it('fails with exit 1 when the fault breaks the hypothesis, and removes the fault switch', async () => {
    const file = experiment('break-wallet', {
      target: { service: 'wallet' },
      fault: { type: 'http-error', percent: '100%', status: 503 },
      duration: '8s',
      hypothesis: {
        slos: ['wallet/availability'],
        maxBudgetConsumed: '0.001%',
        recoveryWithin: '1m',
        recoveryWindow: '10s',
      },
    });
    const r = await gameday(['chaos', 'run', file, '--reports', reports()]);
    expect(r.code).toBe(1);
    const { journal } = journalOf('break-wallet');
    expect(journal.verdict.status).toBe('failed');
    const budget = journal.verdict.checks.find((c) => c.name === 'maxBudgetConsumed')!;
    expect(budget.passed).toBe(false);
    expect(journal.verdict.budgetConsumed!).toBeGreaterThan(0.00001);
    expect(await faultSwitches('wallet')).toEqual([]);
    // The report shows what players saw: failed wallet traces, each one in Jaeger.
    expect(journal.exampleTraces?.length).toBeGreaterThan(0);
    expect(journal.exampleTraces!.length).toBeLessThanOrEqual(3);
    const jaeger = new JaegerClient(state.traces!.url);
    for (const example of journal.exampleTraces!) {
      expect(example.reason).toBe('error');
      const trace = await jaeger.trace(example.traceId);
      expect(trace?.spans.some((s) => s.service === 'wallet' && s.status === 'error')).toBe(true);
      expect(example.waterfall).toContain(`trace ${example.traceId}`);
    }
    const markdown = readFileSync(journalOf('break-wallet').path.replace(/\.json$/, '.md'), 'utf8');
    expect(markdown).toContain('## Example traces');
    expect(markdown).toContain(journal.exampleTraces![0]!.traceId);
    // Grafana's region got its end.
    expect(annotations.some((a) => a.method === 'PATCH' && typeof a.body.timeEnd === 'number')).toBe(true);
  }, 180_000);

  it('trips the abort guard and rolls back before the duration is over', async () => {
    const file = experiment('abort-casino', {
      target: { service: 'casino' },
      fault: {
        type: 'http-error',
        percent: '100%',
        route: '/api/v1/casino/games/:game/rounds',
        method: 'POST',
      },
      duration: '2m',
      // The previous test broke the wallet, which casino bets need: admit on the last 10 s only.
      hypothesis: {
        slos: ['casino/bet-availability'],
        recoveryWindow: '10s',
        admission: { window: '10s', refuseWhenAlertFiring: false },
      },
      abort: { burnRate: 10, for: '4s', window: '10s' },
    });
    const r = await gameday(['chaos', 'run', file, '--reports', reports()]);
    expect(r.stderr).toMatch(/abort guard tripped: casino\/bet-availability burnt faster than 10× for 4s/);
    expect(r.code).toBe(1);
    const { journal } = journalOf('abort-casino');
    expect(journal.outcome).toBe('aborted');
    expect(journal.timeline.removedAt! - journal.timeline.injectedAt!).toBeLessThan(60);
    expect(journal.verdict.checks.find((c) => c.name === 'abortGuard')).toMatchObject({ passed: false });
    expect(await faultSwitches('casino')).toEqual([]);
  }, 180_000);

  it('on Ctrl-C rolls back: a paused process runs again and a Toxiproxy toxic is gone', async () => {
    const events = stack.state()!.components.find((c) => c.name === 'events')!;
    const pause = experiment('pause-events', {
      target: { service: 'events' },
      fault: { type: 'process-pause' },
      duration: '2m',
      hypothesis: { slos: ['events/latency'], admission: { window: '10s', refuseWhenAlertFiring: false } },
    });
    const stat = () => readFileSync(`/proc/${events.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0];
    let sawStopped = false;
    const r = await gameday(['chaos', 'run', pause, '--reports', reports()], (text, child) => {
      if (!sawStopped && /observe: fault active/.test(text)) {
        sawStopped = stat() === 'T';
        child.kill('SIGINT');
      }
    });
    expect({ sawStopped, code: r.code, stderr: r.stderr }).toEqual({
      sawStopped: true,
      code: 2,
      stderr: expect.stringMatching(/interrupted/),
    });
    expect(r.stderr).toMatch(/rolled back: nothing left injected/);
    expect(stat()).not.toBe('T');
    expect(journalOf('pause-events').journal.outcome).toBe('interrupted');

    const toxiproxy = stack.state()!.components.find((c) => c.name === 'toxiproxy')!.url!;
    const toxics = async () =>
      (await (await fetch(`${toxiproxy}/proxies/gateway-wallet/toxics`)).json()) as {
        name: string;
        attributes: { latency?: number };
      }[];
    const latency = experiment('slow-wallet', {
      target: { service: 'wallet' },
      fault: { type: 'network', action: 'latency', latency: '300ms', from: 'gateway' },
      duration: '2m',
      hypothesis: { slos: ['gateway/latency'], admission: { window: '10s', refuseWhenAlertFiring: false } },
    });
    let during: { name: string; attributes: { latency?: number } }[] | undefined;
    let slowMs = 0;
    const r2 = await gameday(['chaos', 'run', latency, '--reports', reports()], (text, child) => {
      if (during === undefined && /observe: fault active/.test(text)) {
        during = [];
        void (async () => {
          during = await toxics();
          // A request through the gateway→wallet edge now takes the extra 300 ms.
          const started = Date.now();
          const proxy = (await (await fetch(`${toxiproxy}/proxies/gateway-wallet`)).json()) as {
            listen: string;
          };
          await fetch(`http://${proxy.listen}/healthz`);
          slowMs = Date.now() - started;
          child.kill('SIGINT');
        })();
      }
    });
    expect({ code: r2.code, stderr: r2.stderr }).toEqual({
      code: 2,
      stderr: expect.stringMatching(/rolled back/),
    });
    expect(during).toEqual([
      expect.objectContaining({
        name: expect.stringMatching(/^gameday-slow-wallet-/),
        attributes: expect.objectContaining({ latency: 300 }),
      }),
    ]);
    expect(slowMs).toBeGreaterThanOrEqual(290);
    expect(await toxics()).toEqual([]);
  }, 180_000);

  it('refuses to run over leftovers of a crashed run, and `gameday chaos cleanup` removes them', async () => {
    const token = readFileSync(join(stack.home, 'keys', 'chaos-token.secret'), 'utf8').trim();
    const casino = stack.state()!.components.find((c) => c.name === 'casino')!.url!;
    const toxiproxy = stack.state()!.components.find((c) => c.name === 'toxiproxy')!.url!;
    // What a SIGKILLed controller would leave: a fault switch and a toxic named after its run.
    await fetch(`${casino}/internal/chaos/faults/gameday-crashed-1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'latency', delayMs: 1, percent: 0 }),
    });
    await fetch(`${toxiproxy}/proxies/postgres/toxics`, {
      method: 'POST',
      body: JSON.stringify({
        name: 'gameday-crashed-1',
        type: 'latency',
        stream: 'downstream',
        attributes: { latency: 1 },
      }),
    });
    const file = experiment('over-leftovers', {
      target: { service: 'casino' },
      fault: { type: 'http-error', percent: '10%' },
      duration: '10s',
      hypothesis: { slos: ['casino/latency'], admission: { window: '10s', refuseWhenAlertFiring: false } },
    });
    const refused = await gameday(['chaos', 'run', file, '--reports', reports()]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /casino still has fault switches of an earlier run set: gameday-crashed-1\n {2}→ remove them with `gameday chaos cleanup`/,
    );
    const cleanup = await gameday(['chaos', 'cleanup']);
    expect(cleanup.code).toBe(0);
    expect(cleanup.stdout).toMatch(/removed fault switch gameday-crashed-1 on casino/);
    expect(cleanup.stdout).toMatch(/removed toxic gameday-crashed-1 on postgres/);
    expect(await faultSwitches('casino')).toEqual([]);
    expect(await (await fetch(`${toxiproxy}/proxies/postgres/toxics`)).json()).toEqual([]);
    expect((await gameday(['chaos', 'cleanup'])).stdout).toMatch(/nothing injected: the stack is clean/);
  }, 60_000);

  it('detects a 90 s full outage: the critical page fires within the workbook detection time and reaches the pager', async () => {
    const file = experiment('accounts-outage', {
      target: { service: 'accounts' },
      fault: { type: 'http-error', percent: '100%', status: 503 },
      duration: '90s',
      hypothesis: {
        slos: ['accounts/availability'],
        recoveryWithin: '2m',
        recoveryWindow: '10s',
        expectAlert: [
          {
            alertname: 'SLOErrorBudgetBurn',
            labels: { severity: 'critical', slo_service: 'accounts', slo_name: 'availability' },
            within: '1m',
            receiver: 'pager',
          },
        ],
        expectNoAlert: [{ alertname: 'SLOErrorBudgetBurn', labels: { slo_service: 'leaderboard' } }],
      },
    });
    const r = await gameday(['chaos', 'run', file, '--reports', reports()]);
    const { path, journal } = journalOf('accounts-outage');
    expect({ code: r.code, summary: journal.verdict.summary }).toEqual({
      code: 0,
      summary: expect.stringMatching(/hypothesis held/),
    });
    // SRE workbook: at 100% errors a 14.4× burn over 1 h is reached after 0.0144 h ≈ 52 s, plus a
    // scrape and an evaluation (2 s each here).
    expect(journal.verdict.detectionSeconds).not.toBeNull();
    expect(journal.verdict.detectionSeconds!).toBeLessThanOrEqual(56);
    expect(journal.verdict.recoverySeconds).not.toBeNull();
    expect(journal.verdict.checks.find((c) => c.name === 'alertDelivered')).toMatchObject({
      passed: true,
      observed: expect.stringMatching(/^pager notified at/),
    });
    const pager = (await (await fetch(`${state.stack.alerts}?receiver=pager`)).json()) as {
      notifications: { payload: { alerts: { labels: Record<string, string> }[] } }[];
    };
    expect(
      pager.notifications.some((n) =>
        n.payload.alerts.some((a) => a.labels.slo_service === 'accounts' && a.labels.severity === 'critical'),
      ),
    ).toBe(true);
    const md = readFileSync(path.replace(/\.json$/, '.md'), 'utf8');
    expect(md).toMatch(/\| detection time \| \d+(\.\d)?s \|/);
    expect(md).toMatch(/\| recovery time \| \d+/);

    // Tampered evidence: verify recomputes and refuses the recorded verdict.
    const tampered = join(dir, 'tampered.json');
    const copy = JSON.parse(readFileSync(path, 'utf8')) as Journal;
    copy.alerts = copy.alerts.map((s) => ({ ...s, prometheus: [] }));
    writeFileSync(tampered, JSON.stringify(copy));
    const v = await gameday(['chaos', 'verify', tampered]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/differs from the one recomputed from the evidence/);
  }, 420_000);

  it('refuses to start (exit 2) while the target SLO is burning or paging, and injects nothing', async () => {
    const file = experiment('refused', {
      target: { service: 'accounts' },
      fault: { type: 'http-error', percent: '10%' },
      duration: '10s',
      hypothesis: { slos: ['accounts/availability'] },
    });
    const r = await gameday(['chaos', 'run', file, '--reports', reports()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /refused to start: the error budget is already burning: accounts\/availability burns [\d.]+× over 5m \(limit 1×\)/,
    );
    expect(r.stderr).toMatch(
      /SLO alert firing: .*SLOErrorBudgetBurn\{severity="critical",slo_service="accounts",slo_name="availability"\}/,
    );
    expect(journalOf('refused').journal.timeline.injectedAt).toBeUndefined();
    expect(await faultSwitches('accounts')).toEqual([]);
  }, 60_000);

  it('runs the kubernetes engine end to end through the CLI: fake API server, real Prometheus, own gauge', async () => {
    const api = new FakeKubeApi({
      schemasDir: join(root, 'chaos', 'crds'),
      pods: [{ namespace: 'gameday', name: 'wallet-0', labels: { 'app.kubernetes.io/name': 'wallet' } }],
      injectDelayMs: 200,
      recoverDelayMs: 200,
    });
    await api.start();
    try {
      const file = experiment('k8s-pause-wallet', {
        target: { service: 'wallet' },
        fault: { type: 'process-pause' },
        duration: '6s',
        hypothesis: {
          slos: ['gateway/latency'],
          admission: { window: '10s', refuseWhenAlertFiring: false },
          recoveryWithin: '1m',
          recoveryWindow: '10s',
        },
      });
      let gauge = '';
      const r = await gameday(
        [
          'chaos',
          'run',
          file,
          '--engine',
          'kubernetes',
          '--prometheus',
          state.prometheus.url,
          '--alertmanager',
          state.alertmanager.url,
          '--metrics-port',
          '0',
          '--reports',
          reports(),
        ],
        (text) => {
          const m = /served at (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(text);
          if (m && !gauge && /observe: fault active/.test(text)) {
            gauge = 'pending';
            void fetch(m[1]!).then(async (res) => (gauge = await res.text()));
          }
        },
        { KUBECONFIG: api.writeKubeconfig(dir) },
      );
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 0,
        stderr: expect.stringMatching(/created PodChaos gameday\/gameday-k8s-pause-wallet-/),
      });
      expect(gauge).toMatch(
        /gameday_chaos_experiment_active\{experiment="k8s-pause-wallet",fault="process-pause"\} 1/,
      );
      const created = [...api.created.values()].find((o) =>
        o.metadata.name.startsWith('gameday-k8s-pause-wallet-'),
      )!;
      expect(created.spec).toMatchObject({ action: 'pod-failure', duration: '6s' });
      expect(api.live()).toEqual([]);
      const { journal } = journalOf('k8s-pause-wallet');
      expect(journal.engine).toBe('kubernetes');
      // Resource status snapshots: the conditions as they moved.
      const statuses = journal.resources.map((x) => JSON.stringify(x.status));
      expect(statuses.some((x) => x.includes('"AllInjected","status":"True"'))).toBe(true);
    } finally {
      await api.stop();
    }
  }, 180_000);

  it('on an error mid-experiment (Prometheus gone) rolls back and exits 2', async () => {
    // The run reads Prometheus through a TCP relay the test cuts mid-experiment. Killing the real
    // Prometheus raced the stack's supervisor: when it restarted Prometheus before the next sample,
    // the run (rightly) carried on for its whole duration.
    const upstream = new URL(state.prometheus.url);
    const sockets = new Set<Socket>();
    const relay = createNetServer((client) => {
      const server = connect(Number(upstream.port), upstream.hostname);
      sockets.add(client).add(server);
      client.pipe(server).pipe(client);
      const drop = () => {
        client.destroy();
        server.destroy();
      };
      client.on('error', drop).on('close', drop);
      server.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
    const file = experiment('lose-prometheus', {
      target: { service: 'leaderboard' },
      fault: { type: 'http-latency', delay: '200ms' },
      duration: '2m',
      hypothesis: {
        slos: ['leaderboard/latency'],
        admission: { window: '10s', refuseWhenAlertFiring: false },
      },
    });
    let cut = false;
    try {
      const r = await gameday(
        ['chaos', 'run', file, '--reports', reports(), '--prometheus', relayUrl],
        (text) => {
          if (!cut && /observe: fault active/.test(text)) {
            cut = true;
            relay.close();
            for (const s of sockets) s.destroy();
          }
        },
      );
      expect({ cut, code: r.code, stderr: r.stderr }).toEqual({
        cut: true,
        code: 2,
        stderr: expect.any(String),
      });
      expect(r.stderr).toContain(`Prometheus at ${relayUrl} is not reachable`);
      expect(r.stderr).toMatch(/rolled back: nothing left injected/);
      expect(journalOf('lose-prometheus').journal).toMatchObject({
        outcome: 'error',
        verdict: { status: 'error', exitCode: 2 },
      });
      expect(await faultSwitches('leaderboard')).toEqual([]);
    } finally {
      relay.close();
      for (const s of sockets) s.destroy();
    }
  }, 120_000);

  it('game day, pokeapi-outage from the catalogue: the circuit opens, species pages answer from bundled data, no page', async () => {
    const pokemon = direct('pokemon', randomUUID());
    const pokemonUrl = stack.state()!.components.find((c) => c.name === 'pokemon')!.url!;
    // Species pages nobody has read yet: each one asks PokeAPI (through Toxiproxy's pokemon-pokeapi).
    const ids: string[] = [];
    for (let cursor: unknown = null, i = 0; i < 5 && (i === 0 || cursor); i++) {
      const page = await pokemon(
        'GET',
        `/api/v1/pokemon/species?limit=100${cursor ? `&cursor=${String(cursor)}` : ''}`,
      );
      ids.push(...(page.body.items as { id: string }[]).map((x) => x.id));
      cursor = page.body.next_cursor;
    }
    let running = true;
    const answers: number[] = [];
    const statuses = new Set<string>();
    let sawOpen = false;
    const traffic = (async () => {
      for (let i = 0; running && i < ids.length; i++) {
        const r = await pokemon('GET', `/api/v1/pokemon/species/${ids[i]!}`);
        answers.push(r.status);
        statuses.add(String(r.body.enrichment_status));
        const m = await (await fetch(`${pokemonUrl}/metrics`)).text();
        if (/gameday_pokeapi_circuit_state\{state="open"\} 1/.test(m)) sawOpen = true;
        await sleep(150);
      }
    })();
    const { file, name } = catalogue('10-pokeapi-outage.yaml', { duration: '20s' });
    try {
      const r = await gameday(['chaos', 'run', file, '--reports', reports()]);
      expect(r.stderr).toMatch(/preflight: admitted/);
      expect({ code: r.code, stdout: r.stdout }).toEqual({
        code: 0,
        stdout: expect.stringMatching(/passed/),
      });
      expect(journalOf(name).journal.verdict).toMatchObject({ status: 'passed', exitCode: 0 });
    } finally {
      running = false;
      await traffic;
    }
    expect(sawOpen).toBe(true);
    // Every species page answered, with or without PokeAPI.
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((s) => s !== 200)).toEqual([]);
    expect([...statuses]).toEqual(expect.arrayContaining(['fresh', 'unavailable']));
  }, 240_000);

  it('game day, scheduler-kill-mid-tournament from the catalogue: the tournament completes, no battle played twice', async () => {
    const admin = direct('scheduler', randomUUID(), 'admin');
    const created = await admin('POST', '/api/v1/tournaments', {
      name: 'Game day cup',
      kind: 'single-elimination',
      max_entrants: 4,
      starts_at: new Date(Date.now() + 3_000).toISOString(),
    });
    expect(created.status).toBe(201);
    const tournament = String(created.body.id);
    const sets = REFERENCE_SETS as unknown as Record<string, unknown>[];
    const trainers: { id: string; pokemon: ReturnType<typeof direct> }[] = [];
    for (let i = 0; i < 4; i++) {
      const id = randomUUID();
      const pokemon = direct('pokemon', id);
      trainers.push({ id, pokemon });
      await pokemon('PUT', '/api/v1/pokemon/trainers/me', { name: `Gameday ${i + 1}` });
      const members: string[] = [];
      for (const set of sets.slice(0, 2))
        members.push(String((await pokemon('POST', '/api/v1/pokemon/trainers/me/pokemon', set)).body.id));
      const team = await pokemon('POST', '/api/v1/pokemon/trainers/me/teams', {
        name: 'Cup',
        pokemon: members,
      });
      const entry = await direct('scheduler', id)('POST', `/api/v1/tournaments/${tournament}/entries`, {
        team_id: team.body.id,
      });
      expect(entry.status).toBe(201);
    }
    // Mid-tournament: round 1 played, round 2 waiting for its turn (rounds are 15 s apart).
    await stack.until('round 1 of the game-day cup played', 60_000, async () => {
      const t = await admin('GET', `/api/v1/tournaments/${tournament}`);
      const matches = (t.body.matches as { round: number; played_at: string | null }[]) ?? [];
      return matches.filter((m) => m.round === 1 && m.played_at).length === 2 ? true : undefined;
    });
    const before = stack.state()!.components.find((c) => c.name === 'scheduler')!;
    const { file, name } = catalogue('11-scheduler-kill-mid-tournament.yaml', { duration: '15s' });
    const r = await gameday(['chaos', 'run', file, '--reports', reports()]);
    expect(r.stderr).toMatch(/preflight: admitted/);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/passed/) });
    expect(journalOf(name).journal.verdict).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(stack.state()!.components.find((c) => c.name === 'scheduler')!.pid).not.toBe(before.pid);

    const done = await stack.until('the game-day cup finished', 90_000, async () => {
      const t = await admin('GET', `/api/v1/tournaments/${tournament}`);
      return t.body.status === 'finished' ? t.body : undefined;
    });
    const matches = done.matches as {
      round: number;
      p1: string;
      p2: string | null;
      battle_id: string | null;
      winner_id: string | null;
    }[];
    expect(matches.map((m) => m.round)).toEqual([1, 1, 2]);
    expect(new Set(matches.map((m) => m.battle_id)).size).toBe(3);
    expect(done.winner_id).toBe(matches[2]!.winner_id ?? matches[2]!.p1);
    // The pokemon service played one battle per match, none twice: each trainer has exactly the
    // battles of the matches they played, each the one its match records.
    for (const t of trainers) {
      const mine = matches.filter((m) => m.p1 === t.id || m.p2 === t.id).map((m) => m.battle_id);
      const list = await t.pokemon('GET', '/api/v1/pokemon/battles?limit=100');
      expect((list.body.items as { id: string }[]).map((b) => b.id).sort()).toEqual([...mine].sort());
    }
  }, 300_000);
});
