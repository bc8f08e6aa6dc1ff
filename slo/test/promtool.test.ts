import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateFromSpecs, generateSlos, paths, ruleFiles } from '../src';
import { fixtureSources, inBatches, repoRoot, requireTool, runTool } from './helpers';

// Every rule file goes through the real promtool: `check rules` for syntax and PromQL, and
// `test rules` for the cases generated from each spec (alerts/generated/*.test.yml) plus the
// hand-written infrastructure cases. The SLO cases take a while: promtool evaluates every rule
// of the service at every step of hours of simulated traffic.
// promtool evaluates 30-day windows at 1-minute steps: minutes of CPU, more when the image build runs
// beside it on two cores (a correctness test: the generous bound only keeps a stuck run from hanging).
jest.setTimeout(900_000);

const generatedTests = (dir: string): string[] =>
  readdirSync(join(dir, paths.generatedRulesDir))
    .filter((f) => f.endsWith('.test.yml'))
    .sort()
    .map((f) => join(dir, paths.generatedRulesDir, f));

describe('the checked-in rule files', () => {
  const promtool = requireTool('promtool');

  it('are up to date with slo/specs (gameday slo generate --check finds nothing stale)', () => {
    const result = generateSlos({ rootDir: repoRoot, check: true, env: {} });
    expect(result.stale).toEqual([]);
  });

  it('include a generated promtool test file for every service with an SLO spec', () => {
    const services = readdirSync(join(repoRoot, paths.specsDir)).map((f) => f.replace(/\.ya?ml$/, ''));
    const tested = new Set(generatedTests(repoRoot).map((f) => f.split('/').pop()!.split('.')[0]));
    expect([...tested].sort()).toEqual(services.sort());
  });

  it('all pass promtool check rules, generated and infrastructure alike', async () => {
    const files = ruleFiles(repoRoot);
    expect(files.map((f) => f.slice(repoRoot.length + 1))).toEqual(
      expect.arrayContaining([
        'alerts/generated/accounts.slo.rules.yml',
        'alerts/generated/gateway.slo.rules.yml',
        paths.infrastructureRules,
      ]),
    );
    const result = await runTool(promtool, ['check', 'rules', ...files]);
    expect(`${result.stdout}${result.stderr}`).not.toContain('FAILED');
    expect(result.code).toBe(0);
  });

  it('pass every generated SLO case and the infrastructure cases under promtool test rules', async () => {
    const files = [...generatedTests(repoRoot), join(repoRoot, 'alerts', 'tests', 'infrastructure.test.yml')];
    await expectPromtoolTestsPass(promtool, files);
  });
});

describe('the rules generated from the fixture specs (7d and 28d periods, ratio and OpenSLO SLIs)', () => {
  const promtool = requireTool('promtool');
  const dir = mkdtempSync(join(tmpdir(), 'gameday-promtool-'));
  for (const file of generateFromSpecs(fixtureSources()).files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }

  it('pass promtool check rules', async () => {
    const result = await runTool(promtool, ['check', 'rules', ...ruleFiles(dir)]);
    expect(result.code).toBe(0);
  });

  it('pass their generated promtool cases', async () => {
    const files = generatedTests(dir);
    await expectPromtoolTestsPass(promtool, files);
  });
});

describe('a whole-number latency threshold (1 s)', () => {
  const promtool = requireTool('promtool');
  const dir = mkdtempSync(join(tmpdir(), 'gameday-le-'));
  const spec = `version: gameday/v1
service: x
slos:
  - name: latency
    objective: 99
    sli: { kind: http-latency, threshold: 1 }
`;
  const rules = generateFromSpecs([{ file: 'slo/specs/x.yaml', text: spec }], { skipTests: true }).files.find(
    (f) => f.path.endsWith('x.slo.rules.yml'),
  )!;
  writeFileSync(join(dir, 'x.rules.yml'), rules.content);

  // prom-client writes le="1"; Prometheus 3 stores it as le="1.0". 90 of every 100 requests are fast.
  it.each(['1', '1.0'])('counts the bucket whether it is stored as le="%s"', async (le) => {
    const series = (name: string, extra: string, per: number) =>
      `      - series: '${name}{job="x",http_route="/a",http_request_method="GET",http_response_status_code="200"${extra}}'\n        values: '0+${per}x20'`;
    const test = [
      'rule_files: [x.rules.yml]',
      'evaluation_interval: 1m',
      'tests:',
      '  - interval: 1m',
      '    input_series:',
      series('http_server_request_duration_seconds_bucket', `,le="${le}"`, 90),
      series('http_server_request_duration_seconds_count', '', 100),
      '    promql_expr_test:',
      '      - expr: round(slo:sli_error:ratio_rate5m, 0.001)',
      '        eval_time: 10m',
      '        exp_samples:',
      '          - labels: \'{slo_service="x",slo_name="latency"}\'',
      '            value: 0.1',
      '',
    ].join('\n');
    const file = join(dir, `le-${le}.test.yml`);
    writeFileSync(file, test);
    await expectPromtoolTestsPass(promtool, [file]);
  });
});

/** Runs `promtool test rules` on each file and expects every one to succeed, naming the file if not. */
async function expectPromtoolTestsPass(promtool: string, files: string[]): Promise<void> {
  const results = await inBatches(files.map((f) => () => runTool(promtool, ['test', 'rules', f])));
  results.forEach((result, i) => {
    expect({ file: files[i], code: result.code, output: `${result.stdout}${result.stderr}`.trim() }).toEqual({
      file: files[i],
      code: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });
}
