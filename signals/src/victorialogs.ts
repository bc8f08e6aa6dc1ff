// VictoriaLogs' LogsQL query API (/select/logsql/query on :9428): one JSON object per matching line,
// with `_time`, `_msg`, `_stream` and every field the log agent kept (`service`, `level`, `trace_id`,
// `span_id`, `request_id`, ...). logsql.ts builds the queries `gameday logs` sends.

import { BackendError, get, json, type Backend } from './http';

export interface LogLine {
  /** Unix microseconds (VictoriaLogs keeps nanoseconds; services write milliseconds). */
  timeUs: number;
  /** RFC 3339 as VictoriaLogs returned it. */
  time: string;
  message: string;
  service: string;
  level: string;
  traceId: string;
  spanId: string;
  requestId: string;
  /** Every other field. */
  fields: Record<string, string>;
}

const OWN = new Set([
  '_time',
  '_msg',
  '_stream',
  '_stream_id',
  'service',
  'level',
  'trace_id',
  'span_id',
  'request_id',
  'severity',
  'service.name',
  'log.file.name',
  'severity_number',
  'severity_text',
  'trace_flags',
  'scope.name',
  'scope.version',
]);

/** RFC 3339 with up to nanoseconds → unix microseconds (Date.parse stops at milliseconds). */
export function rfc3339Micros(time: string): number {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) return 0;
  const fraction = /\.(\d+)/.exec(time)?.[1] ?? '';
  const micros = Number((fraction + '000000').slice(3, 6));
  return ms * 1000 + micros;
}

export function toLogLine(row: Record<string, string>): LogLine {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) if (!OWN.has(k)) fields[k] = v;
  return {
    timeUs: rfc3339Micros(row._time ?? ''),
    time: row._time ?? '',
    message: row._msg ?? '',
    service: row.service ?? row['service.name'] ?? '',
    level: row.level ?? row.severity ?? '',
    traceId: row.trace_id ?? '',
    spanId: row.span_id ?? '',
    requestId: row.request_id ?? '',
    fields,
  };
}

export const LOGS_HINT =
  'Start the local stack (npm start) or pass the URL of a running VictoriaLogs (--logs-url, GAMEDAY_LOGS_URL).';

export class VictoriaLogsClient {
  private readonly backend: Backend;

  constructor(baseUrl: string, timeoutMs = 10_000) {
    this.backend = { what: 'VictoriaLogs (logs)', baseUrl, hint: LOGS_HINT, timeoutMs };
  }

  get url(): string {
    return this.backend.baseUrl;
  }

  /** Lines matching a LogsQL query, oldest first (at most `limit`, the newest ones when more match). */
  async query(logsql: string, limit = 1000): Promise<LogLine[]> {
    const path = `/select/logsql/query?${new URLSearchParams({ query: logsql, limit: String(limit) })}`;
    const answer = await get(this.backend, path);
    if (answer.status !== 200) {
      const url = this.backend.baseUrl + path;
      if (answer.status === 400)
        throw new BackendError(
          `VictoriaLogs refused the query ${JSON.stringify(logsql)}: ${answer.body.trim().slice(0, 300)}`,
          url,
        );
      throw new BackendError(
        `VictoriaLogs answered ${answer.status} for ${url}: ${answer.body.slice(0, 200)}`,
        url,
      );
    }
    const lines = answer.body
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) =>
        toLogLine(
          json<Record<string, string>>(this.backend, this.backend.baseUrl + path, { status: 200, body: l }),
        ),
      );
    return lines.sort((a, b) => a.timeUs - b.timeUs);
  }

  /** Whether it answers its health check. */
  async healthy(): Promise<boolean> {
    try {
      return (await get(this.backend, '/health')).status === 200;
    } catch {
      return false;
    }
  }
}
