// The pipeline, pure: SLO specs and the service catalogue in, file contents out (no file-system
// access, so the bench and the tests run it in memory; files.ts reads, writes and checks).
//   spec → validate (parse the SLO specs, check the catalogue) → build (SDK builders) → render (JSON, YAML)
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import {
  defaultLinks,
  loadWindows,
  parseSpec,
  SpecError,
  type ServiceSlos,
  type SpecProblem,
  type SpecSource,
} from '@gameday/slo';
import { SERVICES, type ServiceEntry } from '@gameday/telemetry/contract';
import { casinoBoard, eventsBoard, pokemonBoard, schedulerBoard, walletBoard } from './boards/domain';
import { gamedayBoard } from './boards/gameday';
import { overviewBoard } from './boards/overview';
import { serviceBoard } from './boards/service';
import { sloBoard } from './boards/slo';
import type { BoardInput } from './model';
import { paths } from './naming';
import {
  renderDashboardConfigMap,
  renderDatasources,
  renderDatasourcesConfigMap,
  renderKustomization,
  renderProvider,
} from './provisioning';

export type Dashboard = dashboardTypes.Dashboard;

export interface GeneratedFile {
  /** Relative to the repository root. */
  path: string;
  content: string;
}

export interface GenerateDashboardsResult {
  dashboards: Dashboard[];
  files: GeneratedFile[];
}

export interface GenerateInputOptions {
  services?: readonly ServiceEntry[];
  runbookBaseUrl?: string;
}

/** Parses the specs and checks them against the catalogue; throws a SpecError naming every problem. */
export function boardInput(sources: SpecSource[], options: GenerateInputOptions = {}): BoardInput {
  const windows = loadWindows();
  const services = options.services ?? SERVICES;
  const problems: SpecProblem[] = [];
  const slos: ServiceSlos[] = [];
  for (const source of sources) {
    try {
      slos.push(parseSpec(source, { windows }));
    } catch (err) {
      if (err instanceof SpecError) problems.push(...err.problems);
      else throw err;
    }
  }
  const known = new Set(services.map((s) => s.name));
  for (const s of slos) {
    if (!known.has(s.service)) {
      problems.push({
        file: s.source,
        path: 'service',
        message: `service "${s.service}" is not in the service catalogue (${[...known].join(', ')}): no dashboard could show it`,
      });
    }
  }
  const names = new Set<string>();
  for (const s of services) {
    if (!/^[a-z][a-z0-9-]{0,40}$/.test(s.name)) {
      problems.push({
        file: 'telemetry/src/contract.ts',
        path: 'SERVICES',
        message: `"${s.name}" is not a valid service name (lower case, digits, -)`,
      });
    }
    if (names.has(s.name)) {
      problems.push({
        file: 'telemetry/src/contract.ts',
        path: 'SERVICES',
        message: `service "${s.name}" is listed twice`,
      });
    }
    names.add(s.name);
  }
  if (problems.length > 0) throw new SpecError(problems);
  return { services, slos, windows, runbookBaseUrl: options.runbookBaseUrl ?? defaultLinks.runbookBaseUrl };
}

/** Panel ids: unique per dashboard, in reading order (Grafana links panels by id). */
function numberPanels(d: Dashboard): Dashboard {
  let id = 1;
  for (const p of d.panels ?? []) {
    p.id = id++;
    if ('panels' in p && Array.isArray(p.panels)) for (const inner of p.panels) inner.id = id++;
  }
  return d;
}

/** Every dashboard, built. */
export function buildDashboards(input: BoardInput): Dashboard[] {
  const boards = [
    overviewBoard(input),
    ...input.services.map((s) => serviceBoard(input, s)),
    ...input.slos.filter((s) => s.slos.length > 0).map((s) => sloBoard(input, s.service)),
    casinoBoard(),
    walletBoard(),
    eventsBoard(input),
    pokemonBoard(input),
    schedulerBoard(input),
    gamedayBoard(),
  ];
  return boards.map((b) => numberPanels(b.build()));
}

export function renderDashboard(d: Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

/** Dashboards, provisioning files and ConfigMaps, from the specs. */
export function generateDashboards(
  sources: SpecSource[],
  options: GenerateInputOptions = {},
): GenerateDashboardsResult {
  const dashboards = buildDashboards(boardInput(sources, options));
  const files: GeneratedFile[] = [];
  for (const d of dashboards) {
    const json = renderDashboard(d);
    files.push({ path: paths.dashboardFile(d.uid!), content: json });
    files.push({ path: paths.configMapFile(d.uid!), content: renderDashboardConfigMap(d.uid!, json) });
  }
  files.push({ path: paths.datasourcesFile, content: renderDatasources() });
  files.push({ path: paths.providerFile, content: renderProvider() });
  files.push({ path: paths.datasourcesConfigMapFile, content: renderDatasourcesConfigMap() });
  files.push({ path: paths.kustomizationFile, content: renderKustomization(dashboards.map((d) => d.uid!)) });
  return { dashboards, files };
}
