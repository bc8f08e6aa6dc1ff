// `gameday logs` options → one LogsQL query. Options are checked first: a bad value is a
// LogSearchError naming the option, and nothing is sent.

import { isTraceId } from './jaeger';

export class LogSearchError extends Error {
  constructor(
    /** The option at fault: "--since", "--level", ... */
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
    this.name = 'LogSearchError';
  }
}

export interface LogSearch {
  service?: string;
  traceId?: string;
  /** A LogsQL duration: 30s, 10m, 2h, 1d. */
  since?: string;
  /** This level and the ones more severe (winston's npm levels). */
  level?: string;
  /** More LogsQL: words, phrases, field filters (`http_route:"/api/v1/wallet"`). */
  query?: string;
}

/** winston's npm levels, most severe first. */
export const LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

const SERVICE = /^[a-z][a-z0-9-]{0,62}$/;
const DURATION = /^\d+(ms|s|m|h|d|w)$/;
// eslint-disable-next-line security/detect-unsafe-regex -- no nested repetition: digits, an optional fraction, a unit
const DURATION_US = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_US = { ms: 1e3, s: 1e6, m: 60e6, h: 3600e6, d: 86_400e6 } as const;

/** A service name as services report it (service.name): casino, wallet, ... */
export function isServiceName(name: string): boolean {
  return SERVICE.test(name);
}

/** 15m, 1.5s, 250ms → microseconds (`gameday traces` windows); undefined when it is not a duration. */
export function durationUs(text: string): number | undefined {
  const m = DURATION_US.exec(text);
  return m ? Number(m[1]) * UNIT_US[m[2] as keyof typeof UNIT_US] : undefined;
}

/** A LogsQL exact-match filter on one field. */
function exact(field: string, value: string): string {
  return `${field}:=${JSON.stringify(value)}`;
}

export function logsQuery(search: LogSearch): string {
  const parts: string[] = [];
  const since = search.since ?? '1h';
  if (!DURATION.test(since)) {
    throw new LogSearchError('--since', `${JSON.stringify(since)} is not a duration like 30s, 10m, 2h or 1d`);
  }
  parts.push(`_time:${since}`);
  if (search.service !== undefined) {
    if (!isServiceName(search.service))
      throw new LogSearchError(
        '--service',
        `${JSON.stringify(search.service)} is not a service name (e.g. casino)`,
      );
    parts.push(exact('service', search.service));
  }
  if (search.traceId !== undefined) {
    const id = search.traceId.toLowerCase();
    if (!isTraceId(id))
      throw new LogSearchError(
        '--trace',
        `${JSON.stringify(search.traceId)} is not a trace id (32 hex digits)`,
      );
    parts.push(exact('trace_id', id));
  }
  if (search.level !== undefined) {
    const at = LEVELS.indexOf(search.level as (typeof LEVELS)[number]);
    if (at < 0)
      throw new LogSearchError(
        '--level',
        `${JSON.stringify(search.level)} is not one of ${LEVELS.join(', ')}`,
      );
    const levels = LEVELS.slice(0, at + 1);
    parts.push(
      levels.length === 1
        ? exact('level', levels[0]!)
        : `level:in(${levels.map((l) => JSON.stringify(l)).join(',')})`,
    );
  }
  const extra = search.query?.trim();
  if (extra) parts.push(`(${extra})`);
  return parts.join(' ');
}
