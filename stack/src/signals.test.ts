// The generated configurations of the signal backends, checked by the real programs (`validate`),
// and the tool versions the stack expects against the ones the build scripts build.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { GO_TOOLS, goToolPath, type GoTool } from './components';
import { jaegerConfig, logAgentConfig } from './signals';

const root = resolve(__dirname, '..', '..');
const binary = (tool: GoTool) => goToolPath(root, process.env, tool);

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'gameday-signals-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(bin: string, config: string): { status: number | null; output: string } {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, config);
  const r = spawnSync(bin, ['validate', '--config', `file:${file}`], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const ports = { query: 26686, otlp: 24318, queryGrpc: 26685, metrics: 24269, health: 23133 };

describe('the signal backends of the local stack', () => {
  it('builds the tool versions the stack runs (scripts and registry agree)', () => {
    const script = (name: string) => readFileSync(join(root, 'scripts', `${name}.mjs`), 'utf8');
    expect(script('jaeger')).toContain(`JAEGER_VERSION = '${GO_TOOLS.jaeger.path[0]}'`);
    expect(script('victorialogs')).toContain(`VICTORIALOGS_VERSION = '${GO_TOOLS.victorialogs.path[0]}'`);
    expect(script('otelcol')).toContain(`OTELCOL_VERSION = '${GO_TOOLS.logagent.path[0]}'`);
    expect(readFileSync(join(root, 'tools', 'jaeger', 'go.mod'), 'utf8')).toContain(
      `github.com/jaegertracing/jaeger ${GO_TOOLS.jaeger.path[0]}`,
    );
  });

  it('gives Jaeger a configuration it accepts: OTLP/HTTP in, a bounded memory store, query API, own metrics', () => {
    const config = jaegerConfig(ports, 5000);
    const parsed = parse(config);
    expect(parsed.receivers.otlp.protocols).toEqual({ http: { endpoint: '127.0.0.1:24318' } });
    expect(parsed.extensions.jaeger_storage.backends.memstore.memory.max_traces).toBe(5000);
    expect(parsed.extensions.jaeger_query.http.endpoint).toBe('127.0.0.1:26686');
    expect(validate(binary(GO_TOOLS.jaeger), config)).toMatchObject({ status: 0 });
  });

  it('refuses a Jaeger configuration that is wrong (the check above can fail)', () => {
    const broken = jaegerConfig(ports, 5000).replace('jaeger_storage_exporter:', 'no_such_exporter:');
    const r = validate(binary(GO_TOOLS.jaeger), broken);
    expect(r.status).toBe(1);
    expect(r.output).toContain('no_such_exporter');
  });

  it('gives the log agent a configuration it accepts: JSON lines → fields, one stream per service, to VictoriaLogs', () => {
    const config = logAgentConfig({
      files: ['/x/logs/casino.log', '/x/logs/wallet.log'],
      offsetsDir: dir,
      logsUrl: 'http://127.0.0.1:29428',
      metricsPort: 28888,
    });
    const parsed = parse(config);
    expect(parsed.receivers.file_log.include).toEqual(['/x/logs/casino.log', '/x/logs/wallet.log']);
    const exporter = parsed.exporters['otlp_http/victorialogs'];
    expect(exporter.logs_endpoint).toBe('http://127.0.0.1:29428/insert/opentelemetry/v1/logs');
    expect(exporter.headers).toEqual({ 'VL-Stream-Fields': 'service.name' });
    expect(exporter.sending_queue.queue_size).toBeGreaterThan(0);
    expect(parsed.processors.memory_limiter.limit_mib).toBeGreaterThan(0);
    expect(validate(binary(GO_TOOLS.logagent), config)).toMatchObject({ status: 0 });
    const broken = validate(binary(GO_TOOLS.logagent), config.replace('json_parser', 'no_such_parser'));
    expect(broken.status).toBe(1);
    expect(broken.output).toContain('no_such_parser');
  });
});
