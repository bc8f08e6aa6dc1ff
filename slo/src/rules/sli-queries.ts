// Turns an SLI into PromQL for any window. HTTP kinds are built from the standard histogram so
// spec authors never write PromQL for them.
import type { HttpSelection, Sli } from '../model';
import {
  HTTP_METHOD_LABEL,
  HTTP_METRIC,
  HTTP_ROUTE_LABEL,
  HTTP_STATUS_LABEL,
  leMatcher,
  NON_PLAYER_ROUTES,
  SERVICE_SELECTOR_LABEL,
  WINDOW_PLACEHOLDER,
} from '../naming';

export interface SliQueries {
  /** Share of events that were bad over the window, between 0 and 1. */
  errorRatio(window: string): string;
  /** Events per second over the window (what the low-traffic guard compares). */
  totalRate(window: string): string;
  /** Bad events per second over the window; 0 rather than nothing when no event was bad. */
  badRate(window: string): string;
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `label="v"` for one value, `label=~"a|b"` for several (regex-escaped: gateway routes contain `*`). */
function oneOf(label: string, values: readonly string[]): string {
  return values.length === 1
    ? `${label}=${quote(values[0]!)}`
    : `${label}=~${quote(values.map(escapeRegex).join('|'))}`;
}

export function httpMatchers(selection: HttpSelection): string[] {
  const matchers = [`${SERVICE_SELECTOR_LABEL}=${quote(selection.job)}`];
  // All routes means the player-facing ones, less those the spec leaves out (slow by design, with an
  // SLO of their own).
  const left = [...NON_PLAYER_ROUTES, ...selection.excludeRoutes];
  matchers.push(
    selection.routes.length > 0
      ? oneOf(HTTP_ROUTE_LABEL, selection.routes)
      : `${HTTP_ROUTE_LABEL}!~${quote(left.map(escapeRegex).join('|'))}`,
  );
  if (selection.methods.length > 0) matchers.push(oneOf(HTTP_METHOD_LABEL, selection.methods));
  return matchers;
}

function rate(metric: string, matchers: string[], window: string): string {
  return `sum(rate(${metric}{${matchers.join(',')}}[${window}]))`;
}

/** bad / total; a missing bad series means no bad events, not no data. */
function badOverTotal(bad: string, total: string): string {
  return `(${bad} or vector(0))\n/\n${total}`;
}

/** 1 - good / total; a missing good series means every event was bad. */
function oneMinusGoodOverTotal(good: string, total: string): string {
  return `1 - (\n  (${good} or vector(0))\n  /\n  ${total}\n)`;
}

/** The bad events counted directly; none counted means none happened. */
function badOrZero(bad: string): string {
  return `${bad} or vector(0)`;
}

/** total - good, when only the good events are counted; nothing without events. */
function totalMinusGood(total: string, good: string): string {
  return `${total}\n-\n(${good} or vector(0))`;
}

export function sliQueries(sli: Sli): SliQueries {
  switch (sli.kind) {
    case 'http-availability': {
      const all = httpMatchers(sli);
      // Only 5xx is the service's fault. 4xx (400, 401, 404, 409, 422 and 429 rate limiting) are
      // answers to the client's request and must not burn the budget.
      const errors = [...all, `${HTTP_STATUS_LABEL}=~"5.."`];
      return {
        errorRatio: (w) =>
          badOverTotal(rate(`${HTTP_METRIC}_count`, errors, w), rate(`${HTTP_METRIC}_count`, all, w)),
        totalRate: (w) => rate(`${HTTP_METRIC}_count`, all, w),
        badRate: (w) => badOrZero(rate(`${HTTP_METRIC}_count`, errors, w)),
      };
    }
    case 'http-latency': {
      const all = httpMatchers(sli);
      // The bucket bound as prom-client writes it, and for whole numbers as Prometheus 3 stores it.
      const fast = [...all, leMatcher(sli.threshold)];
      return {
        errorRatio: (w) =>
          oneMinusGoodOverTotal(rate(`${HTTP_METRIC}_bucket`, fast, w), rate(`${HTTP_METRIC}_count`, all, w)),
        totalRate: (w) => rate(`${HTTP_METRIC}_count`, all, w),
        badRate: (w) =>
          totalMinusGood(rate(`${HTTP_METRIC}_count`, all, w), rate(`${HTTP_METRIC}_bucket`, fast, w)),
      };
    }
    case 'ratio': {
      // Wrapped in sum() so the result is one label-free series the SLO labels attach to.
      const fill = (query: string, w: string): string => {
        const filled = query.trim().replace(WINDOW_PLACEHOLDER, w);
        return isPlainSum(filled) ? filled : `sum(${filled})`;
      };
      const { good, bad, total } = sli;
      return {
        errorRatio: (w) =>
          bad !== undefined
            ? badOverTotal(fill(bad, w), fill(total, w))
            : oneMinusGoodOverTotal(fill(good!, w), fill(total, w)),
        totalRate: (w) => fill(total, w),
        badRate: (w) =>
          bad !== undefined ? badOrZero(fill(bad, w)) : totalMinusGood(fill(total, w), fill(good!, w)),
      };
    }
  }
}

/** Whether the whole query is one `sum(...)` without `by`/`without`, i.e. already a single series. */
function isPlainSum(query: string): boolean {
  if (!query.startsWith('sum(')) return false;
  let depth = 0;
  for (let i = 3; i < query.length; i++) {
    if (query[i] === '(') depth++;
    else if (query[i] === ')' && --depth === 0) return i === query.length - 1;
  }
  return false;
}
