// winston JSON logger: one object per line on stdout with timestamp, level, message, service, and
// trace_id/span_id (injected by the OpenTelemetry winston instrumentation while a span is active).
import { writeSync } from 'node:fs';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import winston from 'winston';
import Transport from 'winston-transport';

const MESSAGE = Symbol.for('message');
const LEVEL = Symbol.for('level');
const LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  /** Defaults to `LOG_LEVEL` or `info`. */
  level?: string;
  /** Where lines go; defaults to a buffered stdout transport. Tests pass their own. */
  transport?: Transport;
}

export function parseLogLevel(value: string | undefined): string {
  const level = (value ?? 'info').toLowerCase();
  if (!LEVELS.includes(level)) {
    throw new Error(`LOG_LEVEL must be one of ${LEVELS.join(', ')}, got "${value}"`);
  }
  return level;
}

let lastMs = 0;
let lastIso = '';
let secondStart = 0;
/** `2026-11-23T14:39:12.` of the current second. */
let secondPrefix = '';
const MS_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/**
 * ISO timestamp (`Date#toISOString`). Under load many lines share a millisecond and most share a
 * second: the date and time of day are formatted once per second, the milliseconds looked up.
 */
export function isoNow(ms = Date.now()): string {
  if (ms === lastMs) return lastIso;
  lastMs = ms;
  const offset = ms - secondStart;
  if (offset < 0 || offset >= 1000) {
    secondStart = ms - (((ms % 1000) + 1000) % 1000);
    secondPrefix = new Date(secondStart).toISOString().slice(0, 20);
  }
  lastIso = `${secondPrefix}${MS_DIGITS[ms - secondStart]}Z`;
  return lastIso;
}

/** The `,"service":"…"` part of each line of a logger made by `createLogger`. */
const SERVICE_PART = new WeakMap<Logger, string>();

const servicePartOf = (service: string): string => `,"service":${JSON.stringify(service)}`;

/**
 * Serialises the record as one JSON line, fixed fields first. Written out field by field rather than
 * by copying the record into a new object for JSON.stringify (or winston's cycle-safe json format):
 * this runs for every request's access-log line. Values go through JSON.stringify, so escaping is
 * exactly JSON's; a value that cannot be serialised (a cycle, a BigInt) is replaced by a marker.
 */
const jsonLine = (service: string) => {
  const servicePart = servicePartOf(service);
  return winston.format((info) => {
    let line = `{"timestamp":"${isoNow()}","level":${JSON.stringify(info.level)},"message":${JSON.stringify(info.message) ?? '""'}${servicePart}`;
    for (const key in info) {
      if (key === 'level' || key === 'message' || key === 'service' || key === 'timestamp') continue;
      const value = (info as Record<string, unknown>)[key];
      if (value === undefined) continue;
      let json: string | undefined;
      try {
        json = JSON.stringify(value);
      } catch {
        json = '"[unserialisable]"';
      }
      if (json !== undefined) line += `,${JSON.stringify(key)}:${json}`;
    }
    (info as Record<symbol, unknown>)[MESSAGE] = `${line}}`;
    return info;
  })();
};

/**
 * Writes log lines to stdout in batches: lines are collected for at most `flushMs` (default 10 ms)
 * or 64 KiB, then written with one write(2). Under load this turns thousands of write calls a
 * second into about a hundred, which was most of what a per-request log line cost. Each line is
 * encoded straight into one buffer the transport keeps for its lifetime: joining the batch into a
 * string and copying that into a fresh 64 KiB Buffer at every flush made garbage, and external
 * memory V8 collects with full GCs (the events service spent twice as long in GC with the access
 * log on). Buffered lines are written synchronously at exit (including after an uncaught
 * exception); only a SIGKILL can lose the last few milliseconds of lines.
 */
export class BufferedStdoutTransport extends Transport {
  private readonly chunk: Buffer;
  private used = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly fd: number;
  private readonly flushMs: number;

  constructor(
    options: Transport.TransportStreamOptions & { fd?: number; flushMs?: number; bufferBytes?: number } = {},
  ) {
    super(options);
    this.fd = options.fd ?? 1;
    this.flushMs = options.flushMs ?? 10;
    this.chunk = Buffer.allocUnsafeSlow(options.bufferBytes ?? 64 * 1024);
    process.once('exit', () => this.flushSync());
  }

  override log(info: Record<symbol, string>, next: () => void): void {
    this.append(info[MESSAGE]!);
    next();
  }

  /** Adds one line (without its newline) to the batch. */
  append(line: string): void {
    const chunk = this.chunk;
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit: room for the worst case, or flush.
    if (this.used + line.length * 3 + 1 > chunk.length) {
      this.flushSync();
      if (line.length * 3 + 1 > chunk.length) {
        // Longer than the whole buffer: written on its own.
        writeAll(this.fd, Buffer.from(`${line}\n`));
        return;
      }
    }
    this.used += chunk.write(line, this.used);
    chunk[this.used++] = 0x0a;
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flushSync(), this.flushMs);
      // A pending flush must not keep an otherwise finished process alive; exit flushes anyway.
      this.timer.unref();
    }
  }

  flushSync(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.used === 0) return;
    const used = this.used;
    this.used = 0;
    writeAll(this.fd, this.chunk, used);
  }
}

/** Writes `data[0, length)` to `fd`; whatever a full pipe refuses goes to process.stdout as a copy. */
function writeAll(fd: number, data: Buffer, length = data.length): void {
  let offset = 0;
  let spins = 0;
  while (offset < length) {
    try {
      offset += writeSync(fd, data, offset, length - offset);
    } catch (err) {
      // A non-blocking pipe that is full: retry a bounded number of times, then hand the rest to
      // the stream, which queues it (a copy: the transport reuses its buffer). Any other error
      // (stdout closed) leaves nowhere to write.
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN' && spins++ < 1000) continue;
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        process.stdout.write(Buffer.from(data.subarray(offset, length)));
      }
      return;
    }
  }
}

export function createLogger(options: LoggerOptions): Logger {
  const logger = winston.createLogger({
    level: parseLogLevel(options.level ?? process.env.LOG_LEVEL),
    format: jsonLine(options.service),
    transports: [options.transport ?? new BufferedStdoutTransport()],
    exitOnError: false,
  });
  SERVICE_PART.set(logger, servicePartOf(options.service));
  return logger;
}

const noop = () => undefined;

/**
 * Logs one record through the logger's own format and transports, without winston's object-stream
 * pipeline (Transform → pipe → Writable per line), which is most of what a log line costs. For the
 * per-request access log. Adds trace_id/span_id/trace_flags from the active span exactly as the
 * OpenTelemetry winston instrumentation does (it hooks the pipeline this skips).
 */
export function logDirect(
  logger: Logger,
  level: string,
  message: string,
  meta: Record<string, unknown>,
  /** The span whose ids the line carries; default: the active span. */
  span: Span | undefined = trace.getSpan(context.active()),
): void {
  if (!logger.isLevelEnabled(level)) return;
  const info: Record<string | symbol, unknown> = { level, message, ...meta, [LEVEL]: level };
  if (span) {
    const sc = span.spanContext();
    if (isSpanContextValid(sc)) {
      info.trace_id = sc.traceId;
      info.span_id = sc.spanId;
      info.trace_flags = `0${sc.traceFlags.toString(16)}`;
    }
  }
  const formatted = logger.format.transform(info as winston.Logform.TransformableInfo, {});
  if (!formatted) return;
  const levels = logger.levels;
  for (const transport of logger.transports) {
    if (transport.silent) continue;
    if (transport.level !== undefined && levels[transport.level]! < levels[level]!) continue;
    transport.log?.(formatted, noop);
  }
}

/** What one access-log line says about a request. */
export interface RequestLogFields {
  requestId: string;
  method: string;
  /** The route template. */
  route: string;
  path: string;
  status: number;
  durationMs: number;
}

/** The trace a line points to: a span's ids, or only a trace id (an unsampled request, flags 00). */
export interface LineTrace {
  traceId: string;
  spanId?: string;
  flags: string;
}

/** The JSON text of `s`: as it is between quotes when nothing in it needs escaping, else JSON.stringify's. */
function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Control characters, `"`, backslash and surrogates (JSON.stringify escapes lone ones): the slow way.
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}

/** The access-log line of `logRequest`. */
function accessLine(
  servicePart: string,
  level: string,
  f: RequestLogFields,
  trace: LineTrace | undefined,
): string {
  let line =
    `{"timestamp":"${isoNow()}","level":${jsonString(level)},"message":"request"${servicePart}` +
    `,"request_id":${jsonString(f.requestId)},"http_request_method":${jsonString(f.method)}` +
    `,"http_route":${jsonString(f.route)},"url_path":${jsonString(f.path)}` +
    `,"http_response_status_code":${f.status},"duration_ms":${Number.isFinite(f.durationMs) ? String(f.durationMs) : 'null'}`;
  if (trace) {
    line += `,"trace_id":"${trace.traceId}"`;
    if (trace.spanId !== undefined) line += `,"span_id":"${trace.spanId}"`;
    line += `,"trace_flags":"${trace.flags}"`;
  }
  return `${line}}`;
}

/**
 * Writes the access-log line of one request: the very line `logDirect(logger, level, 'request',
 * { request_id, http_request_method, http_route, url_path, http_response_status_code, duration_ms,
 * trace_id, span_id, trace_flags })` writes, same fields in the same order, built in one template
 * instead of through a metadata object, a copy and a generic field loop. It runs for every request
 * of every service. Loggers not made by `createLogger` get the line through `logDirect`.
 */
export function logRequest(logger: Logger, level: string, f: RequestLogFields, trace?: LineTrace): void {
  const servicePart = SERVICE_PART.get(logger);
  if (servicePart === undefined) {
    const meta: Record<string, unknown> = {
      request_id: f.requestId,
      http_request_method: f.method,
      http_route: f.route,
      url_path: f.path,
      http_response_status_code: f.status,
      duration_ms: f.durationMs,
    };
    if (trace) {
      meta.trace_id = trace.traceId;
      if (trace.spanId !== undefined) meta.span_id = trace.spanId;
      meta.trace_flags = trace.flags;
    }
    logDirect(logger, level, 'request', meta, undefined);
    return;
  }
  const levels = logger.levels;
  const wanted = levels[level];
  if (wanted === undefined) return;
  // One read of winston's `transports` (a getter that builds an array), and no `isLevelEnabled`
  // (which reads it again, with a closure): each transport writes what its own level, or the
  // logger's, lets through, as winston's transports do.
  let line: string | undefined;
  let info: Record<string | symbol, string> | undefined;
  for (const transport of logger.transports) {
    if (transport.silent) continue;
    const threshold = levels[transport.level || logger.level];
    if (threshold === undefined || threshold < wanted) continue;
    line ??= accessLine(servicePart, level, f, trace);
    // Our stdout transport takes the line itself; any other gets the record winston would give it.
    if (transport instanceof BufferedStdoutTransport) transport.append(line);
    else transport.log?.((info ??= { level, message: 'request', [LEVEL]: level, [MESSAGE]: line }), noop);
  }
}
