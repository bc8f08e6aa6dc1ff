// Checks each object against its Kubernetes (or CRD) OpenAPI schema with kubernetes-models, which
// ship those schemas. kubernetes-models is ESM-only: loaded with import() from this CommonJS package.
import type { KubeObject } from './render';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: KubeObject) => Validatable;

const MODULES: Record<string, () => Promise<Record<string, unknown>>> = {
  v1: () => import('kubernetes-models/v1'),
  'apps/v1': () => import('kubernetes-models/apps/v1'),
  'policy/v1': () => import('kubernetes-models/policy/v1'),
  'autoscaling/v2': () => import('kubernetes-models/autoscaling/v2'),
  'networking.k8s.io/v1': () => import('kubernetes-models/networking.k8s.io/v1'),
  'batch/v1': () => import('kubernetes-models/batch/v1'),
  'storage.k8s.io/v1': () => import('kubernetes-models/storage.k8s.io/v1'),
  'rbac.authorization.k8s.io/v1': () => import('kubernetes-models/rbac.authorization.k8s.io/v1'),
  'monitoring.coreos.com/v1': () => import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'),
  'external-secrets.io/v1': () => import('@kubernetes-models/external-secrets/external-secrets.io/v1'),
  'argoproj.io/v1alpha1': () => import('@kubernetes-models/argo-cd/argoproj.io/v1alpha1'),
};

export class ManifestError extends Error {}

async function modelFor(o: KubeObject): Promise<ModelClass> {
  const load = MODULES[o.apiVersion];
  if (!load)
    throw new ManifestError(
      `apiVersion ${o.apiVersion} is not one gameday validates (${Object.keys(MODULES).join(', ')})`,
    );
  const mod = await load();
  const cls = mod[o.kind];
  if (typeof cls !== 'function') throw new ManifestError(`kind ${o.kind} is not in ${o.apiVersion}`);
  return cls as ModelClass;
}

/** Validates every object; the error names the file, the object and the field. */
export async function validateObjects(file: string, objects: readonly KubeObject[]): Promise<void> {
  for (const [i, o] of objects.entries()) {
    const where = `${file}: document ${i + 1} (${o.kind ?? '?'} ${o.metadata?.name ?? '?'})`;
    if (!o || typeof o !== 'object' || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
      throw new ManifestError(`${where}: needs apiVersion and kind`);
    }
    if (!o.metadata || typeof o.metadata.name !== 'string' || o.metadata.name === '') {
      throw new ManifestError(`${where}: metadata.name is required`);
    }
    const Model = await modelFor(o);
    try {
      new Model(o).validate();
    } catch (err) {
      const e = err as {
        message?: string;
        errors?: { instancePath?: string; message?: string; params?: unknown }[];
      };
      const details = (e.errors ?? [])
        .slice(0, 5)
        .map(
          (d) =>
            `${(d.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || '(root)'}: ${d.message ?? ''}${d.params ? ` ${JSON.stringify(d.params)}` : ''}`,
        )
        .join('; ');
      throw new ManifestError(`${where}: ${details || e.message}`);
    }
  }
}
