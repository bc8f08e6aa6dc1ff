// The manifests and the chaos engine against a real Kubernetes API server (kube-apiserver v1.37.2
// and etcd v3.7.3, built from source by scripts/kube.mjs): the Chaos Mesh CRDs as they ship
// (chaos/crds) and stand-ins for the other CRDs the manifests use (their fields are checked by
// kubernetes-models when generated); every generated file applied with server-side dry run; then
// the kubernetes engine end to end — create, watch, delete — with this test playing the Chaos Mesh
// controller (it marks each resource AllInjected and each target pod Running).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { startKubeApiServer } from '@gameday/testing';
import type { KubeApiServer } from '@gameday/testing';

const root = resolve(__dirname, '..', '..');
let kube: KubeApiServer;
let dir: string;

/** CRDs for the kinds of other projects the manifests use: any spec, with a status subresource. */
function standInCrd(
  group: string,
  kind: string,
  plural: string,
  version: string,
  scope: 'Namespaced' | 'Cluster',
) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
}

const STAND_INS = [
  standInCrd('monitoring.coreos.com', 'ServiceMonitor', 'servicemonitors', 'v1', 'Namespaced'),
  standInCrd('external-secrets.io', 'ExternalSecret', 'externalsecrets', 'v1', 'Namespaced'),
  standInCrd('external-secrets.io', 'ClusterSecretStore', 'clustersecretstores', 'v1', 'Cluster'),
  standInCrd('argoproj.io', 'Application', 'applications', 'v1alpha1', 'Namespaced'),
  standInCrd('argoproj.io', 'AppProject', 'appprojects', 'v1alpha1', 'Namespaced'),
];

function yamlFiles(d: string): string[] {
  return readdirSync(d)
    .flatMap((f) => {
      const p = join(d, f);
      return statSync(p).isDirectory()
        ? yamlFiles(p)
        : f.endsWith('.yaml') && f !== 'kustomization.yaml'
          ? [p]
          : [];
    })
    .sort();
}

beforeAll(async () => {
  kube = await startKubeApiServer();
  dir = mkdtempSync(join(tmpdir(), 'gameday-kube-test-'));
  const crds = join(dir, 'crds.json');
  writeFileSync(crds, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: STAND_INS }));
  for (const f of [crds, join(root, 'chaos', 'crds')]) {
    const r = kube.kubectl(['apply', '--server-side', '-f', f]);
    if (r.status !== 0) throw new Error(`installing CRDs from ${f}: ${r.stderr}`);
  }
  const ready = kube.kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
  if (ready.status !== 0) throw new Error(`CRDs not established: ${ready.stderr}`);
  for (const ns of ['gameday', 'argocd', 'monitoring', 'external-secrets', 'chaos-mesh', 'kube-system']) {
    kube.kubectl(['create', 'namespace', ns]);
    // No controller manager here to make each namespace's default ServiceAccount.
    kube.kubectl(['-n', ns, 'create', 'serviceaccount', 'default']);
  }
}, 180_000);

afterAll(async () => {
  await kube?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Server-side dry run of one file: its problems, each prefixed with the file. */
function dryRun(file: string): string[] {
  const r = kube.kubectl([
    'apply',
    '--server-side',
    '--dry-run=server',
    '--field-manager=gameday-test',
    '-f',
    file,
  ]);
  if (r.status === 0) return [];
  const where = file.startsWith(root) ? relative(root, file) : file;
  return [`${where}: ${r.stderr.trim()}`];
}

describe('the generated manifests on a real API server', () => {
  test('every file applies with server-side dry run', () => {
    const files = ['argocd/gameday', 'argocd/apps', 'argocd/bootstrap', 'argocd/platform'].flatMap((d) =>
      yamlFiles(join(root, d)),
    );
    expect(files.length).toBeGreaterThan(40);
    expect(files.flatMap(dryRun)).toEqual([]);
  }, 600_000);

  test('a field the API server refuses is named with the file', () => {
    const bad = join(dir, 'bad-deployment.yaml');
    writeFileSync(
      bad,
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: { name: bad, namespace: gameday }',
        'spec:',
        '  selector: { matchLabels: { app: bad } }',
        '  template:',
        '    metadata: { labels: { app: bad } }',
        '    spec: { containers: [{ name: c, image: x, ports: [{ containerPort: 80800 }] }] }',
      ].join('\n'),
    );
    const problems = dryRun(bad);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /bad-deployment\.yaml: .*spec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort: Invalid value: 80800: must be between 1 and 65535/,
    );
  });
});

describe('the kubernetes chaos engine on a real API server', () => {
  const driver = join(root, 'chaos', 'test', 'fixtures', 'k8s-engine-driver.js');
  const plurals = ['podchaos', 'networkchaos', 'httpchaos', 'stresschaos'];
  let stop = false;
  let controller: Promise<void>;
  const seen = new Set<string>();

  /** Plays Chaos Mesh: every chaos resource in gameday becomes AllInjected (status subresource when it has one). */
  const controllerErrors: string[] = [];
  async function playController(): Promise<void> {
    while (!stop) {
      await playOnce().catch((err: Error) => controllerErrors.push(err.message));
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function playOnce(): Promise<void> {
    {
      for (const plural of plurals) {
        const list = await kube.request('GET', `/apis/chaos-mesh.org/v1alpha1/namespaces/gameday/${plural}`);
        const items =
          (list.body as { items?: { metadata: { name: string }; status?: { conditions?: unknown[] } }[] })
            .items ?? [];
        for (const item of items) {
          if (item.status?.conditions?.length) continue;
          seen.add(`${plural}/${item.metadata.name}`);
          const status = {
            status: {
              // What Chaos Mesh's controller records (the CRD requires it).
              experiment: { desiredPhase: 'Run', containerRecords: [] },
              conditions: [
                { type: 'Selected', status: 'True' },
                { type: 'AllInjected', status: 'True' },
                { type: 'AllRecovered', status: 'False' },
                { type: 'Paused', status: 'False' },
              ],
            },
          };
          const path = `/apis/chaos-mesh.org/v1alpha1/namespaces/gameday/${plural}/${item.metadata.name}`;
          const sub = await kube.request('PATCH', `${path}/status`, status, 'application/merge-patch+json');
          const done =
            sub.status === 404
              ? await kube.request('PATCH', path, status, 'application/merge-patch+json')
              : sub;
          if (done.status !== 200)
            controllerErrors.push(
              `${plural}/${item.metadata.name}: ${done.status} ${JSON.stringify(done.body)}`,
            );
        }
      }
    }
  }

  beforeAll(async () => {
    // The pods the selectors name, marked Running as a kubelet would.
    for (const service of ['wallet', 'gateway', 'casino']) {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${service}-0`,
          namespace: 'gameday',
          labels: { 'app.kubernetes.io/name': service },
        },
        spec: { containers: [{ name: service, image: `gameday/${service}:test` }] },
      };
      const created = await kube.request('POST', '/api/v1/namespaces/gameday/pods', pod);
      expect(created.status).toBe(201);
      const running = await kube.request(
        'PATCH',
        `/api/v1/namespaces/gameday/pods/${service}-0/status`,
        { status: { phase: 'Running' } },
        'application/merge-patch+json',
      );
      expect(running.status).toBe(200);
    }
    controller = playController();
  });

  afterAll(async () => {
    stop = true;
    await controller;
  });

  function experiment(name: string, target: string, fault: Record<string, unknown>): string {
    const file = join(dir, `${name}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'gameday/v1',
        kind: 'ChaosExperiment',
        metadata: { name, description: 'on a real API server' },
        spec: {
          target: { service: target },
          fault,
          duration: '10s',
          hypothesis: { slos: ['wallet/availability'] },
        },
      }),
    );
    return file;
  }

  function drive(
    file: string,
    runId: string,
  ): Promise<{
    status: number | null;
    steps: { step: string; message?: string; leftovers?: string[] }[];
    stderr: string;
  }> {
    return new Promise((resolvePromise) => {
      const child = spawn(process.execPath, [driver, file, runId], {
        env: { ...process.env, KUBECONFIG: kube.kubeconfig, GAMEDAY_K8S_INJECT_TIMEOUT_S: '20' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.once('close', (status) => {
        clearTimeout(timer);
        const steps = stdout
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { step: string; message?: string; leftovers?: string[] });
        resolvePromise({ status, steps, stderr });
      });
    });
  }

  test.each([
    ['pod-kill', 'wallet', { type: 'process-kill' }, 'podchaos'],
    [
      'net-delay',
      'wallet',
      { type: 'network', action: 'latency', latency: '200ms', from: 'gateway' },
      'networkchaos',
    ],
    ['http-error', 'casino', { type: 'http-error', status: 503, percent: '50%' }, 'httpchaos'],
    ['cpu', 'gateway', { type: 'cpu-stress', workers: 1, load: '50%' }, 'stresschaos'],
  ] as const)(
    '%s: created, watched to AllInjected, deleted, nothing left',
    async (name, target, fault, plural) => {
      const runId = `gameday-real-${name}`;
      const r = await drive(experiment(name, target, fault), runId);
      expect({
        errors: controllerErrors,
        seen: [...seen].includes(`${plural}/${runId}`),
        steps: r.steps,
      }).toMatchObject({
        errors: [],
        seen: true,
      });
      expect({ stderr: r.stderr, steps: r.steps }).toMatchObject({
        stderr: '',
        steps: [
          { step: 'preflight' },
          { step: 'injected' },
          { step: 'removed' },
          { step: 'leftovers', leftovers: [] },
        ],
      });
      expect(r.status).toBe(0);
      expect(seen.has(`${plural}/${runId}`)).toBe(true);
      const after = await kube.request(
        'GET',
        `/apis/chaos-mesh.org/v1alpha1/namespaces/gameday/${plural}/${runId}`,
      );
      expect(after.status).toBe(404);
    },
    90_000,
  );

  test('a target with no running pod is refused before anything is created', async () => {
    const r = await drive(
      experiment('no-pods', 'leaderboard', { type: 'process-kill' }),
      'gameday-real-none',
    );
    expect(r.status).toBe(1);
    expect(r.steps[0]).toMatchObject({ step: 'error' });
    expect(r.steps[0]!.message).toMatch(
      /no running pod labelled app.kubernetes.io\/name=leaderboard in namespace gameday/,
    );
  }, 60_000);
});
