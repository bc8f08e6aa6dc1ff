// The normalised SLO model every generator works from, whatever the input format (gameday or OpenSLO).

export const PERIODS = ['7d', '28d', '30d'] as const;
export type Period = (typeof PERIODS)[number];
export const DEFAULT_PERIOD: Period = '30d';

export const SLI_KINDS = ['http-availability', 'http-latency', 'ratio'] as const;
export type SliKind = (typeof SLI_KINDS)[number];

/** Which requests of the standard HTTP histogram an SLI looks at. */
export interface HttpSelection {
  /** Value of the `job` label, i.e. the service's scrape job. */
  job: string;
  /** Route templates (`http_route`); empty = every player-facing route of the service. */
  routes: string[];
  /**
   * Route templates left out of an all-routes selection (with `routes` empty), e.g. routes slow by
   * design that have an SLO of their own. Empty = none.
   */
  excludeRoutes: string[];
  /** HTTP methods; empty = all. */
  methods: string[];
}

/** Errors are 5xx responses; 4xx (including 429) are the client's doing and do not burn the budget. */
export interface HttpAvailabilitySli extends HttpSelection {
  kind: 'http-availability';
}

/** Errors are requests slower than `threshold` seconds (a bucket boundary of the standard histogram). */
export interface HttpLatencySli extends HttpSelection {
  kind: 'http-latency';
  threshold: number;
}

/** Custom PromQL with a `{{window}}` placeholder; exactly one of good and bad is set. */
export interface RatioSli {
  kind: 'ratio';
  good?: string;
  bad?: string;
  total: string;
  /**
   * Counter series (selectors with `=` matchers only) that count good and bad events, so the
   * generated promtool tests can drive this SLI. Without them no test can be derived.
   */
  /** Counters promtool cases are derived from: good and bad, or good and total (a histogram). */
  testSeries?: { good: string; bad?: string; total?: string };
}

export type Sli = HttpAvailabilitySli | HttpLatencySli | RatioSli;

export interface Slo {
  service: string;
  name: string;
  description: string;
  /** Percentage, e.g. 99.9. */
  objective: number;
  period: Period;
  sli: Sli;
  /** Below this many events per second the SLO does not page (it may still open a ticket). */
  minRequestsPerSecond?: number;
  /** Where the SLO was declared, for error messages. */
  source: string;
}

export interface ServiceSlos {
  service: string;
  source: string;
  slos: Slo[];
}
