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
  /**
   * Bad events counted since `interval` ago, exactly (see exactIncrease); 0 rather than nothing
   * when none was bad. Undefined when the SLI cannot be counted that way: a ratio SLI whose
   * queries use the window other than as rate() or increase() of counters.
   */
  badIncrease(interval: string): string | undefined;
  /** All events counted since `interval` ago, exactly; undefined when badIncrease is. */
  totalIncrease(interval: string): string | undefined;
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
  return `${bad}\nor\nvector(0)`;
}

/** total - good, when only the good events are counted; nothing without events. */
function totalMinusGood(total: string, good: string): string {
  return `${total}\n-\n(${good} or vector(0))`;
}

/**
 * Per counter series, what it counted since `interval` ago: the difference of its samples then
 * and now or, when it went down (a restart), its value now (counted from 0). Evaluated every
 * `interval`, the differences telescope into the counter's exact increase, as long as each
 * evaluation finds a sample within the 5m lookback. A series first seen since is counted from
 * its next evaluation, as rate() counts it from its first sample.
 */
export function exactIncrease(selector: string, interval: string, indent = ''): string {
  const then = `${selector} offset ${interval}`;
  return `(${selector} - ${then}) >= 0\n${indent}or\n${indent}${selector} < ${then}`;
}

function summedIncrease(metric: string, matchers: string[], interval: string): string {
  return `sum(\n  ${exactIncrease(`${metric}{${matchers.join(',')}}`, interval, '  ')}\n)`;
}

const QUOTED = String.raw`"(?:[^"\\]|\\.)*"`;
const SELECTOR = String.raw`(?:[a-zA-Z_:][a-zA-Z0-9_:]*\s*)?(?:\{(?:[^{}"]|${QUOTED})*\})?`;
/** `rate(<selector>[{{window}}])` or `increase(...)`: what a counter counted over the window. */
const COUNTER_OVER_WINDOW = new RegExp(
  String.raw`\b(?:rate|increase)\(\s*(${SELECTOR})\s*\[\s*${WINDOW_PLACEHOLDER.source}\s*\]\s*\)`,
  'g',
);

/**
 * A ratio SLI's query with every rate() or increase() of a counter over the window replaced by
 * the counter's exact increase over `interval` (rate and increase differ by a constant factor
 * that cancels in bad / total); undefined when the window is used any other way (a gauge's
 * avg_over_time, irate), which no sum of increments reproduces.
 */
export function countedQuery(query: string, interval: string): string | undefined {
  const replaced = query
    .trim()
    .replace(COUNTER_OVER_WINDOW, (all: string, selector: string) =>
      selector.trim() === '' ? all : `(${exactIncrease(selector.trim(), interval)})`,
    );
  return new RegExp(WINDOW_PLACEHOLDER.source).test(replaced) ? undefined : replaced;
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
        badIncrease: (i) => badOrZero(summedIncrease(`${HTTP_METRIC}_count`, errors, i)),
        totalIncrease: (i) => summedIncrease(`${HTTP_METRIC}_count`, all, i),
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
        badIncrease: (i) =>
          totalMinusGood(
            summedIncrease(`${HTTP_METRIC}_count`, all, i),
            summedIncrease(`${HTTP_METRIC}_bucket`, fast, i),
          ),
        totalIncrease: (i) => summedIncrease(`${HTTP_METRIC}_count`, all, i),
      };
    }
    case 'ratio': {
      // Wrapped in sum() so the result is one label-free series the SLO labels attach to.
      const single = (query: string): string => (isPlainSum(query) ? query : `sum(${query})`);
      const fill = (query: string, w: string): string => single(query.trim().replace(WINDOW_PLACEHOLDER, w));
      const { good, bad, total } = sli;
      // Counted only when both of its queries can be: the two halves of a ratio must agree.
      const counted = (i: string): { part: string; total: string } | undefined => {
        const part = countedQuery(bad ?? good!, i);
        const all = countedQuery(total, i);
        return part === undefined || all === undefined
          ? undefined
          : { part: single(part), total: single(all) };
      };
      return {
        errorRatio: (w) =>
          bad !== undefined
            ? badOverTotal(fill(bad, w), fill(total, w))
            : oneMinusGoodOverTotal(fill(good!, w), fill(total, w)),
        totalRate: (w) => fill(total, w),
        badIncrease: (i) => {
          const c = counted(i);
          if (c === undefined) return undefined;
          return bad !== undefined ? badOrZero(c.part) : totalMinusGood(c.total, c.part);
        },
        totalIncrease: (i) => counted(i)?.total,
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
