// The generated Kubernetes manifests (argocd/gameday/<env>): current, valid against the Kubernetes
// and CRD schemas, hardened, sized to drain, reachable exactly along the system map's edges, and
// selected exactly by the chaos catalogue rendered for the kubernetes engine.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadExperiments, renderManifest, validateManifest } from '@gameday/chaos';
import {
  CHARTS,
  ENVIRONMENTS,
  ENVIRONMENT_SETTINGS,
  PRESTOP_SECONDS,
  SERVICE_MONITOR_LABEL,
  chaosSelect,
  generateDeployFiles,
  networkAllows,
  podsOf,
  renderArgo,
  renderEnvironment,
  systemEdges,
  topology,
  validateObjects,
} from '@gameday/deploy';
import type { KubeObject, Pod } from '@gameday/deploy';

const root = resolve(__dirname, '..', '..');
const objectsOf = (env: (typeof ENVIRONMENTS)[number]) => renderEnvironment(env).flatMap((f) => f.objects);

interface Container {
  name: string;
  image: string;
  securityContext: Record<string, unknown>;
  startupProbe: { httpGet: { path: string } };
  readinessProbe: { httpGet: { path: string } };
  livenessProbe: { httpGet: { path: string } };
  envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}
interface PodSpec {
  terminationGracePeriodSeconds: number;
  securityContext: Record<string, unknown>;
  containers: Container[];
  topologySpreadConstraints: { topologyKey: string }[];
  affinity: unknown;
}
const podSpec = (d: KubeObject) => (d['spec'] as { template: { spec: PodSpec } }).template.spec;

describe('deploy: the manifests', () => {
  test('argocd/gameday is what deploy/src generates, and every object validates', async () => {
    const result = await generateDeployFiles({ rootDir: root, check: true });
    expect(result.stale).toEqual([]);
    expect(result.objectCount).toBeGreaterThan(200);
  }, 120_000);

  test('an invalid object fails naming the file, the object and the field', async () => {
    const [deployment] = objectsOf('staging').filter((o) => o.kind === 'Deployment');
    const bad = JSON.parse(JSON.stringify(deployment)) as KubeObject;
    (bad['spec'] as Record<string, unknown>)['replicas'] = 'three';
    await expect(validateObjects('argocd/gameday/staging/accounts.yaml', [bad])).rejects.toThrow(
      /argocd\/gameday\/staging\/accounts\.yaml: document 1 \(Deployment accounts\): spec\.replicas: must be integer/,
    );
    const unknownKind = { apiVersion: 'apps/v1', kind: 'Deploymnt', metadata: { name: 'x' } };
    await expect(validateObjects('f.yaml', [unknownKind])).rejects.toThrow(
      /kind Deploymnt is not in apps\/v1/,
    );
  });

  test.each(ENVIRONMENTS)('%s: every pod is non-root, read-only, capability-free and sandboxed', (env) => {
    const deployments = objectsOf(env).filter((o) => o.kind === 'Deployment');
    expect(deployments.length).toBe(7 + 1 + 10); // seven services; the casino's catalogue and ten games
    for (const d of deployments) {
      const spec = podSpec(d);
      expect(spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 65532,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const c of spec.containers) {
        expect({ name: d.metadata.name, sc: c.securityContext }).toMatchObject({
          name: d.metadata.name,
          sc: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
        });
        expect(c.startupProbe.httpGet.path).toBe('/healthz');
        expect(c.readinessProbe.httpGet.path).toBe('/readyz');
        expect(c.livenessProbe.httpGet.path).toBe('/healthz');
        expect(c.resources.requests['cpu']).toBeDefined();
        expect(c.resources.limits['memory']).toBeDefined();
      }
      expect(spec.topologySpreadConstraints.map((t) => t.topologyKey)).toContain(
        'topology.kubernetes.io/zone',
      );
    }
  });

  test('the grace period outlasts the preStop pause plus each service’s drain deadline', () => {
    const byService = new Map(topology().map((t) => [t.entry.name, t]));
    for (const d of objectsOf('prod').filter((o) => o.kind === 'Deployment')) {
      const t = byService.get(d.metadata.labels!['app.kubernetes.io/name']!)!;
      const cm = objectsOf('prod').find(
        (o) => o.kind === 'ConfigMap' && o.metadata.name === `${d.metadata.name}-env`,
      )!;
      const drain = Number((cm['data'] as Record<string, string>)['SHUTDOWN_TIMEOUT_MS']) / 1000;
      expect(drain).toBe(t.drainSeconds);
      expect(podSpec(d).terminationGracePeriodSeconds).toBeGreaterThan(drain + PRESTOP_SECONDS);
    }
  });

  test('the casino is one Deployment per game from one image; every game is scraped as job casino', () => {
    const objects = objectsOf('prod');
    const casinos = objects.filter(
      (o) => o.kind === 'Deployment' && o.metadata.labels!['app.kubernetes.io/name'] === 'casino',
    );
    expect(casinos).toHaveLength(11);
    const games = casinos.filter((o) => o.metadata.labels!['gameday.io/game'] !== undefined);
    expect(games).toHaveLength(10);
    // The gateway sends each game's plays to its Deployment, the rest to the one serving every game.
    const gatewayEnv = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'gateway-env')!;
    const urls = (gatewayEnv['data'] as Record<string, string>)['CASINO_GAME_URLS']!.split(',');
    expect(urls).toHaveLength(10);
    expect(urls).toContain('dice=http://casino-dice.gameday.svc.cluster.local:8080');
    expect((gatewayEnv['data'] as Record<string, string>)['CASINO_URL']).toBe(
      'http://casino.gameday.svc.cluster.local:8080',
    );
    expect(new Set(casinos.map((g) => podSpec(g).containers[0]!.image)).size).toBe(1);
    for (const g of games) {
      const game = g.metadata.labels!['gameday.io/game']!;
      const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `casino-${game}-env`)!;
      expect((cm['data'] as Record<string, string>)['CASINO_GAMES']).toBe(game);
    }
    for (const sm of objects.filter((o) => o.kind === 'ServiceMonitor')) {
      expect(sm.metadata.labels).toMatchObject(SERVICE_MONITOR_LABEL);
      expect((sm['spec'] as { jobLabel: string }).jobLabel).toBe('app.kubernetes.io/name');
    }
  });
});

describe('deploy: migrations run as a Job before the workloads', () => {
  test('one Job per service with a database, same image, GAMEDAY_MIGRATE_ONLY, after its configuration', () => {
    const objects = objectsOf('prod');
    const jobs = objects.filter((o) => o.kind === 'Job');
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual(
      topology()
        .filter((t) => t.entry.database)
        .map((t) => `${t.entry.name}-migrate`)
        .sort(),
    );
    for (const job of jobs) {
      const service = job.metadata.labels!['app.kubernetes.io/name']!;
      expect(job.metadata.annotations).toMatchObject({
        'argocd.argoproj.io/hook': 'Sync',
        'argocd.argoproj.io/sync-wave': '-1',
      });
      const spec = job['spec'] as {
        template: { spec: { containers: (Container & { env: { name: string; value: string }[] })[] } };
      };
      const c = spec.template.spec.containers[0]!;
      const deployment = objects.find(
        (o) => o.kind === 'Deployment' && o.metadata.labels!['app.kubernetes.io/name'] === service,
      )!;
      expect(c.image).toBe(podSpec(deployment).containers[0]!.image);
      expect(c.env).toEqual([{ name: 'GAMEDAY_MIGRATE_ONLY', value: 'true' }]);
      expect(c.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      // What the Job reads exists in an earlier wave.
      for (const ref of c.envFrom) {
        const name = ref.configMapRef?.name ?? ref.secretRef?.name;
        const source = objects.find(
          (o) =>
            (o.kind === 'ConfigMap' && o.metadata.name === name) ||
            (o.kind === 'ExternalSecret' && o.metadata.name === name),
        );
        expect({ name, wave: source?.metadata.annotations?.['argocd.argoproj.io/sync-wave'] }).toEqual({
          name,
          wave: '-2',
        });
      }
    }
  });
});

describe('deploy: NetworkPolicies allow exactly the system map', () => {
  const objects = objectsOf('prod');
  const pods = podsOf(objects);
  const podOf = (service: string): Pod => pods.find((p) => p.labels['app.kubernetes.io/name'] === service)!;
  const services = topology().map((t) => t.entry.name);
  const edges = new Set(systemEdges().map((e) => `${e.from}->${e.to}`));

  test('every edge of the system map is open (egress of the caller, ingress of the callee)', () => {
    expect(edges.size).toBeGreaterThan(5);
    const closed = [...edges].filter((e) => {
      const [from, to] = e.split('->') as [string, string];
      return !networkAllows(objects, podOf(from), podOf(to));
    });
    expect(closed).toEqual([]);
  });

  test('every other pair is closed, both ways', () => {
    const open: string[] = [];
    for (const a of services)
      for (const b of services)
        if (a !== b && !edges.has(`${a}->${b}`) && networkAllows(objects, podOf(a), podOf(b)))
          open.push(`${a}->${b}`);
    expect(open).toEqual([]);
  });

  test('a policy that drops an edge is caught by the walk', () => {
    const broken = objects.map((o) =>
      o.kind === 'NetworkPolicy' && o.metadata.name === 'wallet'
        ? { ...o, spec: { ...(o['spec'] as object), ingress: [] } }
        : o,
    );
    expect(networkAllows(broken, podOf('casino'), podOf('wallet'))).toBe(false);
    expect(networkAllows(objects, podOf('casino'), podOf('wallet'))).toBe(true);
  });
});

describe('deploy: the chaos catalogue selects exactly its targets', () => {
  const settings = ENVIRONMENT_SETTINGS.prod;
  // On EKS PostgreSQL and Kafka are RDS and MSK: the catalogue runs with their hosts given.
  const externals = {
    postgres: ['gameday.cluster.rds.example.com'],
    kafka: settings.kafkaBrokers.split(',').map((h) => h.replace(/:\d+$/, '')),
  };
  const pods = podsOf(objectsOf('prod'));
  const experiments = loadExperiments(join(root, 'chaos', 'experiments'), root);

  test.each(experiments.map((l) => [l.file, l] as const))('%s', (_file, loaded) => {
    const m = renderManifest(loaded.experiment, 'gameday-check', 'gameday', { externals });
    expect(validateManifest(m as never)).toEqual([]);
    const spec = m.spec as {
      selector: Parameters<typeof chaosSelect>[0];
      target?: { selector: Parameters<typeof chaosSelect>[0] };
    };
    const e = loaded.experiment.spec;
    const fault = e.fault as { from?: string };
    const outside = ['postgres', 'kafka'].includes(e.target.service);
    const intended = outside
      ? pods.filter((p) =>
          (spec.selector.expressionSelectors?.[0]?.values ?? []).includes(
            p.labels['app.kubernetes.io/name']!,
          ),
        )
      : pods.filter((p) => p.labels['app.kubernetes.io/name'] === (fault.from ?? e.target.service));
    const selected = chaosSelect(spec.selector, pods);
    expect(selected.length).toBeGreaterThan(0);
    expect(selected.map((p) => p.name).sort()).toEqual(intended.map((p) => p.name).sort());
    if (spec.target && typeof spec.target === 'object') {
      const targets = chaosSelect(spec.target.selector, pods);
      expect(targets.map((p) => p.name).sort()).toEqual(
        pods
          .filter((p) => p.labels['app.kubernetes.io/name'] === e.target.service)
          .map((p) => p.name)
          .sort(),
      );
    }
  });

  test('a selector for a service nobody deploys matches no pod', () => {
    expect(
      chaosSelect(
        { namespaces: ['gameday'], labelSelectors: { 'app.kubernetes.io/name': 'payments' } },
        pods,
      ),
    ).toEqual([]);
    expect(
      chaosSelect({ namespaces: ['other'], labelSelectors: { 'app.kubernetes.io/name': 'wallet' } }, pods),
    ).toEqual([]);
  });
});

describe('deploy: the ArgoCD app-of-apps', () => {
  const env = 'staging' as const;
  const files = renderArgo(env, ENVIRONMENT_SETTINGS[env]);
  const apps = files.flatMap((f) => f.objects).filter((o) => o.kind === 'Application');
  const wave = (o: KubeObject) => Number(o.metadata.annotations!['argocd.argoproj.io/sync-wave']);
  interface AppSpec {
    project: string;
    source?: { path?: string };
    sources?: { chart?: string; targetRevision: string; helm?: { valueFiles: string[] } }[];
    syncPolicy: { automated: { prune: boolean; selfHeal: boolean } };
  }
  const specOf = (o: KubeObject) => o['spec'] as AppSpec;

  test('every Application syncs by itself, with prune and self-heal', () => {
    expect(apps.length).toBeGreaterThan(15);
    for (const a of apps) expect(specOf(a).syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  test('waves: operators and CRDs, then platform, then the namespace, the services, the gateway, the game day', () => {
    const of = (name: string) => wave(apps.find((a) => a.metadata.name === name)!);
    // kube-prometheus-stack first: its CRDs are what the other charts' ServiceMonitors need.
    expect(of(`kube-prometheus-stack-${env}`)).toBe(-4);
    for (const c of CHARTS.filter((c) => c.name !== 'kube-prometheus-stack'))
      expect(of(`${c.name}-${env}`)).toBe(-3);
    expect(of(`slo-rules-${env}`)).toBe(-2);
    expect(of(`gameday-${env}-namespace`)).toBe(-1);
    expect(of(`gameday-${env}-wallet`)).toBe(0);
    expect(of(`gameday-${env}-gateway`)).toBeGreaterThan(of(`gameday-${env}-wallet`));
    expect(of(`gameday-${env}-chaos-controller`)).toBeGreaterThan(of(`gameday-${env}-gateway`));
  });

  test('charts are pinned to exact versions; every path and values file exists in the repository', () => {
    for (const c of CHARTS) expect(c.version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const a of apps) {
      const s = specOf(a);
      if (s.source?.path)
        expect({ app: a.metadata.name, exists: existsSync(join(root, s.source.path)) }).toEqual({
          app: a.metadata.name,
          exists: true,
        });
      for (const src of s.sources ?? []) {
        for (const v of src.helm?.valueFiles ?? []) {
          const file = v.replace(/^\$values\//, '');
          expect({ app: a.metadata.name, file, exists: existsSync(join(root, file)) }).toEqual({
            app: a.metadata.name,
            file,
            exists: true,
          });
        }
      }
    }
  });

  test('the apps project may only touch the gameday namespace, and holds every kind the manifests use', () => {
    const project = files
      .flatMap((f) => f.objects)
      .find((o) => o.kind === 'AppProject' && o.metadata.name === `gameday-${env}`)!;
    const spec = project['spec'] as {
      destinations: { namespace: string }[];
      clusterResourceWhitelist: { kind: string }[];
      namespaceResourceWhitelist: { group: string; kind: string }[];
    };
    expect(spec.destinations.map((d) => d.namespace)).toEqual(['gameday']);
    expect(spec.clusterResourceWhitelist.map((k) => k.kind)).toEqual(['Namespace']);
    const allowed = new Set(spec.namespaceResourceWhitelist.map((k) => `${k.group}/${k.kind}`));
    const used = new Set(
      objectsOf(env)
        .filter((o) => o.kind !== 'Namespace')
        .map((o) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`),
    );
    expect([...used].filter((k) => !allowed.has(k))).toEqual([]);
  });

  test('the in-cluster game day may create and delete chaos resources and read pods, nothing more', () => {
    const role = objectsOf(env).find((o) => o.kind === 'Role' && o.metadata.name === 'chaos-controller')!;
    const rules = role['rules'] as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    expect(rules.flatMap((r) => r.apiGroups).sort()).toEqual(['', 'chaos-mesh.org']);
    expect(rules.find((r) => r.apiGroups[0] === '')).toEqual({
      apiGroups: [''],
      resources: ['pods'],
      verbs: ['get', 'list', 'watch'],
    });
    expect(rules.flatMap((r) => r.resources).every((r) => r === 'pods' || r.endsWith('chaos'))).toBe(true);
    const cron = objectsOf(env).find((o) => o.kind === 'CronJob')!;
    const args = JSON.stringify(cron['spec']);
    expect(args).toContain('"--engine","kubernetes"');
    expect(args).toContain(`postgres=${ENVIRONMENT_SETTINGS[env].rdsHost}`);
  });

  test('kubectl kustomize builds every folder and puts the pinned image in', () => {
    for (const app of ['wallet', 'casino', 'namespace', 'chaos-controller']) {
      const out = execFileSync('kubectl', ['kustomize', join(root, 'argocd', 'gameday', env, app)], {
        encoding: 'utf8',
      });
      const docs = parseAllDocuments(out).map((d) => d.toJS() as KubeObject);
      expect(docs.length).toBeGreaterThan(0);
      if (app !== 'namespace')
        expect(out).toMatch(
          new RegExp(`image: gameday/${app === 'chaos-controller' ? 'chaos-controller' : app}:`),
        );
    }
  });
});
