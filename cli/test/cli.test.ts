import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { run, type CommandModule, type Io } from '../src';

const fixtures = join(__dirname, '..', '..', 'slo', 'test', 'fixtures', 'specs');

function scratchRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'gameday-cli-'));
  cpSync(fixtures, join(root, 'slo', 'specs'), { recursive: true });
  return root;
}

async function gameday(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

describe('gameday slo generate', () => {
  let root: string;
  beforeEach(() => (root = scratchRoot()));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes rules, PrometheusRules, promtool tests and runbook skeletons, found from any folder inside the repository', async () => {
    const result = await gameday(['slo', 'generate'], join(root, 'slo', 'specs'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('wrote alerts/generated/checkout.slo.rules.yml\n');
    expect(result.stdout).toContain('5 SLOs: 14 file(s) written, 0 removed, 0 unchanged.\n');
    expect(readdirSync(join(root, 'alerts', 'generated')).sort()).toEqual([
      'checkout.slo.detection.test.yml',
      'checkout.slo.rules.yml',
      'checkout.slo.test.yml',
      'payments.slo.detection.test.yml',
      'payments.slo.rules.yml',
      'payments.slo.test.yml',
    ]);
    expect(readdirSync(join(root, 'argocd', 'slo-rules')).sort()).toEqual([
      'checkout.yaml',
      'kustomization.yaml',
      'payments.yaml',
    ]);
    expect(result.stderr).toContain(
      'warning: slo/specs/payments.yaml: no promtool test for "payments/refunds"',
    );
  });

  it('passes --check right after generating, and names every stale file with exit code 1 after an edit', async () => {
    await gameday(['slo', 'generate'], root);
    expect(await gameday(['slo', 'generate', '--check'], root)).toMatchObject({ code: 0 });

    const rules = join(root, 'alerts', 'generated', 'checkout.slo.rules.yml');
    writeFileSync(rules, `${readFileSync(rules, 'utf8')}# hand edit\n`);
    rmSync(join(root, 'argocd', 'slo-rules', 'payments.yaml'));
    const check = await gameday(['slo', 'generate', '--check'], root);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(
      'stale: alerts/generated/checkout.slo.rules.yml differs from what the specs generate\n',
    );
    expect(check.stderr).toContain('stale: argocd/slo-rules/payments.yaml is missing\n');
    expect(check.stderr).toContain('2 stale file(s): run `gameday slo generate` and commit the result.');
    // --check writes nothing.
    expect(readFileSync(rules, 'utf8')).toContain('# hand edit');
  });

  it('never overwrites a runbook someone edited', async () => {
    await gameday(['slo', 'generate'], root);
    const runbook = join(root, 'runbooks', 'slo-checkout-latency.md');
    writeFileSync(runbook, '# written by a person\n');
    await gameday(['slo', 'generate'], root);
    expect(readFileSync(runbook, 'utf8')).toBe('# written by a person\n');
  });

  it('removes the generated files of a spec that was deleted, and --check reports them first', async () => {
    await gameday(['slo', 'generate'], root);
    rmSync(join(root, 'slo', 'specs', 'payments.yaml'));
    const check = await gameday(['slo', 'generate', '--check'], root);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('stale: alerts/generated/payments.slo.rules.yml has no spec any more\n');
    const generate = await gameday(['slo', 'generate'], root);
    expect(generate.stdout).toContain('removed alerts/generated/payments.slo.rules.yml\n');
    expect(existsSync(join(root, 'argocd', 'slo-rules', 'payments.yaml'))).toBe(false);
    // Runbooks belong to people: they stay.
    expect(existsSync(join(root, 'runbooks', 'slo-payments-capture.md'))).toBe(true);
  });

  it('exits 2 naming the file and path of an invalid spec, and writes nothing', async () => {
    writeFileSync(
      join(root, 'slo', 'specs', 'broken.yaml'),
      'version: gameday/v1\nservice: broken\nslos:\n  - name: latency\n    objective: 99\n    sli: { kind: http-latency, threshold: 0.2 }\n',
    );
    const result = await gameday(['slo', 'generate'], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid SLO spec, nothing written:');
    expect(result.stderr).toContain(
      'slo/specs/broken.yaml:6:43: slos[0].sli.threshold: 0.2 is not a bucket boundary',
    );
    expect(existsSync(join(root, 'alerts'))).toBe(false);
  });

  it('points runbook and dashboard links at GAMEDAY_RUNBOOK_BASE_URL and GAMEDAY_GRAFANA_URL', async () => {
    await gameday(['slo', 'generate'], root, {
      GAMEDAY_RUNBOOK_BASE_URL: 'https://git.example.test/gameday/-/blob/main',
      GAMEDAY_GRAFANA_URL: 'https://grafana.example.test',
    });
    const rules = readFileSync(join(root, 'alerts', 'generated', 'checkout.slo.rules.yml'), 'utf8');
    expect(rules).toContain(
      'runbook_url: https://git.example.test/gameday/-/blob/main/runbooks/slo-checkout-latency.md',
    );
    expect(rules).toContain(
      'dashboard_url: https://grafana.example.test/d/slo-checkout?var-slo_name=latency',
    );
  });

  it('exits 2 with a hint when run outside the repository', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'gameday-outside-'));
    const result = await gameday(['slo', 'generate'], outside);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no slo/specs folder at or above');
    rmSync(outside, { recursive: true, force: true });
  });
});

describe('the gameday program', () => {
  it('accepts another command group as a module, the way `gameday chaos` will be added', async () => {
    let ran = '';
    const chaos: CommandModule = {
      register(program: Command, _io, setExitCode) {
        program
          .command('chaos')
          .command('run <experiment>')
          .action((experiment: string) => {
            ran = experiment;
            setExitCode(1);
          });
      },
    };
    const io: Io = { stdout: () => undefined, stderr: () => undefined, cwd: '.', env: {} };
    expect(await run(['chaos', 'run', 'kill-accounts'], io, [chaos])).toBe(1);
    expect(ran).toBe('kill-accounts');
  });

  it('exits 2 on an unknown command and 0 for --help', async () => {
    expect((await gameday(['slo', 'bogus'], '.')).code).toBe(2);
    expect((await gameday(['--help'], '.')).code).toBe(0);
  });
});
