// Questions asked of rendered manifests: which pods a Chaos Mesh selector picks, and whether the
// NetworkPolicies let one service reach another (the rules Kubernetes applies: a pod selected by a
// policy of a type accepts only what some rule of that type allows).
import type { KubeObject } from './render';
import { HTTP_PORT, NAMESPACE } from './topology';

export interface Pod {
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function matchesLabels(labels: Record<string, string>, sel: LabelSelector | undefined): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const v = labels[e.key];
    if (e.operator === 'In' && !(has && e.values?.includes(v!))) return false;
    if (e.operator === 'NotIn' && has && e.values?.includes(v!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** One pod per Deployment (its template's labels): what selectors are checked against. */
export function podsOf(objects: readonly KubeObject[]): Pod[] {
  return objects
    .filter((o) => o.kind === 'Deployment')
    .map((o) => {
      const tpl = (o['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template;
      return {
        name: o.metadata.name,
        namespace: o.metadata.namespace ?? NAMESPACE,
        labels: tpl.metadata.labels,
      };
    });
}

/** Chaos Mesh's selector (namespaces, labelSelectors, expressionSelectors) over pods. */
export function chaosSelect(
  selector: {
    namespaces?: string[];
    labelSelectors?: Record<string, string>;
    expressionSelectors?: LabelSelector['matchExpressions'];
  },
  pods: readonly Pod[],
): Pod[] {
  return pods.filter(
    (p) =>
      (!selector.namespaces || selector.namespaces.includes(p.namespace)) &&
      matchesLabels(p.labels, {
        ...(selector.labelSelectors ? { matchLabels: selector.labelSelectors } : {}),
        ...(selector.expressionSelectors ? { matchExpressions: selector.expressionSelectors } : {}),
      }),
  );
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string };
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { protocol?: string; port?: number | string }[];
}
interface PolicySpec {
  podSelector: LabelSelector;
  policyTypes?: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

function peerHas(peer: Peer, pod: Pod, from: Pod): boolean {
  if (peer.ipBlock) return false;
  // No namespaceSelector: the policy's own namespace.
  const nsOk = peer.namespaceSelector
    ? matchesLabels({ 'kubernetes.io/metadata.name': pod.namespace }, peer.namespaceSelector)
    : pod.namespace === from.namespace;
  return nsOk && matchesLabels(pod.labels, peer.podSelector);
}

function ruleAllows(
  rules: Rule[] | undefined,
  peer: Pod,
  self: Pod,
  dir: 'from' | 'to',
  port: number,
): boolean {
  return (rules ?? []).some(
    (r) =>
      (r[dir] === undefined || r[dir]!.some((p) => peerHas(p, peer, self))) &&
      (r.ports === undefined ||
        r.ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || p.port === port))),
  );
}

/** Whether pod `from` may open a TCP connection to pod `to` on `port` under these policies. */
export function networkAllows(objects: readonly KubeObject[], from: Pod, to: Pod, port = HTTP_PORT): boolean {
  const policies = objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => ({ ns: o.metadata.namespace, spec: o['spec'] as PolicySpec }));
  const applying = (pod: Pod, type: 'Ingress' | 'Egress') =>
    policies.filter(
      (p) =>
        p.ns === pod.namespace &&
        (p.spec.policyTypes ?? ['Ingress']).includes(type) &&
        matchesLabels(pod.labels, p.spec.podSelector),
    );
  const egress = applying(from, 'Egress');
  const egressOk = egress.length === 0 || egress.some((p) => ruleAllows(p.spec.egress, to, from, 'to', port));
  const ingress = applying(to, 'Ingress');
  const ingressOk =
    ingress.length === 0 || ingress.some((p) => ruleAllows(p.spec.ingress, from, to, 'from', port));
  return egressOk && ingressOk;
}
