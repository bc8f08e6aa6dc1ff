// Public API of @gameday/dashboards: SLO specs and the service catalogue in, Grafana dashboards,
// datasources, a dashboard provider and ConfigMaps out.
export { boardInput, buildDashboards, generateDashboards, renderDashboard } from './generate';
export type { Dashboard, GenerateDashboardsResult, GeneratedFile, GenerateInputOptions } from './generate';
export { generateDashboardFiles } from './files';
export type { GenerateDashboardFilesOptions, GenerateDashboardFilesResult } from './files';
export { datasources, dashboardProvider, BACKEND_URLS } from './provisioning';
export { DATASOURCE, GENERATED_HEADER, GENERATED_NOTE, SLO_VARIABLE, TAG, UID, paths } from './naming';
export type { BoardInput } from './model';
export {
  panelQueries,
  variableValues,
  builtinVariables,
  expand,
  substitute,
  promqlErrors,
  selectors,
} from './queries';
export type { PanelQuery } from './queries';
export { checkQueries, formatFailures } from './live-check';
export type { QueryCheck, QueryStatus, CheckQueriesOptions } from './live-check';
