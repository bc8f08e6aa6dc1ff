// The manifests of one environment, as plain objects: the namespace (Pod Security "restricted"),
// default-deny and per-workload NetworkPolicies (exactly the system map's edges), and for each
// workload its ServiceAccount, ConfigMap, ExternalSecret (AWS Secrets Manager), Deployment,
// Service, HorizontalPodAutoscaler, PodDisruptionBudget and ServiceMonitor; the gateway's Ingress
// (AWS Load Balancer Controller, TLS). validate.ts checks each against its schema.
import type { IDeployment } from 'kubernetes-models/apps/v1' with { 'resolution-mode': 'import' };
import type { INetworkPolicy, INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1' with {
  'resolution-mode': 'import',
};
import type { EnvironmentSettings } from './environments';
import { chaosObjects } from './chaos-job';
import { ENVIRONMENT_SETTINGS } from './environments';
import type { Environment, ServiceTopology, Workload } from './topology';
import { HTTP_PORT, NAMESPACE, topology } from './topology';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** One output file: its objects, in apply order. */
export interface ManifestFile {
  /** Relative to argocd/gameday/<env>/. */
  name: string;
  objects: KubeObject[];
}

export const PART_OF = 'gameday';
/** The label kube-prometheus-stack's Prometheus selects ServiceMonitors by (its release name). */
export const SERVICE_MONITOR_LABEL = { release: 'kube-prometheus-stack' };
/** The seed-004 node groups (terraform/modules/eks): applications run on their own. */
export const NODE_GROUP_LABEL = 'gameday.io/node-group';
export const IMAGE_REPOSITORY = 'gameday';
/** preStop: keep serving while the endpoints controller and the ALB take the pod out. */
export const PRESTOP_SECONDS = 5;

export function labelsOf(w: Workload, version: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': w.service,
    'app.kubernetes.io/instance': w.name,
    'app.kubernetes.io/component': w.component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/version': version,
    ...(w.game ? { 'gameday.io/game': w.game } : {}),
  };
}

export function selectorOf(w: Workload): Record<string, string> {
  return { 'app.kubernetes.io/name': w.service, 'app.kubernetes.io/instance': w.name };
}

function podsOf(service: string): INetworkPolicyPeer {
  return { podSelector: { matchLabels: { 'app.kubernetes.io/name': service } } };
}

/** Egress rules shared by the policies: DNS, the data subnets on a port, the OTLP collector. */
export const dnsEgress = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [
    { protocol: 'UDP' as const, port: 53 },
    { protocol: 'TCP' as const, port: 53 },
  ],
};

/** RDS (5432) and MSK (9096) live in the data subnets. */
export function dataEgress(s: EnvironmentSettings, port: number) {
  return {
    to: s.dataCidrs.map((cidr) => ({ ipBlock: { cidr } })),
    ports: [{ protocol: 'TCP' as const, port }],
  };
}

export const otlpEgress = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'otel-collector' } },
    },
  ],
  ports: [{ protocol: 'TCP' as const, port: 4318 }],
};

function networkPolicy(
  t: ServiceTopology,
  w: Workload,
  all: ServiceTopology[],
  s: EnvironmentSettings,
): INetworkPolicy {
  const callers = all.filter((o) => o.calls.includes(t.entry.name)).map((o) => o.entry.name);
  const http = [{ protocol: 'TCP' as const, port: HTTP_PORT }];
  const ingress: NonNullable<NonNullable<INetworkPolicy['spec']>['ingress']> = [
    // Prometheus scrapes /metrics from the monitoring namespace.
    {
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: http,
    },
  ];
  if (callers.length > 0) ingress.push({ from: callers.map(podsOf), ports: http });
  if (t.entry.name === 'gateway') ingress.push({ from: [{ ipBlock: { cidr: s.vpcCidr } }], ports: http });
  const egress: NonNullable<NonNullable<INetworkPolicy['spec']>['egress']> = [dnsEgress];
  if (t.calls.length > 0) egress.push({ to: t.calls.map(podsOf), ports: http });
  if (t.external.includes('postgres')) egress.push(dataEgress(s, 5432));
  if (t.external.includes('kafka')) egress.push(dataEgress(s, 9096));
  if (t.external.includes('otlp')) egress.push(otlpEgress);
  if (t.external.includes('internet-https')) {
    egress.push({
      to: [
        {
          ipBlock: {
            cidr: '0.0.0.0/0',
            except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'],
          },
        },
      ],
      ports: [{ protocol: 'TCP' as const, port: 443 }],
    });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: w.name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF } },
    spec: {
      podSelector: { matchLabels: selectorOf(w) },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress,
    },
  };
}

function deployment(
  t: ServiceTopology,
  w: Workload,
  env: Environment,
  s: EnvironmentSettings,
  version: string,
): IDeployment {
  const size = t.sizing[env];
  const labels = labelsOf(w, version);
  const grace = t.drainSeconds + PRESTOP_SECONDS + 5;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: w.name, namespace: NAMESPACE, labels },
    spec: {
      // The HorizontalPodAutoscaler owns the count; this is the first one.
      replicas: size.replicas.min,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorOf(w) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: t.entry.name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // Longer than the drain deadline (SHUTDOWN_TIMEOUT_MS) plus the preStop pause.
          terminationGracePeriodSeconds: grace,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            fsGroup: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: NODE_GROUP_LABEL, operator: 'In', values: ['application'] }] },
                ],
              },
            },
          },
          tolerations: [
            { key: NODE_GROUP_LABEL, operator: 'Equal', value: 'application', effect: 'NoSchedule' },
          ],
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: s.zoneSpread,
              labelSelector: { matchLabels: selectorOf(w) },
            },
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selectorOf(w) },
            },
          ],
          containers: [
            {
              name: w.service,
              image: `${IMAGE_REPOSITORY}/${w.service}:${version}`,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
              envFrom: [
                { configMapRef: { name: 'gameday-platform' } },
                { configMapRef: { name: `${w.name}-env` } },
                ...(t.secrets.length > 0 ? [{ secretRef: { name: `${t.entry.name}-secrets` } }] : []),
              ],
              resources: {
                requests: { cpu: size.cpu.request, memory: size.memory.request },
                limits: { cpu: size.cpu.limit, memory: size.memory.limit },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              // Start: /healthz within startSeconds; then /readyz gates traffic (its dependencies up)
              // and /healthz restarts a stuck process.
              startupProbe: {
                httpGet: { path: '/healthz', port: 'http' },
                periodSeconds: 2,
                failureThreshold: Math.ceil(t.startSeconds / 2),
                timeoutSeconds: 2,
              },
              readinessProbe: {
                httpGet: { path: '/readyz', port: 'http' },
                periodSeconds: 5,
                failureThreshold: 2,
                timeoutSeconds: 2,
              },
              livenessProbe: {
                httpGet: { path: '/healthz', port: 'http' },
                periodSeconds: 10,
                failureThreshold: 3,
                timeoutSeconds: 3,
              },
              lifecycle: { preStop: { sleep: { seconds: PRESTOP_SECONDS } } },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

function workloadObjects(
  t: ServiceTopology,
  w: Workload,
  env: Environment,
  s: EnvironmentSettings,
  all: ServiceTopology[],
  version: string,
): KubeObject[] {
  const size = t.sizing[env];
  const labels = labelsOf(w, version);
  const meta = (name: string, extra: Record<string, string> = {}) => ({
    name,
    namespace: NAMESPACE,
    labels: { ...labels, ...extra },
  });
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { ...meta(`${w.name}-env`), annotations: { 'argocd.argoproj.io/sync-wave': WAVE.config } },
      data: w.env,
    },
    deployment(t, w, env, s, version) as KubeObject,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(w.name),
      spec: {
        type: 'ClusterIP',
        selector: selectorOf(w),
        ports: [{ name: 'http', port: HTTP_PORT, targetPort: 'http', protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(w.name),
      spec: {
        ...(size.replicas.min >= 2 ? { minAvailable: 1 } : { maxUnavailable: 1 }),
        selector: { matchLabels: selectorOf(w) },
      },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: meta(w.name, SERVICE_MONITOR_LABEL),
      spec: {
        // job = app.kubernetes.io/name: the SLO rules' job label is the service (every casino game is "casino").
        jobLabel: 'app.kubernetes.io/name',
        selector: { matchLabels: selectorOf(w) },
        namespaceSelector: { matchNames: [NAMESPACE] },
        endpoints: [{ port: 'http', path: '/metrics', interval: '15s', scrapeTimeout: '10s' }],
      },
    },
    networkPolicy(t, w, all, s) as KubeObject,
  ];
  if (size.replicas.max > size.replicas.min) {
    objects.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(w.name),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: w.name },
        minReplicas: size.replicas.min,
        maxReplicas: size.replicas.max,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
          },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
      },
    });
  }
  return objects;
}

function serviceObjects(t: ServiceTopology, env: Environment, version: string): KubeObject[] {
  const labels = {
    'app.kubernetes.io/name': t.entry.name,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/version': version,
  };
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: t.entry.name,
        namespace: NAMESPACE,
        labels,
        annotations: { 'argocd.argoproj.io/sync-wave': WAVE.config },
      },
      automountServiceAccountToken: false,
    },
  ];
  if (t.secrets.length > 0) {
    objects.push({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: {
        name: `${t.entry.name}-secrets`,
        namespace: NAMESPACE,
        labels,
        annotations: { 'argocd.argoproj.io/sync-wave': WAVE.config },
      },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
        target: { name: `${t.entry.name}-secrets`, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: t.secrets.map((key) => ({
          secretKey: key,
          remoteRef: { key: `gameday/${env}/${t.entry.name}`, property: key },
        })),
      },
    });
  }
  return objects;
}

/** ArgoCD applies lower waves first: configuration, then the migrations Job, then the workloads. */
export const WAVE = { config: '-2', migrations: '-1', workloads: '0' } as const;

/**
 * The migrations as a Job before the workloads (an ArgoCD Sync hook in wave -1, recreated on each
 * sync): the service's image with GAMEDAY_MIGRATE_ONLY, which applies them under the advisory lock and
 * exits 0. Instances starting meanwhile wait on the same lock and find nothing to do.
 */
function migrationsJob(t: ServiceTopology, s: EnvironmentSettings, version: string): KubeObject[] {
  const first = t.workloads[0]!;
  const name = `${t.entry.name}-migrate`;
  const labels = {
    'app.kubernetes.io/name': t.entry.name,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/component': 'migrations',
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/version': version,
  };
  const deploymentPod = deployment(t, first, 'staging', s, version).spec!.template.spec!;
  const container = deploymentPod.containers[0]!;
  return [
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: NAMESPACE,
        labels,
        annotations: {
          'argocd.argoproj.io/hook': 'Sync',
          'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
          'argocd.argoproj.io/sync-wave': WAVE.migrations,
        },
      },
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 600,
        ttlSecondsAfterFinished: 86_400,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: t.entry.name,
            automountServiceAccountToken: false,
            securityContext: deploymentPod.securityContext,
            affinity: deploymentPod.affinity,
            tolerations: deploymentPod.tolerations,
            containers: [
              {
                name: 'migrate',
                image: container.image,
                envFrom: container.envFrom,
                env: [{ name: 'GAMEDAY_MIGRATE_ONLY', value: 'true' }],
                resources: {
                  requests: { cpu: '50m', memory: '128Mi' },
                  limits: { cpu: '500m', memory: '256Mi' },
                },
                securityContext: container.securityContext,
                volumeMounts: container.volumeMounts,
              },
            ],
            volumes: deploymentPod.volumes,
          },
        },
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF } },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/instance': name } },
        policyTypes: ['Ingress', 'Egress'],
        egress: [dnsEgress, dataEgress(s, 5432), otlpEgress],
      },
    },
  ];
}

function namespaceObjects(env: Environment, s: EnvironmentSettings): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: NAMESPACE,
        // Chaos Mesh injects only into namespaces that ask (its values turn the filter on).
        annotations: { 'chaos-mesh.org/inject': 'enabled' },
        labels: {
          'app.kubernetes.io/part-of': PART_OF,
          // ALB target health gates each pod's readiness during rollouts.
          'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: 'default-deny',
        namespace: NAMESPACE,
        labels: { 'app.kubernetes.io/part-of': PART_OF },
      },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'gameday-platform',
        namespace: NAMESPACE,
        labels: { 'app.kubernetes.io/part-of': PART_OF },
        annotations: { 'argocd.argoproj.io/sync-wave': WAVE.config },
      },
      data: {
        KAFKA_BROKERS: s.kafkaBrokers,
        // MSK: TLS and SASL/SCRAM; each service's user and password come from its ExternalSecret.
        KAFKA_TLS: 'true',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        GAMEDAY_ENVIRONMENT: env,
        NODE_ENV: 'production',
      },
    },
  ];
}

function ingress(s: EnvironmentSettings): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'gateway',
      namespace: NAMESPACE,
      labels: { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/part-of': PART_OF },
      annotations: {
        'alb.ingress.kubernetes.io/scheme': 'internet-facing',
        'alb.ingress.kubernetes.io/target-type': 'ip',
        'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS":443},{"HTTP":80}]',
        'alb.ingress.kubernetes.io/ssl-redirect': '443',
        'alb.ingress.kubernetes.io/ssl-policy': 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        'alb.ingress.kubernetes.io/healthcheck-path': '/readyz',
        'alb.ingress.kubernetes.io/load-balancer-attributes':
          'routing.http.drop_invalid_header_fields.enabled=true,deletion_protection.enabled=true',
      },
    },
    spec: {
      ingressClassName: 'alb',
      // The ALB controller finds the ACM certificate for this host.
      tls: [{ hosts: [s.apiHost] }],
      rules: [
        {
          host: s.apiHost,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'gateway', port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/** Every file of an environment. `version` is the image tag placeholder kustomize replaces. */
export function renderEnvironment(env: Environment, version = 'latest'): ManifestFile[] {
  const s = ENVIRONMENT_SETTINGS[env];
  const all = topology();
  const files: ManifestFile[] = [{ name: 'namespace.yaml', objects: namespaceObjects(env, s) }];
  for (const t of all) {
    const objects = serviceObjects(t, env, version);
    if (t.entry.database) objects.push(...migrationsJob(t, s, version));
    for (const w of t.workloads) objects.push(...workloadObjects(t, w, env, s, all, version));
    if (t.entry.name === 'gateway') objects.push(ingress(s));
    files.push({ name: `${t.entry.name}.yaml`, objects });
  }
  files.push({ name: 'chaos-controller.yaml', objects: chaosObjects(env, s, version) });
  return files;
}
