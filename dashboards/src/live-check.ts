// Runs every PromQL panel query of the generated dashboards against a live Prometheus, with template
// variables substituted as Grafana would, and says which panel would stay empty: a renamed metric, a
// label no series has, a typo in a matcher. `gameday dashboards check-queries` and the local stack's
// end-to-end test use it.
import { METRICS } from '@gameday/telemetry/contract';
import type { Dashboard } from './generate';
import { builtinVariables, expand, panelQueries, selectors, variableValues } from './queries';

/**
 * Series that exist only once something has happened, with what the check looks at instead.
 * ALERTS: Prometheus keeps a series only while an alert is pending or firing; the check asks for
 * the alerting rule. Chaos results: only after an experiment ran (and a detection time only when an
 * alert fired during it); the check asks that the metric is exported (its metadata).
 */
const ALERT_SERIES = /^ALERTS(_FOR_STATE)?\b/;
export const EXPORTED_ONLY: ReadonlySet<string> = new Set([
  METRICS.chaosExperimentActive,
  METRICS.chaosRuns,
  METRICS.chaosVerdict,
  METRICS.chaosLastRun,
  METRICS.chaosBudgetConsumed,
  METRICS.chaosMaxBurnRate,
  METRICS.chaosDetection,
  METRICS.chaosRecovery,
]);

const MATCHER = /(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;

/**
 * The selector's scope: its metric and the matchers that say where (job, service, SLO), without the
 * regex filters that pick values (`status=~"5.."`): those may rightly match nothing in a healthy
 * system, and the whole query is checked as well.
 */
export function scopeOf(selector: string): string {
  const name = selector.replace(/\{.*$/s, '');
  const kept = [...selector.matchAll(MATCHER)]
    .filter(([, , op, value]) => op !== '=~' || value === '.+' || value === '.*')
    .map(([m]) => m);
  return `${name}{${kept.join(',')}}`.replace(/\{\}$/, '');
}

export type QueryStatus = 'ok' | 'alert-rule' | 'exported' | 'empty' | 'error';

export interface QueryCheck {
  dashboard: string;
  panel: string;
  refId: string;
  /** With the variables substituted. */
  expr: string;
  status: QueryStatus;
  /** Series in the answer (ok), or what was wrong. */
  detail: string;
}

export interface CheckQueriesOptions {
  prometheusUrl: string;
  /** The range the panels show (unix seconds); default: the last hour. */
  start?: number;
  end?: number;
  /** Progress, one line per dashboard. */
  progress?: (line: string) => void;
  fetchImpl?: typeof fetch;
}

interface PromResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown[] } | Record<string, unknown[]> | unknown[];
}

class Prometheus {
  constructor(
    private readonly base: string,
    private readonly f: typeof fetch,
  ) {}

  async get(path: string, params: Record<string, string>): Promise<PromResponse> {
    const url = `${this.base.replace(/\/+$/, '')}${path}?${new URLSearchParams(params).toString()}`;
    let r: Response;
    try {
      r = await this.f(url, { signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new Error(
        `Prometheus at ${this.base} did not answer (${(err as Error).message}); is it running?`,
      );
    }
    const body = (await r
      .json()
      .catch(() => ({ status: 'error', error: `HTTP ${r.status}` }))) as PromResponse;
    return body;
  }

  async count(expr: string, start: number, end: number, instant: boolean): Promise<number | string> {
    // Steps counted back from the end, so the newest samples are evaluated too.
    const step = Math.max(15, Math.ceil((end - start) / 200));
    const body = instant
      ? await this.get('/api/v1/query', { query: expr, time: String(end) })
      : await this.get('/api/v1/query_range', {
          query: expr,
          start: String(end - Math.floor((end - start) / step) * step),
          end: String(end),
          step: String(step),
        });
    if (body.status !== 'success') return body.error ?? 'query failed';
    const data = body.data as { result: unknown[] };
    return data.result.length;
  }
}

/** Alert rules Prometheus has loaded: name and labels. */
async function alertRules(p: Prometheus): Promise<Array<{ name: string; labels: Record<string, string> }>> {
  const body = await p.get('/api/v1/rules', { type: 'alert' });
  const groups = (
    body.data as { groups?: Array<{ rules: Array<{ name: string; labels?: Record<string, string> }> }> }
  ).groups;
  return (groups ?? []).flatMap((g) => g.rules.map((r) => ({ name: r.name, labels: r.labels ?? {} })));
}

/** Equality matchers of a selector: `{a="b"}` → { a: 'b' }. */
function equalities(selector: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of selector.matchAll(/(\w+)\s*=\s*"([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

export async function checkQueries(dashboards: Dashboard[], o: CheckQueriesOptions): Promise<QueryCheck[]> {
  const end = o.end ?? Math.ceil(Date.now() / 1000);
  const start = o.start ?? end - 3600;
  const p = new Prometheus(o.prometheusUrl, o.fetchImpl ?? fetch);
  const rules = await alertRules(p);
  const metadata = new Map<string, boolean>();
  const exported = async (metric: string) => {
    if (!metadata.has(metric)) {
      const body = await p.get('/api/v1/metadata', { metric });
      metadata.set(metric, Object.keys((body.data as Record<string, unknown>) ?? {}).length > 0);
    }
    return metadata.get(metric)!;
  };
  const builtins = builtinVariables(end - start);
  const checks: QueryCheck[] = [];

  for (const d of dashboards) {
    const vars = variableValues(d);
    const queries = panelQueries(d).filter((q) => q.datasource === 'prometheus');
    for (const q of queries) {
      for (const expr of expand(q.expr, vars, builtins)) {
        const base = { dashboard: d.uid!, panel: q.panel, refId: q.refId, expr };
        const sels = selectors(expr);
        const alertSel = sels.find((s) => ALERT_SERIES.test(s));
        if (alertSel) {
          const want = equalities(alertSel);
          const { alertname, alertstate: _state, ...labels } = want;
          const found = rules.some(
            (r) =>
              (alertname === undefined || r.name === alertname) &&
              Object.entries(labels).every(([k, v]) => r.labels[k] === undefined || r.labels[k] === v),
          );
          checks.push({
            ...base,
            status: found ? 'alert-rule' : 'empty',
            detail: found
              ? `alerting rule ${alertname ?? '(any)'} is loaded; ALERTS has series only while it is active`
              : `no alerting rule matches ${alertSel}`,
          });
          continue;
        }
        const n = await p.count(expr, start, end, q.instant);
        if (typeof n === 'string') {
          checks.push({ ...base, status: 'error', detail: n });
          continue;
        }
        // Each selector's scope on its own: `x or vector(0)` must not hide a metric that does not exist.
        const missing: string[] = [];
        for (const s of sels.map(scopeOf)) {
          const c = await p.count(`count(last_over_time(${s}[${end - start}s]))`, start, end, true);
          if (c === 0) missing.push(s);
        }
        const conditional = await Promise.all(
          missing.map(async (s) => {
            const metric = s.replace(/\{.*$/, '');
            return EXPORTED_ONLY.has(metric) && (await exported(metric));
          }),
        );
        if (missing.length > 0 && conditional.every(Boolean)) {
          checks.push({
            ...base,
            status: 'exported',
            detail: `${missing.join(', ')}: exported, no series in the range (measured only when it happens)`,
          });
        } else if (n === 0 || missing.length > 0) {
          checks.push({
            ...base,
            status: 'empty',
            detail:
              missing.length > 0 ? `no series for ${missing.join(', ')}` : 'the query returns no series',
          });
        } else {
          checks.push({ ...base, status: 'ok', detail: `${n} series` });
        }
      }
    }
    const bad = checks.filter(
      (c) => c.dashboard === d.uid && (c.status === 'empty' || c.status === 'error'),
    ).length;
    o.progress?.(`${d.uid}: ${queries.length} queries${bad ? `, ${bad} without data` : ''}`);
  }
  return checks;
}

/** One line per failed check: dashboard, panel, query and why. */
export function formatFailures(checks: QueryCheck[]): string {
  return checks
    .filter((c) => c.status === 'empty' || c.status === 'error')
    .map((c) => `${c.dashboard} / "${c.panel}" (${c.refId}): ${c.detail}\n    ${c.expr}`)
    .join('\n');
}
