// Shared defaults of every generated dashboard's panels: colours, sizes, rate window, matchers.
import { HTTP_LABELS, NON_PLAYER_ROUTES } from '@gameday/telemetry/contract';

export const COLORS = {
  ok: 'green',
  warn: 'orange',
  bad: 'red',
  info: 'blue',
  neutral: 'text',
  page: 'red',
  ticket: 'orange',
} as const;

export const SIZE = {
  full: 24,
  half: 12,
  third: 8,
  quarter: 6,
  sixth: 4,
  height: 8,
  statHeight: 4,
  tallHeight: 12,
} as const;

/** Grafana picks a rate window of at least four scrape intervals. */
export const RATE = '$__rate_interval';

/** Matcher that leaves out probes and scrapes (they are not player traffic). */
export const PLAYER_ROUTES = `${HTTP_LABELS.route}!~"${NON_PLAYER_ROUTES.join('|')}"`;
