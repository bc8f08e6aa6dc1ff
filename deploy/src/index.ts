export {
  topology,
  systemEdges,
  serviceUrl,
  NAMESPACE,
  HTTP_PORT,
  ENVIRONMENTS,
  CASINO_GAMES,
} from './topology';
export type { Environment, ServiceTopology, Workload, External, Sizing } from './topology';
export { ENVIRONMENT_SETTINGS } from './environments';
export type { EnvironmentSettings } from './environments';
export {
  renderEnvironment,
  labelsOf,
  selectorOf,
  SERVICE_MONITOR_LABEL,
  NODE_GROUP_LABEL,
  PRESTOP_SECONDS,
  IMAGE_REPOSITORY,
} from './render';
export type { KubeObject, ManifestFile } from './render';
export { validateObjects, ManifestError } from './validate';
export { generateDeployFiles, toYaml, manifestDir, GENERATED_HEADER, MANIFEST_DIR } from './generate';
export type { DeployGenerateResult } from './generate';
export { podsOf, chaosSelect, networkAllows, matchesLabels } from './checks';
export type { Pod } from './checks';
export { renderArgo, secretStore, CHARTS, ARGOCD_NAMESPACE } from './argocd';
export type { Chart, ArgoFile } from './argocd';
export { chaosObjects, CHAOS_NAME } from './chaos-job';
