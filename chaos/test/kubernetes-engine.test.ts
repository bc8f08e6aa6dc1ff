// The kubernetes engine against a fake Kubernetes API server (no cluster runs here): for each fault
// kind, the Chaos Mesh resource is created (and accepted by the CRD schema the fake validates with),
// watched until AllInjected, deleted and confirmed gone; a finalizer that never goes is reported with
// the way out; and --dry-run prints manifests that validate. Needs `npx tsc -b` (npm test does it).

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { FakeKubeApi } from './fake-kube-api';
import { validateManifest } from '../src/engines/chaos-mesh';

const root = resolve(__dirname, '..', '..');
const driver = join(__dirname, 'fixtures', 'k8s-engine-driver.js');
const cli = join(root, 'cli', 'dist', 'main.js');
// The CRD schemas the engine validates against: one home, chaos/crds (the fake API server reads them too).
const schemasDir = join(root, 'chaos', 'crds');

let api: FakeKubeApi;
let dir: string;
let kubeconfig: string;

const services = ['accounts', 'wallet', 'casino', 'gateway', 'kafka', 'leaderboard', 'postgres'];

beforeAll(async () => {
  api = new FakeKubeApi({
    schemasDir,
    pods: services.map((s) => ({
      namespace: 'gameday',
      name: `${s}-0`,
      labels: { 'app.kubernetes.io/name': s },
    })),
    injectDelayMs: 150,
    recoverDelayMs: 150,
  });
  await api.start();
  dir = mkdtempSync(join(tmpdir(), 'gameday-k8s-'));
  kubeconfig = api.writeKubeconfig(dir);
});

afterAll(async () => {
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

function experiment(name: string, target: string, fault: Record<string, unknown>): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'gameday/v1',
      kind: 'ChaosExperiment',
      metadata: { name },
      spec: {
        target: { service: target },
        fault,
        duration: '10s',
        hypothesis: { slos: ['gateway/availability'] },
      },
    }),
  );
  return file;
}

/** Runs the driver as a child process (asynchronously: the fake API server lives in this process). */
async function drive(file: string, runId: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [driver, file, runId], {
    env: { ...process.env, KUBECONFIG: kubeconfig, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const status = await new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  clearTimeout(timer);
  const r = { status, stdout, stderr };
  if (process.env.DEBUG_DRIVER) console.log(stdout, stderr);
  const steps = r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map(
      (l) =>
        JSON.parse(l) as {
          step: string;
          message?: string;
          rollback?: string;
          leftovers?: string[];
          snapshot?: { resource: string; status: { conditions: { type: string; status: string }[] } }[];
        },
    );
  return { status: r.status, steps, stderr: r.stderr };
}

const KINDS: [string, string, Record<string, unknown>, string, Record<string, unknown>][] = [
  ['pod-kill', 'accounts', { type: 'process-kill' }, 'PodChaos', { action: 'pod-kill' }],
  [
    'container-kill',
    'accounts',
    { type: 'process-kill', container: 'accounts' },
    'PodChaos',
    { action: 'container-kill', containerNames: ['accounts'] },
  ],
  [
    'pod-failure',
    'wallet',
    { type: 'process-pause' },
    'PodChaos',
    { action: 'pod-failure', duration: '10s' },
  ],
  ['broker-kill', 'kafka', { type: 'kafka-broker-kill' }, 'PodChaos', { action: 'pod-kill' }],
  [
    'net-delay',
    'wallet',
    { type: 'network', action: 'latency', latency: '500ms', from: 'gateway' },
    'NetworkChaos',
    { action: 'delay', direction: 'to', delay: expect.objectContaining({ latency: '500ms' }) },
  ],
  [
    'net-loss',
    'postgres',
    { type: 'network', action: 'loss', percent: '30%' },
    'NetworkChaos',
    { action: 'loss', loss: expect.objectContaining({ loss: '30' }) },
  ],
  [
    'net-partition',
    'postgres',
    { type: 'network', action: 'blackhole' },
    'NetworkChaos',
    { action: 'partition', direction: 'both' },
  ],
  [
    'net-bandwidth',
    'postgres',
    { type: 'network', action: 'bandwidth', rateKBps: 10 },
    'NetworkChaos',
    { action: 'bandwidth', bandwidth: expect.objectContaining({ rate: '80kbps' }) },
  ],
  [
    'http-abort',
    'casino',
    { type: 'http-error', status: 500, route: '/api/v1/casino/games/:game/rounds' },
    'HTTPChaos',
    { target: 'Response', replace: { code: 500 }, path: '/api/v1/casino/games/*/rounds' },
  ],
  [
    'http-share',
    'casino',
    { type: 'http-error', percent: '50%' },
    'HTTPChaos',
    { mode: 'fixed-percent', value: '50', target: 'Response', replace: { code: 503 } },
  ],
  [
    'http-delay',
    'casino',
    { type: 'http-latency', delay: '1s' },
    'HTTPChaos',
    { target: 'Request', delay: '1s' },
  ],
  [
    'stress-cpu',
    'gateway',
    { type: 'cpu-stress', workers: 2, load: '80%' },
    'StressChaos',
    { stressors: { cpu: { workers: 2, load: 80 } } },
  ],
  [
    'stress-memory',
    'gateway',
    { type: 'memory-stress', sizeMB: 256 },
    'StressChaos',
    { stressors: { memory: { workers: 1, size: '256MB' } } },
  ],
];

describe('the kubernetes engine against a fake API server', () => {
  it.each(KINDS)(
    '%s: creates the Chaos Mesh resource, waits for AllInjected, deletes it and confirms cleanup',
    async (name, target, fault, kind, spec) => {
      const runId = `gameday-${name}-1`;
      const result = await drive(experiment(name, target, fault), runId);
      expect(result.stderr).toBe('');
      expect(result.steps.map((s) => s.step)).toEqual(
        // A one-shot kill is deleted as soon as it is injected: the snapshot already shows it gone.
        ['preflight', 'injected', 'removed', 'leftovers'],
      );
      expect(result.status).toBe(0);
      const created = api.created.get(runId)!;
      expect(created).toMatchObject({
        kind,
        metadata: { namespace: 'gameday', labels: { 'app.kubernetes.io/managed-by': 'gameday' } },
        spec,
      });
      expect(result.steps.at(-1)!.leftovers).toEqual([]);
      expect(api.live().filter((o) => o.metadata.name === runId)).toEqual([]);
      // The engine watched (not only polled) and deleted what it created.
      const paths = api.requests.filter(
        (r) =>
          r.path.includes(runId) ||
          r.path.includes(`metadata.name%3D${runId}`) ||
          r.path.includes(`metadata.name=${runId}`),
      );
      expect(paths.some((r) => r.path.includes('watch=true'))).toBe(true);
      expect(paths.some((r) => r.method === 'DELETE')).toBe(true);
    },
  );

  it('reports a resource stuck on its finalizer, naming it and the command that releases it', async () => {
    api.stuckFinalizer = true;
    try {
      const result = await drive(
        experiment('stuck', 'wallet', { type: 'process-pause' }),
        'gameday-stuck-1',
        { GAMEDAY_K8S_CLEANUP_TIMEOUT_S: '2' },
      );
      expect(result.status).toBe(1);
      const error = result.steps.find((s) => s.step === 'error')!;
      expect(error.message).toMatch(
        /PodChaos\/gameday-stuck-1 is stuck deleting: finalizer chaos-mesh\/records/,
      );
      expect(error.message).toMatch(/kubectl -n gameday patch podchaos gameday-stuck-1 --type=merge/);
      expect(error.rollback).toMatch(/stuck deleting/);
      expect(error.leftovers).toEqual([
        'PodChaos/gameday-stuck-1 still exists (finalizers chaos-mesh/records)',
      ]);
    } finally {
      api.stuckFinalizer = false;
    }
  });

  it('fails clearly when the fault is never injected', async () => {
    api.neverInject = true;
    try {
      const result = await drive(
        experiment('never', 'wallet', { type: 'process-pause' }),
        'gameday-never-1',
        { GAMEDAY_K8S_INJECT_TIMEOUT_S: '2' },
      );
      expect(result.status).toBe(1);
      const error = result.steps.find((s) => s.step === 'error')!;
      expect(error.message).toMatch(/did not reach AllInjected within 2s; conditions: .*"Selected"/);
      // The half-injected resource is deleted on rollback.
      expect(error.rollback).toBe('ok');
      expect(error.leftovers).toEqual([]);
      expect(api.live().filter((o) => o.metadata.name === 'gameday-never-1')).toEqual([]);
    } finally {
      api.neverInject = false;
    }
  });

  it('refuses to start when the target has no running pod', async () => {
    const result = await drive(experiment('nopods', 'events', { type: 'process-kill' }), 'gameday-nopods-1');
    expect(result.status).toBe(1);
    expect(result.steps[0]!.message).toMatch(
      /no running pod labelled app\.kubernetes\.io\/name=events in namespace gameday/,
    );
    expect(api.created.has('gameday-nopods-1')).toBe(false);
  });

  it('--dry-run prints every catalogue experiment as a manifest that validates against the CRD schema', () => {
    const r = spawnSync(
      process.execPath,
      [cli, 'chaos', 'run', join(root, 'chaos', 'experiments'), '--engine', 'kubernetes', '--dry-run'],
      {
        encoding: 'utf8',
        cwd: root,
        env: { ...process.env, KUBECONFIG: kubeconfig },
      },
    );
    // (synchronous is fine here: a dry run talks to no API server)
    expect(r.status).toBe(0);
    const manifests = parseAllDocuments(r.stdout)
      .map((d) => d.toJS() as { kind: string } & Record<string, unknown>)
      .filter(Boolean);
    expect(manifests.length).toBe(10);
    for (const m of manifests) expect(validateManifest(m)).toEqual([]);
    // PokeAPI runs outside the cluster: the fault sits on the pokemon pods, towards its host.
    const outage = manifests.find((m) => JSON.stringify(m).includes('pokeapi-outage')) as unknown as {
      kind: string;
      spec: Record<string, unknown>;
    };
    expect(outage.kind).toBe('NetworkChaos');
    expect(outage.spec).toMatchObject({
      action: 'partition',
      direction: 'to',
      externalTargets: ['pokeapi.co'],
      selector: { labelSelectors: { 'app.kubernetes.io/name': 'pokemon' } },
    });
    expect(outage.spec.target).toBeUndefined();
    expect(api.requests.filter((q) => q.method === 'POST' && q.path.includes('dryrun'))).toEqual([]);
  });

  it('validates rendered manifests for real: a broken one is refused by the schema', () => {
    const broken = {
      apiVersion: 'chaos-mesh.org/v1alpha1',
      kind: 'PodChaos',
      metadata: { name: 'x' },
      spec: { action: 'pod-explode', mode: 'one', selector: {} },
    };
    expect(validateManifest(broken).join('\n')).toMatch(
      /PodChaos\.spec\.action: must be equal to one of the allowed values \(pod-kill, pod-failure, container-kill\)/,
    );
  });

  it('has every Chaos Mesh CRD it renders in chaos/crds, each with its openAPIV3Schema', () => {
    for (const [file, kind] of [
      ['podchaos', 'PodChaos'],
      ['networkchaos', 'NetworkChaos'],
      ['httpchaos', 'HTTPChaos'],
      ['stresschaos', 'StressChaos'],
    ]) {
      const crd = parse(readFileSync(join(schemasDir, `${file}.yaml`), 'utf8')) as {
        kind: string;
        spec: {
          group: string;
          names: { kind: string };
          versions: { schema: { openAPIV3Schema: unknown } }[];
        };
      };
      expect([crd.kind, crd.spec.group, crd.spec.names.kind]).toEqual([
        'CustomResourceDefinition',
        'chaos-mesh.org',
        kind,
      ]);
      expect(crd.spec.versions[0]!.schema.openAPIV3Schema).toBeDefined();
    }
  });
});
