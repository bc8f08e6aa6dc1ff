// The ArgoCD app-of-apps of an environment: argocd/bootstrap/<env>.yaml is the one Application you
// apply by hand; it syncs argocd/apps/<env>/, which holds the AppProjects and every other
// Application, in sync waves — operators and their CRDs (-3), platform resources that need them (-2),
// then one Application per service (0) and the gateway last (1). Every Application syncs
// automatically with prune and self-heal.
import type { EnvironmentSettings } from './environments';
import type { KubeObject } from './render';
import { CHAOS_OPERATORS_GROUP } from './chaos-job';
import { PART_OF } from './render';
import type { Environment } from './topology';
import { NAMESPACE, topology } from './topology';

export const ARGOCD_NAMESPACE = 'argocd';
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** A Helm chart an operator comes from: pinned, with its values in argocd/values/<values>.yaml. */
export interface Chart {
  name: string;
  repoURL: string;
  chart: string;
  version: string;
  namespace: string;
  values: string;
  /** Server-side apply for charts whose CRDs exceed the annotation size limit. */
  serverSideApply?: boolean;
  /** Sync wave (default -3). */
  wave?: number;
}

/** The operators and their CRDs (wave -3). Versions: argocd/values/README.md says where each was checked. */
export const CHARTS: readonly Chart[] = [
  // First (wave -4): its CRDs (ServiceMonitor, PrometheusRule) are what the other charts create.
  {
    name: 'kube-prometheus-stack',
    repoURL: 'https://prometheus-community.github.io/helm-charts',
    chart: 'kube-prometheus-stack',
    version: '88.5.3',
    namespace: 'monitoring',
    values: 'kube-prometheus-stack',
    serverSideApply: true,
    wave: -4,
  },
  {
    name: 'loki',
    repoURL: 'https://grafana-community.github.io/helm-charts',
    chart: 'loki',
    version: '18.11.0',
    namespace: 'monitoring',
    values: 'loki',
  },
  {
    name: 'tempo',
    repoURL: 'https://grafana-community.github.io/helm-charts',
    chart: 'tempo',
    version: '2.2.4',
    namespace: 'monitoring',
    values: 'tempo',
  },
  {
    name: 'opentelemetry-collector',
    repoURL: 'https://open-telemetry.github.io/opentelemetry-helm-charts',
    chart: 'opentelemetry-collector',
    version: '0.170.0',
    namespace: 'monitoring',
    values: 'opentelemetry-collector',
  },
  {
    name: 'otel-agent',
    repoURL: 'https://open-telemetry.github.io/opentelemetry-helm-charts',
    chart: 'opentelemetry-collector',
    version: '0.170.0',
    namespace: 'monitoring',
    values: 'opentelemetry-collector-agent',
  },
  {
    name: 'chaos-mesh',
    repoURL: 'https://charts.chaos-mesh.org',
    chart: 'chaos-mesh',
    version: '2.8.3',
    namespace: 'chaos-mesh',
    values: 'chaos-mesh',
    serverSideApply: true,
  },
  {
    name: 'external-secrets',
    repoURL: 'https://charts.external-secrets.io',
    chart: 'external-secrets',
    version: '2.9.0',
    namespace: 'external-secrets',
    values: 'external-secrets',
    serverSideApply: true,
  },
  {
    name: 'aws-load-balancer-controller',
    repoURL: 'https://aws.github.io/eks-charts',
    chart: 'aws-load-balancer-controller',
    version: '3.5.0',
    namespace: 'kube-system',
    values: 'aws-load-balancer-controller',
  },
];

/** What each chart's values need per environment (the placeholders of argocd/values; terraform output). */
export function chartValues(
  chart: string,
  env: Environment,
  s: EnvironmentSettings,
): Record<string, unknown> | undefined {
  const role = (name: string) => ({
    annotations: {
      'eks.amazonaws.com/role-arn': `arn:aws:iam::${s.awsAccountId}:role/gameday-${env}-${name}`,
    },
  });
  switch (chart) {
    case 'kube-prometheus-stack':
      return { prometheus: { prometheusSpec: { externalLabels: { environment: env } } } };
    case 'aws-load-balancer-controller':
      return {
        clusterName: `gameday-${env}`,
        vpcId: s.vpcId,
        region: s.awsRegion,
        serviceAccount: role('aws-load-balancer-controller'),
      };
    case 'external-secrets':
      return { serviceAccount: role('external-secrets') };
    case 'loki':
      return {
        serviceAccount: role('loki'),
        loki: {
          storage: {
            bucketNames: { chunks: `gameday-${env}-loki-chunks`, ruler: `gameday-${env}-loki-ruler` },
          },
        },
      };
    case 'tempo':
      return {
        serviceAccount: role('tempo'),
        tempo: { storage: { trace: { s3: { bucket: `gameday-${env}-tempo` } } } },
      };
    default:
      return undefined;
  }
}

/** Fields controllers rewrite at run time (generated certificates, webhook CA bundles): not drift. */
const IGNORE_DIFFERENCES: Record<string, Record<string, unknown>[]> = {
  'chaos-mesh': [
    { group: '', kind: 'Secret', jsonPointers: ['/data'] },
    {
      group: 'admissionregistration.k8s.io',
      kind: 'MutatingWebhookConfiguration',
      jqPathExpressions: ['.webhooks[].clientConfig.caBundle'],
    },
    {
      group: 'admissionregistration.k8s.io',
      kind: 'ValidatingWebhookConfiguration',
      jqPathExpressions: ['.webhooks[].clientConfig.caBundle'],
    },
  ],
  'aws-load-balancer-controller': [
    { group: '', kind: 'Secret', name: 'aws-load-balancer-tls', jsonPointers: ['/data'] },
    {
      group: 'admissionregistration.k8s.io',
      kind: 'MutatingWebhookConfiguration',
      jqPathExpressions: ['.webhooks[].clientConfig.caBundle'],
    },
    {
      group: 'admissionregistration.k8s.io',
      kind: 'ValidatingWebhookConfiguration',
      jqPathExpressions: ['.webhooks[].clientConfig.caBundle'],
    },
  ],
  'kube-prometheus-stack': [
    {
      group: 'admissionregistration.k8s.io',
      kind: 'MutatingWebhookConfiguration',
      jqPathExpressions: ['.webhooks[].clientConfig.caBundle'],
    },
    {
      group: 'admissionregistration.k8s.io',
      kind: 'ValidatingWebhookConfiguration',
      jqPathExpressions: ['.webhooks[].clientConfig.caBundle'],
    },
  ],
  'external-secrets': [
    {
      group: 'admissionregistration.k8s.io',
      kind: 'ValidatingWebhookConfiguration',
      jqPathExpressions: ['.webhooks[].clientConfig.caBundle'],
    },
  ],
};

const labels = { 'app.kubernetes.io/part-of': PART_OF };
const automated = {
  automated: { prune: true, selfHeal: true },
  syncOptions: ['CreateNamespace=true', 'PruneLast=true', 'ApplyOutOfSyncOnly=true'],
  retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
};

function application(
  name: string,
  project: string,
  wave: number,
  source: Record<string, unknown> | Record<string, unknown>[],
  namespace: string,
  extraSync: string[] = [],
  ignoreDifferences?: Record<string, unknown>[],
): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: ARGOCD_NAMESPACE,
      labels,
      annotations: { 'argocd.argoproj.io/sync-wave': String(wave) },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    } as KubeObject['metadata'],
    spec: {
      project,
      ...(Array.isArray(source) ? { sources: source } : { source }),
      destination: { server: IN_CLUSTER, namespace },
      syncPolicy: {
        ...automated,
        syncOptions: [
          ...automated.syncOptions,
          ...extraSync,
          ...(ignoreDifferences ? ['RespectIgnoreDifferences=true'] : []),
        ],
      },
      ...(ignoreDifferences ? { ignoreDifferences } : {}),
      revisionHistoryLimit: 10,
    },
  };
}

/** The projects: operators may touch the cluster; the apps only their namespace. */
function projects(env: Environment, s: EnvironmentSettings): KubeObject[] {
  return [
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: `platform-${env}`, namespace: ARGOCD_NAMESPACE, labels },
      spec: {
        description: 'Operators, their CRDs and the monitoring, chaos and secrets platform',
        sourceRepos: [s.repoUrl, ...CHARTS.map((c) => c.repoURL)],
        destinations: [...new Set([...CHARTS.map((c) => c.namespace), 'monitoring', NAMESPACE])].map(
          (namespace) => ({ server: IN_CLUSTER, namespace }),
        ),
        clusterResourceWhitelist: [
          { group: '', kind: 'Namespace' },
          { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
          { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
          { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
          { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
          { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
          { group: 'networking.k8s.io', kind: 'IngressClass' },
          { group: 'elbv2.k8s.aws', kind: 'IngressClassParams' },
          { group: 'external-secrets.io', kind: 'ClusterSecretStore' },
          { group: 'scheduling.k8s.io', kind: 'PriorityClass' },
          { group: 'storage.k8s.io', kind: 'StorageClass' },
        ],
        orphanedResources: { warn: true },
      },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: `gameday-${env}`, namespace: ARGOCD_NAMESPACE, labels },
      spec: {
        description: 'The gameday services: namespaced resources in the gameday namespace only',
        sourceRepos: [s.repoUrl],
        destinations: [{ server: IN_CLUSTER, namespace: NAMESPACE }],
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
        namespaceResourceWhitelist: [
          { group: '', kind: 'ConfigMap' },
          { group: '', kind: 'Service' },
          { group: '', kind: 'ServiceAccount' },
          { group: 'apps', kind: 'Deployment' },
          { group: 'batch', kind: 'Job' },
          { group: 'batch', kind: 'CronJob' },
          { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
          { group: 'policy', kind: 'PodDisruptionBudget' },
          { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
          { group: 'networking.k8s.io', kind: 'Ingress' },
          { group: 'rbac.authorization.k8s.io', kind: 'Role' },
          { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
          { group: 'monitoring.coreos.com', kind: 'ServiceMonitor' },
          { group: 'external-secrets.io', kind: 'ExternalSecret' },
        ],
        orphanedResources: { warn: true },
      },
    },
  ];
}

export interface ArgoFile {
  path: string;
  objects: KubeObject[];
}

/** argocd/bootstrap/<env>.yaml and argocd/apps/<env>/*.yaml. */
export function renderArgo(env: Environment, s: EnvironmentSettings): ArgoFile[] {
  const git = (path: string) => ({ repoURL: s.repoUrl, targetRevision: s.targetRevision, path });
  const files: ArgoFile[] = [
    {
      path: `argocd/bootstrap/${env}.yaml`,
      objects: [
        application(
          `gameday-${env}`,
          'default',
          0,
          { ...git(`argocd/apps/${env}`), directory: { recurse: false } },
          ARGOCD_NAMESPACE,
        ),
      ],
    },
    { path: `argocd/apps/${env}/projects.yaml`, objects: projects(env, s) },
  ];
  for (const c of CHARTS) {
    files.push({
      path: `argocd/apps/${env}/${c.name}.yaml`,
      objects: [
        application(
          `${c.name}-${env}`,
          `platform-${env}`,
          c.wave ?? -3,
          [
            {
              repoURL: c.repoURL,
              chart: c.chart,
              targetRevision: c.version,
              helm: {
                releaseName: c.name,
                valueFiles: [`$values/argocd/values/${c.values}.yaml`],
                ...(chartValues(c.name, env, s) ? { valuesObject: chartValues(c.name, env, s) } : {}),
              },
            },
            { repoURL: s.repoUrl, targetRevision: s.targetRevision, ref: 'values' },
          ],
          c.namespace,
          // The monitoring CRDs may not exist yet when a chart's ServiceMonitor is first checked.
          [...(c.serverSideApply ? ['ServerSideApply=true'] : []), 'SkipDryRunOnMissingResource=true'],
          IGNORE_DIFFERENCES[c.name],
        ),
      ],
    });
  }
  const platform: [string, string, string][] = [
    ['slo-rules', 'argocd/slo-rules', 'monitoring'],
    ['dashboards', 'argocd/dashboards', 'monitoring'],
    ['secret-store', `argocd/platform/${env}`, 'external-secrets'],
  ];
  for (const [name, path, namespace] of platform) {
    files.push({
      path: `argocd/apps/${env}/${name}.yaml`,
      objects: [application(`${name}-${env}`, `platform-${env}`, -2, git(path), namespace)],
    });
  }
  for (const t of topology()) {
    files.push({
      path: `argocd/apps/${env}/gameday-${t.entry.name}.yaml`,
      objects: [
        application(
          `gameday-${env}-${t.entry.name}`,
          `gameday-${env}`,
          t.entry.name === 'gateway' ? 1 : 0,
          git(`argocd/gameday/${env}/${t.entry.name}`),
          NAMESPACE,
        ),
      ],
    });
  }
  for (const name of ['namespace', 'chaos-controller']) {
    files.push({
      path: `argocd/apps/${env}/gameday-${name}.yaml`,
      objects: [
        application(
          `gameday-${env}-${name}`,
          `gameday-${env}`,
          name === 'namespace' ? -1 : 2,
          git(`argocd/gameday/${env}/${name}`),
          NAMESPACE,
        ),
      ],
    });
  }
  return files;
}

/**
 * The platform resources the charts expect: the ClusterSecretStore every ExternalSecret reads from
 * (AWS Secrets Manager, IRSA), the gp3 StorageClass their volumes claim, and the Secrets of
 * Alertmanager (receivers) and Grafana (admin) from Secrets Manager.
 */
export function secretStore(s: EnvironmentSettings, env: Environment = 'staging'): KubeObject[] {
  const monitoringSecret = (name: string, key: string, properties: string[]): KubeObject => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: 'monitoring', labels },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
      target: { name, creationPolicy: 'Owner' },
      data: properties.map((p) => ({
        secretKey: p,
        remoteRef: { key: `gameday/${env}/${key}`, property: p },
      })),
    },
  });
  return [
    // The game-day workflow's group (CHAOS_OPERATORS_GROUP) port-forwards to Prometheus and
    // Alertmanager for the verdict: that, and reading what it forwards to, in monitoring only.
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'chaos-operators-port-forward', namespace: 'monitoring', labels },
      rules: [
        { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list'] },
        { apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'chaos-operators-port-forward', namespace: 'monitoring', labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'chaos-operators-port-forward' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: CHAOS_OPERATORS_GROUP }],
    },
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'gp3', labels },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true' },
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      reclaimPolicy: 'Delete',
    },
    monitoringSecret('alertmanager-receivers', 'alertmanager', [
      'pagerduty-routing-key',
      'slack-webhook-url',
    ]),
    monitoringSecret('grafana-admin', 'grafana', ['admin-user', 'admin-password']),
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: 'aws-secrets-manager', labels },
      spec: {
        provider: {
          aws: {
            service: 'SecretsManager',
            region: s.awsRegion,
            auth: {
              jwt: { serviceAccountRef: { name: 'external-secrets', namespace: 'external-secrets' } },
            },
          },
        },
      },
    },
  ];
}
