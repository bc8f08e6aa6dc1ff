// Chaos Mesh resources (chaos-mesh.org/v1alpha1) for each fault of the spec, and their validation
// against the CRDs' openAPIV3Schema (chaos/crds/, Chaos Mesh 2.8.3's CRDs as it ships them, the one
// home of these schemas), so nothing is sent to a cluster that its API server would refuse.
//
//   process-kill       PodChaos pod-kill (container-kill with fault.container)
//   process-pause      PodChaos pod-failure
//   kafka-broker-kill  PodChaos pod-kill on the kafka pods
//   http-error         HTTPChaos, Response target, status code replaced
//   http-latency       HTTPChaos, Request target, delay
//   network            NetworkChaos delay / loss / partition (blackhole, reset) / bandwidth
//   (postgres, kafka)  with their hosts given (RDS and MSK on EKS, externals.ts): NetworkChaos on
//                      their clients towards those hosts; kafka-broker-kill becomes a partition
//   cpu-stress         StressChaos cpu;  memory-stress: StressChaos memory

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { EngineError } from '../engine';
import { CLUSTER_EXTERNALS } from '../externals';
import type { Experiment } from '../spec';

export const CHAOS_GROUP = 'chaos-mesh.org';
export const CHAOS_VERSION = 'v1alpha1';
export const CRD_DIR = join(__dirname, '..', '..', 'crds');

export const KINDS = {
  PodChaos: 'podchaos',
  NetworkChaos: 'networkchaos',
  HTTPChaos: 'httpchaos',
  StressChaos: 'stresschaos',
} as const;
export type ChaosKind = keyof typeof KINDS;

export interface ChaosManifest {
  apiVersion: string;
  kind: ChaosKind;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

/** The label pods of a service carry (as the argocd/ manifests set it). */
export const SERVICE_LABEL = 'app.kubernetes.io/name';

const go = (seconds: number) => (seconds < 1 ? `${Math.round(seconds * 1000)}ms` : `${Math.round(seconds)}s`);

export function plural(kind: ChaosKind): string {
  return KINDS[kind];
}

/**
 * HTTPChaos has no per-request probability: a share of requests becomes the same share of the
 * target's pods (mode fixed-percent), which matches when traffic is spread evenly over them.
 */
function podShare(percent: number): Record<string, string> {
  return percent >= 1 ? {} : { mode: 'fixed-percent', value: String(Math.max(1, Math.round(percent * 100))) };
}

export interface RenderOptions {
  /** Hosts of the dependencies that run outside the cluster (`--external postgres=<host>`). */
  externals?: Readonly<Record<string, readonly string[]>>;
}

export function renderManifest(
  e: Experiment,
  runId: string,
  defaultNamespace: string,
  options: RenderOptions = {},
): ChaosManifest {
  const namespace = e.spec.target.namespace ?? defaultNamespace;
  // PostgreSQL and Kafka as RDS and MSK (hosts given): the fault goes on the path from their clients.
  // Without hosts they are taken to run in the cluster (an operator's pods labelled like a service).
  const outside = CLUSTER_EXTERNALS[e.spec.target.service];
  const hosts = e.spec.target.external ?? options.externals?.[e.spec.target.service];
  if (outside && hosts && hosts.length > 0) return renderOutside(e, runId, namespace, outside.clients, hosts);
  const selector = (service: string) => ({
    namespaces: [namespace],
    labelSelectors: { [SERVICE_LABEL]: service },
  });
  const target = e.spec.target.service;
  const common = { mode: e.spec.target.mode, selector: selector(target) };
  const duration = go(e.spec.duration);
  const f = e.spec.fault;
  let kind: ChaosKind;
  let spec: Record<string, unknown>;
  switch (f.type) {
    case 'process-kill':
    case 'kafka-broker-kill':
      kind = 'PodChaos';
      spec =
        f.type === 'process-kill' && f.container
          ? { ...common, action: 'container-kill', containerNames: [f.container] }
          : {
              ...common,
              action: 'pod-kill',
              gracePeriod: f.type === 'process-kill' && f.signal === 'SIGTERM' ? 30 : 0,
            };
      break;
    case 'process-pause':
      kind = 'PodChaos';
      spec = { ...common, action: 'pod-failure', duration };
      break;
    case 'http-error':
      kind = 'HTTPChaos';
      spec = {
        ...common,
        ...podShare(f.percent),
        target: 'Response',
        port: 8080,
        path: f.route ? f.route.replace(/:[^/]+/g, '*') : '*',
        ...(f.method ? { method: f.method } : {}),
        replace: { code: f.status },
        duration,
      };
      break;
    case 'http-latency':
      kind = 'HTTPChaos';
      spec = {
        ...common,
        ...podShare(f.percent),
        target: 'Request',
        port: 8080,
        path: f.route ? f.route.replace(/:[^/]+/g, '*') : '*',
        ...(f.method ? { method: f.method } : {}),
        delay: go(f.delay),
        duration,
      };
      break;
    case 'network': {
      kind = 'NetworkChaos';
      // With `from`, netem sits on the client pods towards the target; else on the target, both ways.
      // An external target (outside the cluster): netem on the `from` pods towards its hosts.
      const external = e.spec.target.external;
      const edge =
        external && f.from
          ? { selector: selector(f.from), direction: 'to', externalTargets: external }
          : f.from
            ? {
                selector: selector(f.from),
                direction: 'to',
                target: { mode: 'all', selector: selector(target) },
              }
            : { selector: selector(target), direction: 'both' };
      const base = { mode: e.spec.target.mode, ...edge, duration };
      spec = networkSpec(base, f);
      break;
    }
    case 'cpu-stress':
      kind = 'StressChaos';
      spec = {
        ...common,
        stressors: { cpu: { workers: f.workers, load: Math.round(f.load * 100) } },
        duration,
      };
      break;
    case 'memory-stress':
      kind = 'StressChaos';
      spec = { ...common, stressors: { memory: { workers: 1, size: `${f.sizeMB}MB` } }, duration };
      break;
  }
  return envelope(kind, e, runId, namespace, spec);
}

/** The resource around a spec: named after the run, labelled as gameday's, described by the experiment. */
function envelope(
  kind: ChaosKind,
  e: Experiment,
  runId: string,
  namespace: string,
  spec: Record<string, unknown>,
): ChaosManifest {
  return {
    apiVersion: `${CHAOS_GROUP}/${CHAOS_VERSION}`,
    kind,
    metadata: {
      name: runId,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'gameday', 'gameday.dev/experiment': e.metadata.name },
      annotations: { 'gameday.dev/description': e.metadata.description.trim().slice(0, 250) },
    },
    spec,
  };
}

type NetworkFault = Extract<Experiment['spec']['fault'], { type: 'network' }>;

function networkSpec(base: Record<string, unknown>, f: NetworkFault): Record<string, unknown> {
  switch (f.action) {
    case 'latency':
      return {
        ...base,
        action: 'delay',
        delay: { latency: go(f.latency!), jitter: go(f.jitter ?? 0.001), correlation: '0' },
      };
    case 'loss':
      return {
        ...base,
        action: 'loss',
        loss: { loss: String(Math.round(f.percent! * 100)), correlation: '0' },
      };
    case 'blackhole':
    case 'reset':
      // Chaos Mesh cannot send resets: a partition drops every packet, which clients see as timeouts.
      return { ...base, action: 'partition' };
    case 'bandwidth':
      return {
        ...base,
        action: 'bandwidth',
        bandwidth: { rate: `${Math.round(f.rateKBps! * 8)}kbps`, limit: 20971520, buffer: 10000 },
      };
  }
}

/** A fault on a dependency outside the cluster: on its client pods, towards its hosts. */
function renderOutside(
  e: Experiment,
  runId: string,
  namespace: string,
  clients: readonly string[],
  hosts: readonly string[],
): ChaosManifest {
  const service = e.spec.target.service;
  const base = {
    mode: 'all',
    selector: {
      namespaces: [namespace],
      expressionSelectors: [{ key: SERVICE_LABEL, operator: 'In', values: [...clients] }],
    },
    direction: 'to',
    externalTargets: [...hosts],
    duration: go(e.spec.duration),
  };
  const f = e.spec.fault;
  let spec: Record<string, unknown>;
  if (f.type === 'network') spec = networkSpec(base, f);
  else if (f.type === 'kafka-broker-kill') spec = { ...base, action: 'partition' };
  else {
    throw new EngineError(
      `${f.type} cannot act on ${service} on EKS (it is ${CLUSTER_EXTERNALS[service]!.what}): use a network fault`,
    );
  }
  return envelope('NetworkChaos', e, runId, namespace, spec);
}

const validators = new Map<ChaosKind, ValidateFunction>();

/** The CRD's openAPIV3Schema for a kind (from chaos/crds/<plural>.yaml). */
export function crdSchema(kind: ChaosKind, dir = CRD_DIR): Record<string, unknown> {
  const crd = parse(readFileSync(join(dir, `${plural(kind)}.yaml`), 'utf8')) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[] };
  };
  const version = crd.spec.versions.find((v) => v.name === CHAOS_VERSION);
  if (!version) throw new Error(`${plural(kind)}.yaml has no ${CHAOS_VERSION} schema`);
  return version.schema.openAPIV3Schema;
}

/** Problems with a manifest, each naming the field (empty when it validates). */
export function validateManifest(manifest: { kind: string } & Record<string, unknown>): string[] {
  const kind = manifest.kind as ChaosKind;
  if (!(kind in KINDS)) return [`kind ${manifest.kind} is not a Chaos Mesh kind this engine renders`];
  let validate = validators.get(kind);
  if (!validate) {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    validate = ajv.compile(crdSchema(kind));
    validators.set(kind, validate);
  }
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map(
    (err) =>
      `${kind}${err.instancePath.replace(/\//g, '.') || ' (root)'}: ${err.message ?? 'invalid'}${err.params && 'allowedValues' in err.params ? ` (${(err.params.allowedValues as string[]).join(', ')})` : ''}`,
  );
}
