import winston from 'winston';
import Transport from 'winston-transport';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BufferedStdoutTransport,
  createLogger,
  isoNow,
  logDirect,
  logRequest,
  parseLogLevel,
} from './logger';

class Capture extends Transport {
  lines: string[] = [];
  override log(info: Record<symbol, string>, next: () => void): void {
    this.lines.push(info[Symbol.for('message')]);
    next();
  }
}

describe('the logger', () => {
  it('writes one JSON object per line with timestamp, level, message and service first', () => {
    const capture = new Capture();
    const logger = createLogger({ service: 'accounts', level: 'info', transport: capture });
    logger.info('player registered', { player_id: 'p1' });
    logger.debug('not shown');
    expect(capture.lines).toHaveLength(1);
    const line = JSON.parse(capture.lines[0]!);
    expect(Object.keys(line).slice(0, 4)).toEqual(['timestamp', 'level', 'message', 'service']);
    expect(line).toMatchObject({
      level: 'info',
      message: 'player registered',
      service: 'accounts',
      player_id: 'p1',
    });
    expect(new Date(line.timestamp).toISOString()).toBe(line.timestamp);
  });

  it('refuses an unknown LOG_LEVEL with a message naming the variable', () => {
    expect(() => parseLogLevel('loud')).toThrow(/LOG_LEVEL must be one of/);
  });

  it('formats timestamps exactly as Date#toISOString, across seconds, minutes and days', () => {
    const start = Date.UTC(2026, 10, 23, 23, 59, 58, 990);
    for (let ms = start; ms < start + 2500; ms += 7) {
      expect(isoNow(ms)).toBe(new Date(ms).toISOString());
    }
    // Going back in time (a clock step) is formatted correctly too.
    expect(isoNow(start - 86_400_000)).toBe(new Date(start - 86_400_000).toISOString());
  });

  it('writes the access-log line exactly as logDirect would, escaping what needs it', () => {
    const direct = new Capture();
    const fast = new Capture();
    const a = createLogger({ service: 'gate"way', level: 'info', transport: direct });
    const b = createLogger({ service: 'gate"way', level: 'info', transport: fast });
    const fields = {
      requestId: 'req-1',
      method: 'GET',
      route: '/api/v1/players/:id"',
      path: '/api/v1/players/\u00e9"\n\u2028💥\\x\u0001\ud800-lone',
      status: 404,
      durationMs: 12.3,
    };
    const trace = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), flags: '01' };
    for (const [t, level] of [
      [trace, 'info'],
      [{ traceId: 'c'.repeat(32), flags: '00' }, 'error'],
      [undefined, 'info'],
    ] as const) {
      const meta: Record<string, unknown> = {
        request_id: fields.requestId,
        http_request_method: fields.method,
        http_route: fields.route,
        url_path: fields.path,
        http_response_status_code: fields.status,
        duration_ms: fields.durationMs,
      };
      if (t) {
        meta.trace_id = t.traceId;
        if ('spanId' in t) meta.span_id = t.spanId;
        meta.trace_flags = t.flags;
      }
      logDirect(a, level, 'request', meta, undefined);
      logRequest(b, level, fields, t);
    }
    expect(fast.lines).toHaveLength(3);
    // Same text, up to the timestamp (taken a moment apart).
    const strip = (l: string) => l.replace(/"timestamp":"[^"]+"/, '"timestamp":"T"');
    expect(fast.lines.map(strip)).toEqual(direct.lines.map(strip));
    expect(JSON.parse(fast.lines[0]!)).toMatchObject({ url_path: fields.path, span_id: 'b'.repeat(16) });
  });

  it('writes no access-log line below the logger level', () => {
    const capture = new Capture();
    const logger = createLogger({ service: 'x', level: 'error', transport: capture });
    logRequest(logger, 'info', {
      requestId: 'r',
      method: 'GET',
      route: '/',
      path: '/',
      status: 200,
      durationMs: 1,
    });
    expect(capture.lines).toHaveLength(0);
  });

  it('lets each transport’s own level decide, as winston does, and the logger’s when it has none', () => {
    const errorsOnly = new Capture({ level: 'error' });
    const everything = new Capture({ level: 'debug' });
    const inherits = new Capture();
    const logger = createLogger({ service: 'x', level: 'warn', transport: errorsOnly });
    logger.add(everything);
    logger.add(inherits);
    const fields = { requestId: 'r', method: 'GET', route: '/', path: '/', status: 200, durationMs: 1 };
    logRequest(logger, 'info', fields);
    logRequest(logger, 'error', { ...fields, status: 500 });
    expect(errorsOnly.lines.map((l) => JSON.parse(l).level)).toEqual(['error']);
    expect(everything.lines.map((l) => JSON.parse(l).level)).toEqual(['info', 'error']);
    expect(inherits.lines.map((l) => JSON.parse(l).level)).toEqual(['error']);
  });

  it('writes the same fields through a logger not made by createLogger (its own format)', () => {
    const capture = new Capture();
    const logger = winston.createLogger({
      level: 'info',
      format: winston.format.json(),
      transports: [capture],
    });
    logRequest(
      logger,
      'error',
      { requestId: 'r', method: 'GET', route: '/x/:id', path: '/x/1', status: 503, durationMs: 2.5 },
      { traceId: 'd'.repeat(32), spanId: 'e'.repeat(16), flags: '01' },
    );
    expect(capture.lines).toHaveLength(1);
    expect(JSON.parse(capture.lines[0]!)).toEqual({
      level: 'error',
      message: 'request',
      request_id: 'r',
      http_request_method: 'GET',
      http_route: '/x/:id',
      url_path: '/x/1',
      http_response_status_code: 503,
      duration_ms: 2.5,
      trace_id: 'd'.repeat(32),
      span_id: 'e'.repeat(16),
      trace_flags: '01',
    });
  });
});

describe('BufferedStdoutTransport', () => {
  let dir: string;
  let file: string;
  let fd: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gameday-log-'));
    file = join(dir, 'out.log');
    fd = openSync(file, 'w');
  });
  afterEach(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes nothing until a flush, then every line in order, one per line', () => {
    const transport = new BufferedStdoutTransport({ fd, flushMs: 60_000 });
    transport.append('{"a":1}');
    transport.append('{"b":"é ü 漢字 🎲"}');
    expect(readFileSync(file, 'utf8')).toBe('');
    transport.flushSync();
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n{"b":"é ü 漢字 🎲"}\n');
    transport.flushSync();
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n{"b":"é ü 漢字 🎲"}\n');
  });

  it('flushes by itself when the buffer fills, and writes a line longer than the buffer on its own', () => {
    const transport = new BufferedStdoutTransport({ fd, flushMs: 60_000, bufferBytes: 256 });
    const lines = Array.from({ length: 40 }, (_, i) => `{"i":${i},"text":"${'ß'.repeat(i)}"}`);
    lines.splice(20, 0, `{"long":"${'x'.repeat(1000)}"}`);
    for (const line of lines) transport.append(line);
    // Most lines are already out, without a timer or an explicit flush.
    expect(readFileSync(file, 'utf8').length).toBeGreaterThan(1000);
    transport.flushSync();
    expect(readFileSync(file, 'utf8')).toBe(lines.map((l) => `${l}\n`).join(''));
  });

  it('flushes after flushMs, and the lines written through a logger are the logger’s lines', async () => {
    const transport = new BufferedStdoutTransport({ fd, flushMs: 5 });
    const logger = createLogger({ service: 'accounts', level: 'info', transport });
    logger.info('first', { n: 1 });
    logRequest(logger, 'info', {
      requestId: 'r1',
      method: 'GET',
      route: '/x',
      path: '/x',
      status: 200,
      durationMs: 1.5,
    });
    expect(readFileSync(file, 'utf8')).toBe('');
    await new Promise((r) => setTimeout(r, 50));
    const written = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(written).toEqual([
      expect.objectContaining({ message: 'first', n: 1, service: 'accounts' }),
      expect.objectContaining({ message: 'request', request_id: 'r1', http_response_status_code: 200 }),
    ]);
  });
});
