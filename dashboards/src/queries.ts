// Every query of a dashboard, with the template variables Grafana would substitute, and the metric
// selectors inside each PromQL expression. The static checks parse them; `gameday dashboards
// check-queries` (and the stack's end-to-end test) runs them against a live Prometheus.
import type { parser as PromqlParser } from '@prometheus-io/lezer-promql' with {
  'resolution-mode': 'import',
};
import type { Dashboard } from './generate';
import { DATASOURCE, type DatasourceName } from './naming';

// The package is an ES module with a CommonJS build: require() takes the latter.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: typeof PromqlParser };

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  datasource: DatasourceName;
  /** As written in the dashboard (with $variables). */
  expr: string;
  instant: boolean;
}

interface RawTarget {
  refId?: string;
  datasource?: { uid?: string };
  expr?: string;
  query?: string;
  instant?: boolean;
}

interface RawPanel {
  title?: string;
  type?: string;
  datasource?: { uid?: string };
  targets?: RawTarget[];
  panels?: RawPanel[];
}

function datasourceName(uid: string | undefined): DatasourceName {
  const found = (Object.keys(DATASOURCE) as DatasourceName[]).find((k) => DATASOURCE[k].uid === uid);
  if (!found) throw new Error(`unknown datasource uid "${uid}"`);
  return found;
}

/** Every panel query and annotation query of a dashboard. */
export function panelQueries(d: Dashboard): PanelQuery[] {
  const out: PanelQuery[] = [];
  const visit = (p: RawPanel) => {
    for (const t of p.targets ?? []) {
      const uid = t.datasource?.uid ?? p.datasource?.uid;
      const expr = t.expr ?? t.query;
      if (expr === undefined) continue;
      out.push({
        dashboard: d.uid!,
        panel: p.title ?? '(untitled)',
        refId: t.refId ?? '?',
        datasource: datasourceName(uid),
        expr,
        instant: t.instant === true,
      });
    }
    for (const inner of p.panels ?? []) visit(inner);
  };
  for (const p of (d.panels ?? []) as RawPanel[]) visit(p);
  for (const a of d.annotations.list ?? []) {
    const target = a.target as RawTarget | undefined;
    if (a.datasource?.uid === DATASOURCE.prometheus.uid && target?.expr) {
      out.push({
        dashboard: d.uid!,
        panel: `annotation "${a.name}"`,
        refId: target.refId ?? 'Anno',
        datasource: 'prometheus',
        expr: target.expr,
        instant: false,
      });
    }
  }
  return out;
}

/** Values Grafana gives its built-in variables for a time range of `rangeSeconds`. */
export function builtinVariables(rangeSeconds: number, rateInterval = '1m'): Record<string, string> {
  return {
    __rate_interval: rateInterval,
    __interval: rateInterval,
    __auto: rateInterval,
    __range: `${Math.max(1, Math.round(rangeSeconds))}s`,
  };
}

/**
 * The values each template variable of a dashboard can take, as a query would see them: a custom
 * variable's options one by one; a multi-value or "All" variable as its all-value regex.
 */
export function variableValues(d: Dashboard): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of d.templating.list ?? []) {
    const all = v.includeAll ? (v.allValue ?? '.*') : undefined;
    if (v.type === 'custom' && !v.includeAll) {
      out[v.name] = String(v.query ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    } else {
      out[v.name] = [all ?? '.+'];
    }
  }
  return out;
}

/** `$name`, `${name}` and `${name:format}` replaced by `values[name]`; unknown names are left alone. */
export function substitute(expr: string, values: Record<string, string>): string {
  return expr.replace(
    /\$(?:\{(\w+)(?::\w+)?\}|(\w+))/g,
    (m, braced: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare)!;
      return values[name] ?? m;
    },
  );
}

/** Every combination of the variables an expression uses (the others do not multiply the runs). */
export function expand(
  expr: string,
  variables: Record<string, string[]>,
  builtins: Record<string, string>,
): string[] {
  const used = Object.keys(variables).filter((n) => new RegExp(`\\$(\\{${n}(:\\w+)?\\}|${n}\\b)`).test(expr));
  let combos: Record<string, string>[] = [{ ...builtins }];
  for (const name of used) {
    combos = combos.flatMap((c) => variables[name]!.map((v) => ({ ...c, [name]: v })));
  }
  return [...new Set(combos.map((c) => substitute(expr, c)))];
}

export interface PromqlProblem {
  at: number;
  message: string;
}

/** Syntax errors of a PromQL expression (the grammar Prometheus's own UI uses). */
export function promqlErrors(expr: string): PromqlProblem[] {
  const problems: PromqlProblem[] = [];
  parser.parse(expr).iterate({
    enter(n) {
      if (n.type.isError)
        problems.push({
          at: n.from,
          message: `syntax error at ${n.from}: "${expr.slice(n.from, n.from + 20)}"`,
        });
    },
  });
  return problems;
}

/** The vector selectors of an expression (`metric{matchers}`), as written. */
export function selectors(expr: string): string[] {
  const found: string[] = [];
  parser.parse(expr).iterate({
    enter(n) {
      if (n.name === 'VectorSelector') {
        found.push(expr.slice(n.from, n.to));
        return false;
      }
      return undefined;
    },
  });
  return [...new Set(found)];
}
