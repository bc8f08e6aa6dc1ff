import {
  BackendError,
  backendUrls,
  durationUs,
  isServiceName,
  formatDuration,
  isTraceId,
  JaegerClient,
  LogSearchError,
  logsQuery,
  renderWaterfall,
  summarise,
  VictoriaLogsClient,
  type LogLine,
} from '@gameday/signals';
import type { Command } from 'commander';
import type { CommandModule } from '../command-module';
import { EXIT, type Io } from '../io';
import { findRoot } from '../root';

interface BackendFlags {
  jaegerUrl?: string;
  logsUrl?: string;
}

function urls(io: Io, flags: BackendFlags) {
  let root: string | undefined;
  try {
    root = findRoot(io.cwd);
  } catch {
    root = undefined; // outside the repository: flags, environment or default ports
  }
  return backendUrls({ root, env: io.env, jaegerUrl: flags.jaegerUrl, logsUrl: flags.logsUrl });
}

function formatLine(line: LogLine): string {
  const extra = Object.entries(line.fields)
    .filter(([k]) => !k.startsWith('_') && k !== 'http_user_agent')
    .slice(0, 6)
    .map(([k, v]) => `${k}=${v.length > 80 ? `${v.slice(0, 79)}…` : v}`)
    .join(' ');
  const ids = [line.traceId && `trace_id=${line.traceId}`, line.requestId && `request_id=${line.requestId}`]
    .filter(Boolean)
    .join(' ');
  return `${line.time} ${line.level.padEnd(5)} ${line.service.padEnd(11)} ${line.message}${ids ? `  ${ids}` : ''}${extra ? `  ${extra}` : ''}\n`;
}

/** Reports a failure: bad input and unreachable backends are "could not run" (exit 2). */
function failed(io: Io, command: string, err: unknown, setExitCode: (c: number) => void): void {
  if (err instanceof BackendError || err instanceof LogSearchError || err instanceof RangeError) {
    io.stderr(`gameday ${command}: ${(err as Error).message}\n`);
  } else {
    io.stderr(`gameday ${command}: ${(err as Error).stack ?? err}\n`);
  }
  setExitCode(EXIT.couldNotRun);
}

export const signalsCommands: CommandModule = {
  register(program: Command, io, setExitCode) {
    program
      .command('trace')
      .description(
        'print a trace from Jaeger as an indented waterfall, with its log lines from VictoriaLogs in time order\n' +
          'exit codes: 0 printed (without log lines, and a note, when VictoriaLogs does not answer),\n' +
          '2 malformed or unknown trace id, or Jaeger unreachable',
      )
      .argument('<trace_id>', '32 hex digits (the trace_id of a log line, or of a traceparent header)')
      .option('--jaeger-url <url>', 'Jaeger query API (default: the local stack, http://127.0.0.1:16686)')
      .option('--logs-url <url>', 'VictoriaLogs (default: the local stack, http://127.0.0.1:9428)')
      .option('--no-logs', 'the spans only')
      .option('--json', 'the spans and log lines as JSON')
      .action(async (id: string, o: BackendFlags & { logs: boolean; json?: boolean }) => {
        const traceId = id.trim().toLowerCase();
        if (!isTraceId(traceId)) {
          io.stderr(
            `gameday trace: ${JSON.stringify(id)} is not a trace id: it is 32 hex digits, not all zero ` +
              '(e.g. the trace_id field of a log line: npx gameday logs --since 10m).\n',
          );
          setExitCode(EXIT.couldNotRun);
          return;
        }
        try {
          const u = urls(io, o);
          const jaeger = new JaegerClient(u.jaeger);
          const trace = await jaeger.trace(traceId);
          if (!trace) {
            io.stderr(
              `gameday trace: Jaeger at ${u.jaeger} has no trace ${traceId}. It was not sampled (the local stack keeps ` +
                'one new trace in ten; send a traceparent header with flags 01 to force one), not exported yet ' +
                '(spans leave in batches within seconds), or already evicted (the memory store keeps the newest traces).\n',
            );
            setExitCode(EXIT.couldNotRun);
            return;
          }
          let logs: LogLine[] = [];
          let logsNote = '';
          if (o.logs) {
            try {
              logs = await new VictoriaLogsClient(u.logs).query(logsQuery({ traceId, since: '1d' }), 1000);
            } catch (err) {
              if (!(err instanceof BackendError)) throw err;
              logsNote = `(no log lines: ${err.message})\n`;
            }
          }
          if (o.json) {
            io.stdout(
              `${JSON.stringify({ traceId, summary: summarise(trace), spans: trace.spans, logs }, null, 2)}\n`,
            );
          } else {
            io.stdout(renderWaterfall(trace, logs));
            if (o.logs && !logsNote)
              io.stdout(`${logs.length} log line${logs.length === 1 ? '' : 's'} from ${u.logs}\n`);
          }
          // VictoriaLogs away: the spans still print (exit 0), with a note of what is missing.
          if (logsNote) io.stderr(logsNote);
        } catch (err) {
          failed(io, 'trace', err, setExitCode);
        }
      });

    program
      .command('traces')
      .description(
        "search Jaeger for a service's recent traces, newest first: one line per trace (id, root, duration, errors)\n" +
          'exit codes: 0 listed (even none), 2 bad option or Jaeger unreachable',
      )
      .requiredOption('--service <name>', 'the service (as in service.name: casino, wallet, ...)')
      .option('--since <duration>', 'how far back: 30s, 15m, 2h, 1d', '15m')
      .option('--errors', 'only traces with an error span in the service')
      .option(
        '--min-duration <duration>',
        'only traces with a span of the service at least this long (250ms)',
      )
      .option('--limit <n>', 'at most this many traces', '20')
      .option('--jaeger-url <url>', 'Jaeger query API (default: the local stack)')
      .action(
        async (
          o: BackendFlags & {
            service: string;
            since: string;
            errors?: boolean;
            minDuration?: string;
            limit: string;
          },
        ) => {
          try {
            const since = durationUs(o.since);
            if (since === undefined)
              throw new LogSearchError('--since', `${JSON.stringify(o.since)} is not a duration like 15m`);
            const min = o.minDuration === undefined ? undefined : durationUs(o.minDuration);
            if (o.minDuration !== undefined && min === undefined)
              throw new LogSearchError(
                '--min-duration',
                `${JSON.stringify(o.minDuration)} is not a duration like 250ms`,
              );
            const limit = Number(o.limit);
            if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
              throw new LogSearchError(
                '--limit',
                `${JSON.stringify(o.limit)} is not a whole number from 1 to 1000`,
              );
            if (!isServiceName(o.service))
              throw new LogSearchError(
                '--service',
                `${JSON.stringify(o.service)} is not a service name (e.g. casino)`,
              );
            const u = urls(io, o);
            const endUs = Date.now() * 1000;
            const traces = await new JaegerClient(u.jaeger).search({
              service: o.service,
              startUs: endUs - since,
              endUs,
              errors: o.errors,
              minDurationUs: min,
              // Errors are picked out of the newest traces: look at more of them.
              limit: o.errors ? Math.max(200, limit) : limit,
            });
            const startOf = (t: (typeof traces)[number]) => Math.min(...t.spans.map((x) => x.startUs));
            const shown = traces.sort((a, b) => startOf(b) - startOf(a)).slice(0, limit);
            for (const t of shown) {
              const s = summarise(t);
              const start = new Date(startOf(t) / 1000).toISOString();
              io.stdout(
                `${s.traceId}  ${start}  ${formatDuration(s.durationUs).padStart(9)}  ${String(s.spans).padStart(3)} spans  ${
                  s.errors ? `${s.errors} error${s.errors === 1 ? '' : 's'}` : 'ok'
                }  ${s.root}\n`,
              );
            }
            io.stderr(
              `${shown.length} trace${shown.length === 1 ? '' : 's'} of ${o.service} in the last ${o.since} from ${u.jaeger}` +
                `${shown.length ? '; open one with: npx gameday trace <trace_id>' : ''}\n`,
            );
          } catch (err) {
            failed(io, 'traces', err, setExitCode);
          }
        },
      );

    program
      .command('logs')
      .description(
        "search the log backend (VictoriaLogs, LogsQL): every service's JSON log lines, oldest first\n" +
          'exit codes: 0 searched (even nothing found), 2 bad option or VictoriaLogs unreachable',
      )
      .argument(
        '[query...]',
        'more LogsQL: words, "a phrase", field filters like http_route:"/api/v1/wallet"',
      )
      .option('--service <name>', 'one service (casino, wallet, ...)')
      .option('--trace <trace_id>', "one trace's lines")
      .option('--since <duration>', 'how far back: 30s, 10m, 2h, 1d', '1h')
      .option('--level <level>', 'this level and more severe: error, warn, info, http, debug')
      .option('--limit <n>', 'at most this many lines (the newest)', '200')
      .option('--json', 'one JSON object per line: time, message, service, level, ids and the other fields')
      .option('--logs-url <url>', 'VictoriaLogs (default: the local stack, http://127.0.0.1:9428)')
      .action(
        async (
          words: string[],
          o: BackendFlags & {
            service?: string;
            trace?: string;
            since: string;
            level?: string;
            limit: string;
            json?: boolean;
          },
        ) => {
          try {
            const limit = Number(o.limit);
            if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
              throw new LogSearchError(
                '--limit',
                `${JSON.stringify(o.limit)} is not a whole number from 1 to 10000`,
              );
            const query = logsQuery({
              service: o.service,
              traceId: o.trace,
              since: o.since,
              level: o.level,
              query: words.join(' '),
            });
            const u = urls(io, o);
            const lines = await new VictoriaLogsClient(u.logs).query(query, limit);
            for (const line of lines) io.stdout(o.json ? `${JSON.stringify(line)}\n` : formatLine(line));
            io.stderr(`${lines.length} line${lines.length === 1 ? '' : 's'} for ${query} from ${u.logs}\n`);
          } catch (err) {
            failed(io, 'logs', err, setExitCode);
          }
        },
      );
  },
};
