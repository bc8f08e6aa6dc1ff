import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateFromSpecs, generateSlos, paths, ruleFiles } from '../src';
import { fixtureSources, inBatches, repoRoot, requireTool, runTool } from './helpers';

// Every rule file goes through the real promtool: `check rules` for syntax and PromQL, and
// `test rules` for the cases generated from each spec (alerts/generated/*.test.yml) plus the
// hand-written infrastructure cases. The SLO cases take a while: promtool evaluates every rule
// of the service at every step of hours of simulated traffic.
jest.setTimeout(240_000);

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
