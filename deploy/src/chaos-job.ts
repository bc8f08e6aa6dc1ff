// The in-cluster game day: the chaos controller image as a CronJob in the app namespace, allowed
// exactly what the kubernetes engine does there (create, watch and delete Chaos Mesh resources; read
// pods) and to reach Prometheus, Alertmanager and the API server. A run's exit code is the Job's:
// 0 passed, 1 a hypothesis failed, 2 could not run.
import type { EnvironmentSettings } from './environments';
import type { KubeObject } from './render';
import { dnsEgress, PART_OF } from './render';
import type { Environment } from './topology';
import { NAMESPACE } from './topology';

export const CHAOS_NAME = 'chaos-controller';
/** The Kubernetes group of the game-day workflow's AWS role (terraform/modules/eks access entry). */
export const CHAOS_OPERATORS_GROUP = 'gameday:chaos-operators';
const PROMETHEUS = 'http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090';
const ALERTMANAGER = 'http://kube-prometheus-stack-alertmanager.monitoring.svc.cluster.local:9093';
const CHAOS_RESOURCES = ['podchaos', 'networkchaos', 'httpchaos', 'stresschaos'];

export function chaosObjects(env: Environment, s: EnvironmentSettings, version: string): KubeObject[] {
  const labels = {
    'app.kubernetes.io/name': CHAOS_NAME,
    'app.kubernetes.io/component': 'gameday',
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/version': version,
  };
  const meta = (name: string) => ({ name, namespace: NAMESPACE, labels });
  const args = [
    'chaos',
    'run',
    'chaos/experiments',
    '--engine',
    'kubernetes',
    '--namespace',
    NAMESPACE,
    '--prometheus',
    PROMETHEUS,
    '--alertmanager',
    ALERTMANAGER,
    '--external',
    `postgres=${s.rdsHost}`,
    '--external',
    `kafka=${s.kafkaBrokers
      .split(',')
      .map((h) => h.replace(/:\d+$/, ''))
      .join(',')}`,
    '--reports',
    '/tmp/reports',
    '--wait-admission',
    '6m',
  ];
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(CHAOS_NAME),
      automountServiceAccountToken: true,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(CHAOS_NAME),
      rules: [
        {
          apiGroups: ['chaos-mesh.org'],
          resources: CHAOS_RESOURCES,
          verbs: ['create', 'get', 'list', 'watch', 'delete', 'patch'],
        },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(CHAOS_NAME),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CHAOS_NAME },
      subjects: [{ kind: 'ServiceAccount', name: CHAOS_NAME, namespace: NAMESPACE }],
    },
    // The game-day workflow (.github/workflows/gameday.yml) comes in through an EKS access entry in
    // this group (terraform/modules/eks): the same rights as the in-cluster job, nothing more.
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('chaos-operators'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CHAOS_NAME },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: CHAOS_OPERATORS_GROUP }],
    },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta('gameday'),
      spec: {
        schedule: s.gamedaySchedule || '0 0 31 2 *',
        // prod: never by itself (February 31st); `kubectl create job --from=cronjob/gameday` runs it.
        suspend: s.gamedaySchedule === '',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 5,
        jobTemplate: {
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: 3 * 3600,
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: 'Never',
                serviceAccountName: CHAOS_NAME,
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: 65532,
                  runAsGroup: 65532,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                affinity: {
                  nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                      nodeSelectorTerms: [
                        {
                          matchExpressions: [
                            { key: 'gameday.io/node-group', operator: 'In', values: ['monitoring'] },
                          ],
                        },
                      ],
                    },
                  },
                },
                tolerations: [
                  {
                    key: 'gameday.io/node-group',
                    operator: 'Equal',
                    value: 'monitoring',
                    effect: 'NoSchedule',
                  },
                ],
                containers: [
                  {
                    name: 'chaos',
                    image: `gameday/${CHAOS_NAME}:${version}`,
                    args,
                    env: [{ name: 'GAMEDAY_ENVIRONMENT', value: env }],
                    resources: {
                      requests: { cpu: '100m', memory: '256Mi' },
                      limits: { cpu: '1', memory: '512Mi' },
                    },
                    securityContext: {
                      allowPrivilegeEscalation: false,
                      readOnlyRootFilesystem: true,
                      runAsNonRoot: true,
                      capabilities: { drop: ['ALL'] },
                    },
                    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                  },
                ],
                volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
              },
            },
          },
        },
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(CHAOS_NAME),
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': CHAOS_NAME } },
        policyTypes: ['Ingress', 'Egress'],
        egress: [
          dnsEgress,
          // Prometheus and Alertmanager (the verdict), in the monitoring namespace.
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
            ports: [
              { protocol: 'TCP', port: 9090 },
              { protocol: 'TCP', port: 9093 },
            ],
          },
          // The API server: EKS's endpoint ENIs live in the VPC.
          { to: [{ ipBlock: { cidr: s.vpcCidr } }], ports: [{ protocol: 'TCP', port: 443 }] },
        ],
      },
    },
  ];
}
