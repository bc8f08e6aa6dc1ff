import { GENERATED_HEADER } from '../naming';
import type { RuleGroup } from '../rules/types';
import { toYaml } from './yaml';

function nonEmpty(groups: RuleGroup[], what: string): void {
  if (groups.length === 0 || groups.some((g) => g.rules.length === 0)) {
    throw new Error(`refusing to render ${what} without rules`);
  }
}

/** A plain Prometheus rule file (what the local stack and `promtool` load). */
export function renderRuleFile(groups: RuleGroup[], source: string): string {
  nonEmpty(groups, 'a rule file');
  return `${GENERATED_HEADER}\n# Source: ${source}\n${toYaml({ groups })}`;
}

/** The same groups as a kube-prometheus-stack PrometheusRule, for ArgoCD to sync into the cluster. */
export function renderPrometheusRule(service: string, groups: RuleGroup[], source: string): string {
  nonEmpty(groups, 'a PrometheusRule');
  const resource = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: `slo-${service}`,
      labels: {
        'app.kubernetes.io/name': service,
        'app.kubernetes.io/part-of': 'gameday',
        'app.kubernetes.io/managed-by': 'gameday-slo',
        // kube-prometheus-stack's default ruleSelector picks up rules carrying its release label.
        release: 'kube-prometheus-stack',
      },
    },
    spec: { groups },
  };
  return `${GENERATED_HEADER}\n# Source: ${source}\n${toYaml(resource)}`;
}

/** Lists every PrometheusRule so one ArgoCD application syncs them all. */
export function renderKustomization(services: string[]): string {
  if (services.length === 0) throw new Error('refusing to render a kustomization without resources');
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...services].sort().map((s) => `${s}.yaml`),
  };
  return `${GENERATED_HEADER}\n${toYaml(kustomization)}`;
}
