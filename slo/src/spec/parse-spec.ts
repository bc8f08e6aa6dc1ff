import { basename } from 'node:path';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { SpecError, type SpecProblem } from '../errors';
import { DEFAULT_PERIOD, type Period, type ServiceSlos, type Slo } from '../model';
import { loadWindows, type PeriodWindows } from '../windows';
import { formatPath, locate, type PathSegment } from './locate';
import { openSloToSlo, OPENSLO_ANNOTATIONS } from './openslo';
import { gamedaySpecSchema, openSloSchema } from './schema';
import { checkSchema } from './validate-schema';
import { checkSlo } from './validate';

/** A spec file's contents and the name to show in errors (relative to the repository root). */
export interface SpecSource {
  file: string;
  text: string;
}

export interface ParseOptions {
  windows?: Map<Period, PeriodWindows>;
}

/**
 * Parses and validates one spec file, gameday format or OpenSLO v1, into the SLO model.
 * Throws a SpecError listing every problem (file, line, path inside the document, what is wrong).
 */
export function parseSpec(source: SpecSource, options: ParseOptions = {}): ServiceSlos {
  const windows = options.windows ?? loadWindows();
  const lines = new LineCounter();
  const docs = parseAllDocuments(source.text, { lineCounter: lines });
  const problems: SpecProblem[] = [];
  const fileService = basename(source.file).replace(/\.ya?ml$/, '');

  const docList = Array.isArray(docs) ? docs : [];
  for (const doc of docList) {
    for (const error of doc.errors) {
      const pos = error.linePos?.[0];
      problems.push({
        file: source.file,
        path: '',
        line: pos?.line,
        column: pos?.col,
        message: `invalid YAML: ${error.message.split('\n')[0]}`,
      });
    }
  }
  if (problems.length > 0) throw new SpecError(problems);
  const documents = docList.filter((d) => d.contents !== null);
  if (documents.length === 0) {
    throw new SpecError([
      { file: source.file, path: '', message: 'the file is empty; expected an SLO spec' },
    ]);
  }

  const at =
    (doc: Document, prefix: string) =>
    (path: readonly PathSegment[], message: string): SpecProblem => ({
      file: source.file,
      path: prefix + formatPath(path),
      ...locate(doc, lines, path),
      message,
    });

  const first = documents[0]!.toJS() as Record<string, unknown> | null;
  const isOpenSlo = typeof first === 'object' && first !== null && first.apiVersion === 'openslo/v1';
  const slos: Slo[] = [];

  if (isOpenSlo) {
    documents.forEach((doc, i) => {
      const problem = at(doc, documents.length > 1 ? `[document ${i + 1}] ` : '');
      const data = doc.toJS() as Record<string, unknown>;
      const issues = checkSchema(openSloSchema, data);
      if (issues.length > 0) {
        for (const issue of issues) problems.push(problem(issue.path, issue.message));
        return;
      }
      const slo = openSloToSlo(data, source.file);
      checkAndCollect(slo, problem, windows, fileService, problems, slos, {
        service: ['spec', 'service'],
        sli: ['spec', 'indicator', 'spec', 'ratioMetric'],
        guard: ['metadata', 'annotations', OPENSLO_ANNOTATIONS.minRequestsPerSecond],
        objective: ['spec', 'objectives', 0],
        sliPath: openSloSliPath,
      });
    });
  } else {
    if (documents.length > 1) {
      problems.push(at(documents[1]!, '')([], 'a gameday spec is a single YAML document; remove the "---"'));
    }
    const doc = documents[0]!;
    const problem = at(doc, '');
    const issues = checkSchema(gamedaySpecSchema, first);
    if (typeof first !== 'object' || first === null || !('version' in first)) {
      problems.push(
        problem(
          [],
          'not an SLO spec: expected "version: gameday/v1" (gameday format) or "apiVersion: openslo/v1" (OpenSLO)',
        ),
      );
    } else if (issues.length > 0) {
      for (const issue of issues) problems.push(problem(issue.path, issue.message));
    } else {
      const spec = first as unknown as GamedaySpec;
      spec.slos.forEach((raw, i) => {
        const stray = strayFields(raw.sli);
        for (const field of stray) {
          problems.push(
            problem(
              ['slos', i, 'sli', field],
              `does not apply to kind ${raw.sli.kind}; fields for it: ${FIELDS_BY_KIND[raw.sli.kind].join(', ')}`,
            ),
          );
        }
        if (stray.length > 0) return;
        const slo = gamedayToSlo(spec, raw, source.file);
        checkAndCollect(slo, problem, windows, fileService, problems, slos, {
          service: ['service'],
          sli: ['slos', i, 'sli'],
          guard: ['slos', i, 'lowTrafficGuard', 'minRequestsPerSecond'],
          objective: ['slos', i, 'objective'],
          name: ['slos', i, 'name'],
        });
      });
    }
  }

  if (problems.length > 0) throw new SpecError(problems);
  const services = new Set(slos.map((s) => s.service));
  if (services.size !== 1) {
    throw new SpecError([
      {
        file: source.file,
        path: '',
        message: `all SLOs of a file must belong to one service, got ${[...services].join(', ')}`,
      },
    ]);
  }
  return { service: slos[0]!.service, source: source.file, slos };
}

interface Locations {
  service: PathSegment[];
  sli: PathSegment[];
  guard: PathSegment[];
  objective: PathSegment[];
  name?: PathSegment[];
  /** Maps a path inside the SLI model to where the document declares it. */
  sliPath?: (path: PathSegment[]) => PathSegment[];
}

function openSloSliPath(path: PathSegment[]): PathSegment[] {
  const [field, sub] = path;
  if (field === 'testSeries') {
    const key = sub === 'good' ? OPENSLO_ANNOTATIONS.testGoodSeries : OPENSLO_ANNOTATIONS.testBadSeries;
    return ['..', 'metadata', 'annotations', key];
  }
  if (field === 'good' || field === 'bad' || field === 'total')
    return [field, 'metricSource', 'spec', 'query'];
  return path;
}

function checkAndCollect(
  slo: Slo,
  problem: (path: readonly PathSegment[], message: string) => SpecProblem,
  windows: Map<Period, PeriodWindows>,
  fileService: string,
  problems: SpecProblem[],
  slos: Slo[],
  where: Locations,
): void {
  if (slo.service !== fileService) {
    problems.push(
      problem(
        where.service,
        `service "${slo.service}" does not match the file name; a service's SLOs live in ${slo.service}.yaml`,
      ),
    );
  }
  if (slos.some((s) => s.name === slo.name)) {
    problems.push(
      problem(where.name ?? ['metadata', 'name'], `duplicate SLO name "${slo.name}" in this file`),
    );
  }
  for (const issue of checkSlo(slo, windows.get(slo.period)!)) {
    let path: PathSegment[];
    if (issue.on === 'sli') {
      const inner = where.sliPath ? where.sliPath(issue.path) : issue.path;
      path = inner[0] === '..' ? inner.slice(1) : [...where.sli, ...inner];
    } else {
      path = [...(issue.on === 'guard' ? where.guard : where.objective), ...issue.path];
    }
    problems.push(problem(path, issue.message));
  }
  slos.push(slo);
}

interface GamedaySpec {
  version: 'gameday/v1';
  service: string;
  job?: string;
  slos: Array<{
    name: string;
    description?: string;
    objective: number;
    period?: Period;
    sli: {
      kind: Slo['sli']['kind'];
      routes?: string[];
      excludeRoutes?: string[];
      methods?: string[];
      threshold?: number;
      good?: string;
      bad?: string;
      total?: string;
      testSeries?: { good: string; bad?: string; total?: string };
    };
    lowTrafficGuard?: { minRequestsPerSecond: number };
  }>;
}

function gamedayToSlo(spec: GamedaySpec, raw: GamedaySpec['slos'][number], file: string): Slo {
  const job = spec.job ?? spec.service;
  const { sli } = raw;
  const base = {
    service: spec.service,
    name: raw.name,
    description: raw.description ?? '',
    objective: raw.objective,
    period: raw.period ?? DEFAULT_PERIOD,
    minRequestsPerSecond: raw.lowTrafficGuard?.minRequestsPerSecond,
    source: file,
  };
  const selection = {
    job,
    routes: sli.routes ?? [],
    excludeRoutes: sli.excludeRoutes ?? [],
    methods: sli.methods ?? [],
  };
  switch (sli.kind) {
    case 'http-availability':
      return { ...base, sli: { kind: sli.kind, ...selection } };
    case 'http-latency':
      return { ...base, sli: { kind: sli.kind, ...selection, threshold: sli.threshold! } };
    case 'ratio':
      return {
        ...base,
        sli: {
          kind: 'ratio',
          total: sli.total!,
          ...(sli.good !== undefined ? { good: sli.good } : {}),
          ...(sli.bad !== undefined ? { bad: sli.bad } : {}),
          ...(sli.testSeries !== undefined ? { testSeries: sli.testSeries } : {}),
        },
      };
  }
}

const FIELDS_BY_KIND: Record<Slo['sli']['kind'], string[]> = {
  'http-availability': ['kind', 'routes', 'excludeRoutes', 'methods'],
  'http-latency': ['kind', 'routes', 'excludeRoutes', 'methods', 'threshold'],
  ratio: ['kind', 'good', 'bad', 'total', 'testSeries'],
};

/** Fields the schema allows on an SLI but that mean nothing for its kind (e.g. a threshold on availability). */
function strayFields(sli: Record<string, unknown>): string[] {
  const allowed = FIELDS_BY_KIND[sli.kind as Slo['sli']['kind']];
  return Object.keys(sli).filter((field) => !allowed.includes(field));
}
