// The kubernetes engine: each fault as a Chaos Mesh resource, through @kubernetes/client-node's
// CustomObjectsApi. It checks the target pods exist, creates the resource (validated against the
// CRD first), watches status.conditions until AllInjected (a one-shot pod-kill is done then and is
// deleted at once), deletes it on removal or abort and waits until it is really gone — a resource
// stuck on a finalizer is reported with the command that releases it.
//
// @kubernetes/client-node 1.x is an ES module: it is loaded with import() when the engine starts.

import type { Engine, EngineSnapshot } from '../engine';
import { EngineError } from '../engine';
import type { Experiment } from '../spec';
import { isOneShot } from '../spec';
import {
  CHAOS_GROUP,
  CHAOS_VERSION,
  plural,
  renderManifest,
  SERVICE_LABEL,
  validateManifest,
} from './chaos-mesh';
import type { ChaosManifest, RenderOptions } from './chaos-mesh';
import { CLUSTER_EXTERNALS } from '../externals';

// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- an ES module's types, from CommonJS
type K8s = typeof import('@kubernetes/client-node', { with: { 'resolution-mode': 'import' } });
type KubeObject = {
  metadata?: { name?: string; finalizers?: string[]; deletionTimestamp?: string };
  status?: { conditions?: { type: string; status: string; reason?: string }[] };
};

export interface KubernetesEngineOptions {
  env: NodeJS.ProcessEnv;
  namespace: string;
  /** Hosts of the dependencies outside the cluster (RDS, MSK): `--external postgres=<host>`. */
  externals?: Readonly<Record<string, readonly string[]>>;
  root: string;
  progress?: (line: string) => void;
}

const condition = (o: KubeObject | undefined, type: string) =>
  o?.status?.conditions?.find((c) => c.type === type)?.status === 'True';

function apiCode(err: unknown): number | undefined {
  const e = err as { code?: number; statusCode?: number; response?: { statusCode?: number } };
  return e.code ?? e.statusCode ?? e.response?.statusCode;
}

function apiMessage(err: unknown): string {
  const e = err as { body?: unknown; message?: string };
  if (typeof e.body === 'string') {
    try {
      return (JSON.parse(e.body) as { message?: string }).message ?? e.body;
    } catch {
      return e.body;
    }
  }
  if (e.body && typeof e.body === 'object')
    return (e.body as { message?: string }).message ?? JSON.stringify(e.body);
  return e.message ?? String(err);
}

export class KubernetesEngine implements Engine {
  readonly name = 'kubernetes' as const;
  private get render(): RenderOptions {
    return this.options.externals ? { externals: this.options.externals } : {};
  }
  private created: ChaosManifest | undefined;
  private readonly injectTimeoutMs: number;
  private readonly cleanupTimeoutMs: number;

  private constructor(
    private readonly k8s: K8s,
    private readonly kc: InstanceType<K8s['KubeConfig']>,
    private readonly options: KubernetesEngineOptions,
  ) {
    this.injectTimeoutMs = Number(options.env.GAMEDAY_K8S_INJECT_TIMEOUT_S ?? 60) * 1000;
    this.cleanupTimeoutMs = Number(options.env.GAMEDAY_K8S_CLEANUP_TIMEOUT_S ?? 60) * 1000;
  }

  /** Loads the kubeconfig as kubectl does (KUBECONFIG, ~/.kube/config, in-cluster). */
  static async fromEnvironment(options: KubernetesEngineOptions): Promise<KubernetesEngine> {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    try {
      kc.loadFromDefault();
    } catch (err) {
      throw new EngineError(
        `cannot load a kubeconfig: ${(err as Error).message}`,
        'set KUBECONFIG, or run where ~/.kube/config points at the cluster',
      );
    }
    if (!kc.getCurrentCluster())
      throw new EngineError(
        'the kubeconfig names no current cluster',
        'kubectl config use-context <context>',
      );
    return new KubernetesEngine(k8s, kc, options);
  }

  private custom() {
    return this.kc.makeApiClient(this.k8s.CustomObjectsApi);
  }

  private ref(m: ChaosManifest) {
    return {
      group: CHAOS_GROUP,
      version: CHAOS_VERSION,
      namespace: m.metadata.namespace,
      plural: plural(m.kind),
      name: m.metadata.name,
    };
  }

  private async get(m: ChaosManifest): Promise<KubeObject | undefined> {
    try {
      return (await this.custom().getNamespacedCustomObject(this.ref(m))) as KubeObject;
    } catch (err) {
      if (apiCode(err) === 404) return undefined;
      throw new EngineError(`reading ${m.kind}/${m.metadata.name}: ${apiMessage(err)}`);
    }
  }

  /** Watches the resource until `done(object)` (object undefined once deleted) or the timeout. */
  private async waitFor(
    m: ChaosManifest,
    what: string,
    timeoutMs: number,
    done: (o: KubeObject | undefined) => boolean,
  ): Promise<KubeObject | undefined> {
    let last = await this.get(m);
    if (done(last)) return last;
    const watch = new this.k8s.Watch(this.kc);
    const path = `/apis/${CHAOS_GROUP}/${CHAOS_VERSION}/namespaces/${m.metadata.namespace}/${plural(m.kind)}`;
    let controller: AbortController | undefined;
    // Once settled, a closing watch must not start another one.
    let settled = false;
    try {
      return await new Promise<KubeObject | undefined>((resolve, reject) => {
        const timer = setTimeout(() => {
          settled = true;
          reject(new Error('timeout'));
        }, timeoutMs);
        const finish = (o: KubeObject | undefined) => {
          settled = true;
          clearTimeout(timer);
          resolve(o);
        };
        const start = () =>
          watch
            .watch(
              path,
              { fieldSelector: `metadata.name=${m.metadata.name}` },
              (type: string, obj: KubeObject) => {
                if (settled) return;
                last = type === 'DELETED' ? undefined : obj;
                if (done(last)) finish(last);
              },
              (err: unknown) => {
                if (settled) return;
                // The server closes watches now and then: re-read and watch again until the timeout.
                if (err && apiCode(err) !== undefined && apiCode(err)! >= 400 && apiCode(err) !== 410) {
                  settled = true;
                  clearTimeout(timer);
                  reject(err as Error);
                  return;
                }
                void this.get(m).then((o) => {
                  if (settled) return;
                  last = o;
                  if (done(o)) finish(o);
                  else void start();
                }, reject);
              },
            )
            .then((c: AbortController) => {
              controller = c;
              if (settled) c.abort();
            }, reject);
        void start();
      });
    } catch (err) {
      if ((err as Error).message === 'timeout') {
        throw new EngineError(
          `${m.kind}/${m.metadata.name} did not reach ${what} within ${timeoutMs / 1000}s; conditions: ${JSON.stringify(last?.status?.conditions ?? [])}`,
          `kubectl -n ${m.metadata.namespace} describe ${plural(m.kind)} ${m.metadata.name}`,
        );
      }
      throw err;
    } finally {
      controller?.abort();
    }
  }

  describe(experiment: Experiment, runId: string): string {
    const m = renderManifest(experiment, runId, this.options.namespace, this.render);
    return `create ${m.kind} ${m.metadata.namespace}/${m.metadata.name} (${JSON.stringify(m.spec)})`;
  }

  async preflight(experiment: Experiment, runId: string): Promise<void> {
    const m = renderManifest(experiment, runId, this.options.namespace, this.render);
    const problems = validateManifest(m as unknown as ChaosManifest & Record<string, unknown>);
    if (problems.length)
      throw new EngineError(
        `the ${m.kind} does not validate against the Chaos Mesh CRD:\n  ${problems.join('\n  ')}`,
      );
    const core = this.kc.makeApiClient(this.k8s.CoreV1Api);
    // An external target has no pods here: only the pods that call it must run.
    const target = experiment.spec.target.service;
    const outside =
      (experiment.spec.target.external ?? this.options.externals?.[target]) !== undefined
        ? CLUSTER_EXTERNALS[target]
        : undefined;
    const services = outside
      ? [...outside.clients]
      : experiment.spec.target.external
        ? []
        : [experiment.spec.target.service];
    if (experiment.spec.fault.type === 'network' && experiment.spec.fault.from)
      services.push(experiment.spec.fault.from);
    for (const service of services) {
      let pods;
      try {
        pods = await core.listNamespacedPod({
          namespace: m.metadata.namespace,
          labelSelector: `${SERVICE_LABEL}=${service}`,
        });
      } catch (err) {
        throw new EngineError(
          `listing pods in ${m.metadata.namespace}: ${apiMessage(err)}`,
          'check the kubeconfig context and that you may list pods there',
        );
      }
      const running = pods.items.filter((p) => p.status?.phase === 'Running');
      if (running.length === 0) {
        throw new EngineError(
          `no running pod labelled ${SERVICE_LABEL}=${service} in namespace ${m.metadata.namespace}`,
          CLUSTER_EXTERNALS[service]
            ? `when ${service} runs outside the cluster (${CLUSTER_EXTERNALS[service].what}), name its hosts: --external ${service}=<host>`
            : 'deploy the service (argocd/) or set spec.target.namespace',
        );
      }
    }
    let existing;
    try {
      existing = (await this.custom().listNamespacedCustomObject({
        group: CHAOS_GROUP,
        version: CHAOS_VERSION,
        namespace: m.metadata.namespace,
        plural: plural(m.kind),
        labelSelector: `app.kubernetes.io/managed-by=gameday,gameday.dev/experiment=${experiment.metadata.name}`,
      })) as { items?: KubeObject[] };
    } catch (err) {
      throw new EngineError(
        `listing ${plural(m.kind)}: ${apiMessage(err)}`,
        'is Chaos Mesh installed (kubectl get crd podchaos.chaos-mesh.org)?',
      );
    }
    const left = (existing.items ?? []).map((o) => o.metadata?.name);
    if (left.length) {
      throw new EngineError(
        `${m.kind} of an earlier run of ${experiment.metadata.name} still exist: ${left.join(', ')}`,
        `kubectl -n ${m.metadata.namespace} delete ${plural(m.kind)} ${left.join(' ')}`,
      );
    }
  }

  async inject(experiment: Experiment, runId: string): Promise<void> {
    const m = renderManifest(experiment, runId, this.options.namespace, this.render);
    this.created = m;
    try {
      await this.custom().createNamespacedCustomObject({ ...this.ref(m), body: m });
    } catch (err) {
      this.created = undefined;
      throw new EngineError(
        `creating ${m.kind}/${m.metadata.name}: HTTP ${apiCode(err) ?? '?'} ${apiMessage(err)}`,
      );
    }
    this.options.progress?.(
      `created ${m.kind} ${m.metadata.namespace}/${m.metadata.name}; waiting for AllInjected`,
    );
    await this.waitFor(m, 'AllInjected', this.injectTimeoutMs, (o) => condition(o, 'AllInjected'));
    // A pod-kill has nothing to hold: done once injected, and its resource goes right away.
    if (isOneShot(experiment.spec.fault)) await this.remove();
  }

  async remove(): Promise<void> {
    const m = this.created;
    if (!m) return;
    try {
      await this.custom().deleteNamespacedCustomObject(this.ref(m));
    } catch (err) {
      if (apiCode(err) !== 404)
        throw new EngineError(`deleting ${m.kind}/${m.metadata.name}: ${apiMessage(err)}`);
    }
    try {
      await this.waitFor(m, 'deletion', this.cleanupTimeoutMs, (o) => o === undefined);
    } catch (err) {
      const o = await this.get(m);
      if (o?.metadata?.finalizers?.length) {
        throw new EngineError(
          `${m.kind}/${m.metadata.name} is stuck deleting: finalizer ${o.metadata.finalizers.join(', ')} was not released within ${this.cleanupTimeoutMs / 1000}s ` +
            `(AllRecovered=${condition(o, 'AllRecovered')}). Chaos Mesh may be down, or could not recover a pod.`,
          `check the chaos-controller-manager logs; once the pods are healthy, release it: kubectl -n ${m.metadata.namespace} patch ${plural(m.kind)} ${m.metadata.name} --type=merge -p '{"metadata":{"finalizers":[]}}'`,
        );
      }
      throw err;
    }
    this.options.progress?.(`${m.kind} ${m.metadata.name} deleted and recovered`);
    this.created = undefined;
  }

  async leftovers(): Promise<string[]> {
    const m = this.created;
    if (!m) return [];
    const o = await this.get(m);
    return o
      ? [
          `${m.kind}/${m.metadata.name} still exists${o.metadata?.finalizers?.length ? ` (finalizers ${o.metadata.finalizers.join(', ')})` : ''}`,
        ]
      : [];
  }

  async snapshot(): Promise<EngineSnapshot[]> {
    const m = this.created;
    if (!m) return [];
    const o = await this.get(m);
    return [
      {
        resource: `${m.kind}/${m.metadata.name}`,
        status: o
          ? {
              conditions: o.status?.conditions ?? [],
              finalizers: o.metadata?.finalizers ?? [],
              deleting: Boolean(o.metadata?.deletionTimestamp),
            }
          : 'deleted',
      },
    ];
  }
}
