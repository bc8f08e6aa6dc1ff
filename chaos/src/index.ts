// Public API of @gameday/chaos: the experiment spec, the controller and engines, the verdict and
// reports, and the entry points of `gameday chaos`.
export * from './spec';
export * from './journal';
export * from './verdict';
export * from './report';
export * from './run';
export { Controller } from './controller';
export type { ActiveFaultSink, Annotations, ControllerOptions } from './controller';
export { LocalEngine, readStackState, toxicsFor, proxyName } from './engines/local';
export { renderManifest, validateManifest, crdSchema, CRD_DIR, KINDS } from './engines/chaos-mesh';
export type { ChaosManifest, ChaosKind, RenderOptions } from './engines/chaos-mesh';
export { EngineError } from './engine';
export { CLUSTER_EXTERNALS, parseExternals } from './externals';
export type { ClusterExternal } from './externals';
export type { Engine } from './engine';
export { SloCatalogue } from './slos';
export { Prometheus, Alertmanager, ReceiverSink } from './observe';
export { parseDuration, formatSeconds } from './duration';
export { GrafanaAnnotations, StackActiveSink, OwnMetricsSink } from './sinks';
