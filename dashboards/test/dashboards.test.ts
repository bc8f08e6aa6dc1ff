// The generated dashboards, checked offline (Grafana cannot run here): each validates against JSON
// schemas derived from the Foundation SDK's own types, panels do not overlap, every datasource is
// provisioned, every PromQL, LogQL and TraceQL query parses, every alert's dashboard_url resolves,
// and the checked-in files are what the generator writes.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';
import { parse } from 'yaml';
import type { parser as LogqlParser } from '@grafana/lezer-logql' with { 'resolution-mode': 'import' };
import type { parser as TraceqlParser } from '@grafana/lezer-traceql' with { 'resolution-mode': 'import' };
import { readSpecSources, SpecError } from '@gameday/slo';
import {
  buildDashboards,
  boardInput,
  builtinVariables,
  datasources,
  expand,
  generateDashboards,
  GENERATED_NOTE,
  panelQueries,
  paths,
  promqlErrors,
  renderDashboard,
  selectors,
  SLO_VARIABLE,
  UID,
  variableValues,
  type Dashboard,
} from '../src';
import { run } from '../../cli/src/program';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const logql = (require('@grafana/lezer-logql') as { parser: typeof LogqlParser }).parser;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const traceql = (require('@grafana/lezer-traceql') as { parser: typeof TraceqlParser }).parser;

const root = join(__dirname, '..', '..');
const sdk = join(root, 'node_modules', '@grafana', 'grafana-foundation-sdk', 'dist');
// What Grafana receives: the rendered JSON (functions of the SDK objects are not part of it).
const dashboards: Dashboard[] = buildDashboards(boardInput(readSpecSources(root))).map(
  (d) => JSON.parse(renderDashboard(d)) as Dashboard,
);

type Schema = Record<string, unknown> & { definitions: Record<string, unknown> };

/** A JSON schema of one SDK type (its .d.ts), strict: no property the type does not declare. */
function schemaOf(module: string, type: string): Schema {
  return createGenerator({
    path: join(sdk, module, 'types.gen.d.ts'),
    type,
    skipTypeCheck: true,
    expose: 'export',
    topRef: true,
    functions: 'hide',
    additionalProperties: false,
  }).createSchema(type) as Schema;
}

const ajv = new Ajv({ allErrors: true, strict: false });
let validateDashboard: ValidateFunction;
const validateOptions = new Map<string, ValidateFunction>();
const validateCustom = new Map<string, ValidateFunction>();
const validateTarget = new Map<string, ValidateFunction>();

beforeAll(() => {
  const d = schemaOf('dashboard', 'Dashboard');
  // Queries and panel options are typed per datasource and per panel kind: checked below.
  d.definitions.Dataquery = {};
  validateDashboard = ajv.compile(d);
  // Panel type (in the JSON) → the SDK module that types it.
  const kinds: Record<string, string> = {
    timeseries: 'timeseries',
    stat: 'stat',
    table: 'table',
    logs: 'logs',
    'state-timeline': 'statetimeline',
    text: 'text',
  };
  for (const [type, module] of Object.entries(kinds)) {
    validateOptions.set(type, ajv.compile(schemaOf(module, 'Options')));
    if (['timeseries', 'table', 'statetimeline'].includes(module))
      validateCustom.set(type, ajv.compile(schemaOf(module, 'FieldConfig')));
  }
  validateTarget.set('prometheus', ajv.compile(schemaOf('prometheus', 'Dataquery')));
  validateTarget.set('loki', ajv.compile(schemaOf('loki', 'dataquery')));
  validateTarget.set('tempo', ajv.compile(schemaOf('tempo', 'Dataquery')));
}, 120_000);

interface RawPanel {
  id?: number;
  type: string;
  title?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  datasource?: { uid?: string; type?: string };
  targets?: Array<{ datasource?: { uid?: string; type?: string } }>;
  options?: unknown;
  fieldConfig?: { defaults?: { custom?: unknown } };
  panels?: RawPanel[];
}

const panelsOf = (d: Dashboard): RawPanel[] => (d.panels ?? []) as RawPanel[];
const errorsOf = (v: ValidateFunction): string =>
  (v.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`).join('; ');

describe('generated dashboards', () => {
  it('are the contract set: overview, service-* per service, slo-* per SLO spec, casino, wallet, events, pokemon, scheduler, gameday', () => {
    const uids = dashboards.map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    const services = [
      'accounts',
      'wallet',
      'casino',
      'pokemon',
      'scheduler',
      'events',
      'leaderboard',
      'gateway',
    ];
    expect(uids.sort()).toEqual(
      [
        'overview',
        ...services.map(UID.service),
        ...services.map(UID.slo),
        'casino',
        'wallet',
        'events',
        'pokemon',
        'scheduler',
        'gameday',
      ].sort(),
    );
  });

  it.each(dashboards.map((d) => [d.uid!, d]))('%s validates against the SDK’s Dashboard type', (_uid, d) => {
    expect(validateDashboard(d) ? '' : errorsOf(validateDashboard)).toBe('');
    expect(d.description).toContain(GENERATED_NOTE);
    expect(d.tags).toContain('gameday');
  });

  it.each(dashboards.map((d) => [d.uid!, d]))(
    '%s: panel options, field config and queries validate against their panel kind and datasource',
    (_uid, d) => {
      const problems: string[] = [];
      for (const p of panelsOf(d)) {
        if (p.type === 'row') continue;
        const options = validateOptions.get(p.type);
        if (!options) problems.push(`"${p.title}": panel kind ${p.type} has no schema here`);
        else if (!options(p.options ?? {})) problems.push(`"${p.title}" options: ${errorsOf(options)}`);
        const custom = validateCustom.get(p.type);
        if (custom && !custom(p.fieldConfig?.defaults?.custom ?? {}))
          problems.push(`"${p.title}" custom field config: ${errorsOf(custom)}`);
        for (const t of p.targets ?? []) {
          const v = validateTarget.get(t.datasource?.type ?? '');
          if (!v) problems.push(`"${p.title}": a query of datasource type ${t.datasource?.type}`);
          else if (!v(t)) problems.push(`"${p.title}" query: ${errorsOf(v)}`);
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it.each(dashboards.map((d) => [d.uid!, d]))(
    '%s: panels fit the 24-column grid without overlapping',
    (_uid, d) => {
      const taken = new Map<string, string>();
      const problems: string[] = [];
      const ids = new Set<number>();
      for (const p of panelsOf(d)) {
        const g = p.gridPos!;
        if (p.id === undefined || ids.has(p.id)) problems.push(`"${p.title}" has no unique id`);
        ids.add(p.id!);
        if (g.x < 0 || g.w < 1 || g.h < 1 || g.x + g.w > 24)
          problems.push(`"${p.title}" is outside the grid`);
        for (let x = g.x; x < g.x + g.w; x++) {
          for (let y = g.y; y < g.y + g.h; y++) {
            const other = taken.get(`${x},${y}`);
            if (other) problems.push(`"${p.title}" overlaps "${other}"`);
            taken.set(`${x},${y}`, p.title ?? '');
          }
        }
      }
      expect([...new Set(problems)]).toEqual([]);
    },
  );

  it('name only datasources the provisioning defines', () => {
    const provisioned = new Set<string>(datasources().datasources.map((d) => d.uid));
    expect([...provisioned].sort()).toEqual(['loki', 'prometheus', 'tempo']);
    const named = new Set<string>();
    for (const d of dashboards) {
      for (const p of panelsOf(d)) {
        if (p.datasource?.uid) named.add(p.datasource.uid);
        for (const t of p.targets ?? []) named.add(t.datasource?.uid ?? '(none)');
      }
      for (const v of d.templating.list ?? []) if (v.datasource?.uid) named.add(v.datasource.uid);
      for (const a of d.annotations.list ?? []) if (a.datasource?.uid) named.add(a.datasource.uid);
    }
    named.delete('-- Grafana --'); // Grafana's built-in annotation store
    expect([...named].filter((uid) => !provisioned.has(uid))).toEqual([]);
    // Each derived link points at a provisioned datasource too.
    const text = JSON.stringify(datasources());
    for (const m of text.matchAll(/"datasourceUid":"([^"]+)"/g)) expect(provisioned).toContain(m[1]);
  });

  it('every PromQL, LogQL and TraceQL query parses, with template variables substituted', () => {
    const builtins = builtinVariables(3600);
    const problems: string[] = [];
    let counts = { prometheus: 0, loki: 0, tempo: 0 };
    for (const d of dashboards) {
      const vars = variableValues(d);
      for (const q of panelQueries(d)) {
        for (const expr of expand(q.expr, vars, builtins)) {
          counts = { ...counts, [q.datasource]: counts[q.datasource] + 1 };
          const where = `${q.dashboard} / "${q.panel}" (${q.refId}): ${expr}`;
          if (/\$\w/.test(expr.replace(/\$\{__[\w.]+\}/g, ''))) problems.push(`${where}: a variable is left`);
          if (q.datasource === 'prometheus') {
            for (const p of promqlErrors(expr)) problems.push(`${where}: ${p.message}`);
          } else {
            const parser = q.datasource === 'loki' ? logql : traceql;
            parser.parse(expr).iterate({
              enter(n) {
                if (n.type.isError) problems.push(`${where}: syntax error at ${n.from}`);
              },
            });
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(counts.prometheus).toBeGreaterThan(200);
    expect(counts.loki).toBeGreaterThanOrEqual(12);
    expect(counts.tempo).toBeGreaterThanOrEqual(12);
  });

  it('the parsers catch what they should (so the test above can fail)', () => {
    expect(promqlErrors('sum(rate(x[5m])')).not.toEqual([]);
    expect(promqlErrors('sum(rate(x[5m]))')).toEqual([]);
    const broken = (p: typeof logql, s: string) => {
      let bad = false;
      p.parse(s).iterate({ enter: (n) => void (bad ||= n.type.isError) });
      return bad;
    };
    expect(broken(logql, '{service="a"} | json | level=~"error"')).toBe(false);
    expect(broken(logql, '{service="a" | json')).toBe(true);
    expect(broken(traceql, '{ resource.service.name = "a" && status = error }')).toBe(false);
    expect(broken(traceql, '{ resource.service.name = && }')).toBe(true);
    expect(selectors('sum(rate(a{x="1"}[5m])) / b or vector(0)')).toEqual(['a{x="1"}', 'b']);
  });

  it('every alert’s dashboard_url opens a generated SLO dashboard with its SLO among slo_name’s values', () => {
    const byUid = new Map(dashboards.map((d) => [d.uid, d]));
    const rulesDir = join(root, 'alerts', 'generated');
    const urls: string[] = [];
    for (const f of readdirSync(rulesDir).filter((f) => f.endsWith('.slo.rules.yml'))) {
      const doc = parse(readFileSync(join(rulesDir, f), 'utf8')) as {
        groups: Array<{ rules: Array<{ alert?: string; annotations?: Record<string, string> }> }>;
      };
      for (const r of doc.groups.flatMap((g) => g.rules))
        if (r.alert) urls.push(r.annotations!.dashboard_url!);
    }
    expect(urls.length).toBeGreaterThanOrEqual(30);
    const problems: string[] = [];
    for (const url of urls) {
      const u = new URL(url);
      const uid = /^\/d\/([\w-]+)$/.exec(u.pathname)?.[1];
      const d = uid ? byUid.get(uid) : undefined;
      if (!d) {
        problems.push(`${url}: no dashboard ${uid}`);
        continue;
      }
      for (const [key, value] of u.searchParams) {
        const name = key.replace(/^var-/, '');
        const v = d.templating.list?.find((x) => x.name === name);
        const values = String(v?.query ?? '').split(',');
        if (!v || !values.includes(value)) problems.push(`${url}: ${uid} has no ${name}=${value}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every SLO has its SLO dashboard panels, and every service its service dashboard', () => {
    const input = boardInput(readSpecSources(root));
    for (const s of input.slos) {
      const d = dashboards.find((x) => x.uid === UID.slo(s.service))!;
      const v = d.templating.list!.find((x) => x.name === SLO_VARIABLE)!;
      expect(String(v.query).split(',')).toEqual(s.slos.map((x) => x.name));
      const exprs = panelQueries(d).map((q) => q.expr);
      for (const rec of [
        'slo:current_burn_rate:ratio',
        'slo:period_error_budget_remaining:ratio',
        'slo:sli_error:ratio_rate5m',
      ]) {
        expect(exprs.some((e) => e.includes(`${rec}{slo_service="${s.service}",slo_name="$slo_name"}`))).toBe(
          true,
        );
      }
    }
    for (const svc of input.services) {
      const d = dashboards.find((x) => x.uid === UID.service(svc.name))!;
      const titles = panelsOf(d).map((p) => p.title);
      expect(titles).toEqual(
        expect.arrayContaining([
          'Requests/s by route',
          'Latency p50 / p95 / p99',
          'Event-loop lag',
          `Logs of ${svc.name}`,
        ]),
      );
      if (svc.database) expect(titles).toContain(`PostgreSQL pool (${svc.database})`);
      if (svc.kafka === 'consumer') expect(titles).toContain('Kafka consumer lag by partition');
    }
  });

  it('the p99 latency panel shows exemplars, linked to Tempo by the Prometheus datasource', () => {
    const d = dashboards.find((x) => x.uid === UID.service('casino'))!;
    const p = panelsOf(d).find((x) => x.title === 'Latency p50 / p95 / p99')!;
    expect(
      (p.targets as Array<{ exemplar?: boolean; legendFormat?: string }>).find(
        (t) => t.legendFormat === 'p99',
      )?.exemplar,
    ).toBe(true);
    const prom = datasources().datasources.find((x) => x.uid === 'prometheus')!;
    expect(prom.jsonData).toMatchObject({
      exemplarTraceIdDestinations: [{ name: 'trace_id', datasourceUid: 'tempo' }],
    });
  });
});

describe('gameday dashboards generate', () => {
  let tmp: string;
  const cli = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, {
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
      env: {},
      cwd: tmp,
    });
    return { code, stdout, stderr };
  };

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'gameday-dashboards-'));
    for (const dir of [
      'slo/specs',
      'dashboards/generated',
      'argocd/dashboards',
      'dashboards/provisioning',
      'alerts/generated',
    ]) {
      cpSync(join(root, dir), join(tmp, dir), { recursive: true });
    }
    writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'gameday', workspaces: [] }));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('--check passes on the checked-in files (they are what the generator writes)', async () => {
    const r = await cli('dashboards', 'generate', '--check', '--root', root);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/Dashboards are up to date \(23 dashboards\)/);
    expect(r.code).toBe(0);
  });

  it('--check names each stale, missing and orphaned file and writes nothing; generate then repairs them', async () => {
    const overview = join(tmp, paths.dashboardFile('overview'));
    writeFileSync(
      overview,
      readFileSync(overview, 'utf8').replace('"Requests/s by service"', '"hand edited"'),
    );
    rmSync(join(tmp, paths.configMapFile('casino')));
    const orphan = join(tmp, paths.dashboardFile('old-board'));
    writeFileSync(orphan, JSON.stringify({ description: GENERATED_NOTE }));
    const before = readFileSync(overview, 'utf8');

    const check = await cli('dashboards', 'generate', '--check', '--root', tmp);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`stale: ${paths.dashboardFile('overview')} differs`);
    expect(check.stderr).toContain(`stale: ${paths.configMapFile('casino')} is missing`);
    expect(check.stderr).toContain(
      `stale: ${paths.dashboardFile('old-board')} is generated by nothing any more`,
    );
    expect(readFileSync(overview, 'utf8')).toBe(before);

    const gen = await cli('dashboards', 'generate', '--root', tmp);
    expect(gen.code).toBe(0);
    expect(gen.stdout).toContain(`removed ${paths.dashboardFile('old-board')}`);
    expect(existsSync(orphan)).toBe(false);
    expect((await cli('dashboards', 'generate', '--check', '--root', tmp)).code).toBe(0);
  });

  it('refuses an invalid spec with exit 2, naming the file and field, and writes nothing', async () => {
    writeFileSync(
      join(tmp, 'slo/specs/casino.yaml'),
      readFileSync(join(tmp, 'slo/specs/casino.yaml'), 'utf8').replace(/objective: [\d.]+/, 'objective: 120'),
    );
    writeFileSync(
      join(tmp, 'slo/specs/nobody.yaml'),
      'version: gameday/v1\nservice: nobody\nslos:\n  - name: availability\n    objective: 99\n    sli:\n      kind: http-availability\n',
    );
    const overview = join(tmp, paths.dashboardFile('overview'));
    rmSync(overview);
    const r = await cli('dashboards', 'generate', '--root', tmp);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid input, nothing written');
    expect(r.stderr).toMatch(/slo\/specs\/casino\.yaml.*objective/);
    expect(r.stderr).toMatch(/slo\/specs\/nobody\.yaml.*not in the service catalogue/);
    expect(existsSync(overview)).toBe(false);
  });

  it('renders each dashboard as a ConfigMap for the Grafana sidecar, listed by a kustomization', () => {
    const { files } = generateDashboards(readSpecSources(root));
    const cm = parse(files.find((f) => f.path === paths.configMapFile('overview'))!.content) as {
      metadata: { labels: Record<string, string>; namespace: string };
      data: Record<string, string>;
    };
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    expect(JSON.parse(cm.data['overview.json']!).uid).toBe('overview');
    const k = parse(files.find((f) => f.path === paths.kustomizationFile)!.content) as {
      resources: string[];
    };
    expect(k.resources).toHaveLength(24);
    expect(k.resources).toContain('slo-casino.yaml');
    expect(() => generateDashboards([{ file: 'slo/specs/x.yaml', text: 'service: [' }])).toThrow(SpecError);
  });
});
