// The static security checks, with the tools the project pins: semgrep with the rules of
// security/semgrep over the tree and over a fixture each rule must fire on, hadolint
// (.hadolint.yaml) on images/*.Containerfile and on a bad Containerfile, gitleaks (.gitleaks.toml)
// on the files git tracks and on a freshly generated fake AWS key, and the npm audit policy
// (scripts/audit.mjs, security/audit-policy.json) on hand-written reports.
// semgrep and hadolint come from scripts/python-tools.mjs (a venv, installed once), gitleaks from
// scripts/supply-chain-tools.mjs (go install, once).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import {
  AuditPolicyError,
  applyAuditPolicy,
  auditFailure,
  formatAuditTable,
  parsePolicy,
} from '../../scripts/lib/audit-policy.cjs';
import type { AuditPolicy } from '../../scripts/lib/audit-policy.cjs';

const root = path.resolve(__dirname, '..', '..');
const fixtures = path.join(root, 'security', 'fixtures');
const temps: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `gameday-${prefix}-`));
  temps.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A tool's path, installed or built the first time (its script prints progress on stderr). */
function toolPath(script: string, name: string): string {
  return execFileSync(process.execPath, [path.join('scripts', script), 'path', name], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

function run(
  bin: string,
  args: string[],
  cwd: string,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `marker ID…` comment lines of a fixture: the IDs expected on the line after each, 1-based. */
function annotations(text: string, marker: RegExp): { line: number; id: string }[] {
  const found: { line: number; id: string }[] = [];
  text.split('\n').forEach((line, i) => {
    const m = marker.exec(line);
    if (m) for (const id of m[1]!.trim().split(/\s+/)) found.push({ line: i + 2, id });
  });
  return found;
}

const byLineAndId = (a: { line: number; id: string }, b: { line: number; id: string }) =>
  a.line - b.line || a.id.localeCompare(b.id);

describe('semgrep (security/semgrep)', () => {
  let semgrep: string;
  const rulesDir = path.join(root, 'security', 'semgrep');
  const rules = readdirSync(rulesDir)
    .filter((f) => f.endsWith('.yml'))
    .flatMap(
      (f) =>
        (
          parse(readFileSync(path.join(rulesDir, f), 'utf8')) as {
            rules: {
              id: string;
              message?: string;
              severity?: string;
              languages?: string[];
              metadata?: { cwe?: string };
            }[];
          }
        ).rules,
    );

  interface SemgrepOutput {
    results: { check_id: string; path: string; start: { line: number }; extra: { message: string } }[];
    errors: { level?: string; message?: string; path?: string }[];
    paths: { scanned: string[] };
  }

  function scan(cwd: string, target = '.'): { status: number | null; out: SemgrepOutput } {
    const r = run(
      semgrep,
      [
        'scan',
        '--config',
        rulesDir,
        '--metrics=off',
        '--error',
        '--disable-version-check',
        '--json',
        '--quiet',
        target,
      ],
      cwd,
    );
    try {
      return { status: r.status, out: JSON.parse(r.stdout) as SemgrepOutput };
    } catch {
      throw new Error(`semgrep printed no JSON (exit ${r.status}):\n${r.stderr}`);
    }
  }

  // The rule id as written in the file: semgrep prefixes it with the config folder's path.
  const ruleId = (checkId: string) => checkId.slice(checkId.indexOf('gameday.'));

  beforeAll(() => {
    semgrep = toolPath('python-tools.mjs', 'semgrep');
  }, 900_000);

  it('has rules that say what is wrong, how bad, in which languages and which CWE', () => {
    expect(rules.length).toBeGreaterThanOrEqual(7);
    for (const rule of rules) {
      expect(rule.id).toMatch(/^gameday\.[a-z0-9-]+$/);
      expect(rule.message?.length).toBeGreaterThan(80);
      expect(['ERROR', 'WARNING']).toContain(rule.severity);
      expect(rule.languages).toEqual(expect.arrayContaining(['typescript']));
      expect(rule.metadata?.cwe).toMatch(/^CWE-\d+: /);
    }
  });

  it('finds nothing in the tree', () => {
    const { status, out } = scan(root);
    // A finding is either fixed or marked `// nosemgrep: <rule-id> -- <reason>` on the line before.
    const findings = out.results.map(
      (r) => `${r.path}:${r.start.line} ${ruleId(r.check_id)}: ${r.extra.message}`,
    );
    expect(findings).toEqual([]);
    expect(out.errors.filter((e) => e.level === 'error')).toEqual([]);
    expect(status).toBe(0);
    // It did look: the services, the libraries and the scripts (not dist, node_modules or fixtures).
    const scanned = out.paths.scanned;
    expect(scanned.length).toBeGreaterThan(300);
    expect(scanned).toEqual(
      expect.arrayContaining([
        'apps/gateway/src/domain/tokens.ts',
        'apps/accounts/src/data-access/players-repository.ts',
        'platform/src/database.ts',
        'scripts/bootstrap.mjs',
      ]),
    );
    expect(scanned.filter((p) => /(^|\/)(dist|node_modules)\/|^security\/fixtures\//.test(p))).toEqual([]);
  }, 600_000);

  it('fires every rule on its fixture, at the lines marked for it and nowhere else', () => {
    const dir = tempDir('semgrep');
    const text = readFileSync(path.join(fixtures, 'semgrep', 'bad.ts.txt'), 'utf8');
    writeFileSync(path.join(dir, 'bad.ts'), text);
    const expected = annotations(text, /^\s*\/\/ ruleid: (\S+)\s*$/).sort(byLineAndId);
    expect(new Set(expected.map((e) => e.id))).toEqual(new Set(rules.map((r) => r.id)));

    const { status, out } = scan(dir, 'bad.ts');
    const found = out.results.map((r) => ({ line: r.start.line, id: ruleId(r.check_id) })).sort(byLineAndId);
    expect(found).toEqual(expected);
    expect(status).toBe(1); // --error
  }, 600_000);
});

describe('hadolint (.hadolint.yaml)', () => {
  let hadolint: string;
  const config = path.join(root, '.hadolint.yaml');

  beforeAll(() => {
    hadolint = toolPath('python-tools.mjs', 'hadolint');
  }, 900_000);

  it('passes every images/*.Containerfile', () => {
    const files = readdirSync(path.join(root, 'images'))
      .filter((f) => f.endsWith('.Containerfile'))
      .map((f) => path.join('images', f));
    if (files.length === 0) return; // none yet: the bad fixture below still proves the setup
    const r = run(hadolint, ['--config', config, '--no-color', ...files], root);
    expect({ status: r.status, output: `${r.stdout}${r.stderr}`.trim() }).toEqual({ status: 0, output: '' });
  });

  it('fails a bad Containerfile, naming the file, the line and the rule', () => {
    const file = path.join('security', 'fixtures', 'hadolint', 'bad.Containerfile');
    const expected = annotations(readFileSync(path.join(root, file), 'utf8'), /^# ((?:DL\d{4}\s*)+)$/).sort(
      byLineAndId,
    );
    expect(expected.length).toBeGreaterThanOrEqual(5);
    const r = run(hadolint, ['--config', config, '--no-color', file], root);
    expect(r.status).toBe(1);
    // tty format: `<file>:<line> <rule> <level>: <message>`
    const reported = [...r.stdout.matchAll(/^(.+?):(\d+) (DL\d{4}) (error|warning|info|style): /gm)].map(
      (m) => ({
        file: m[1],
        line: Number(m[2]),
        id: m[3]!,
      }),
    );
    for (const e of expected) expect(reported).toContainEqual({ file, line: e.line, id: e.id });
  });
});

describe('gitleaks (.gitleaks.toml)', () => {
  let gitleaks: string;
  const config = path.join(root, '.gitleaks.toml');

  interface Leak {
    RuleID: string;
    File: string;
    StartLine: number;
  }

  /** gitleaks over `dir` (as `.`, so files are reported relative to it); the report and the exit code. */
  function scanDir(dir: string): { status: number | null; leaks: Leak[]; output: string } {
    const report = path.join(tempDir('gitleaks-report'), 'report.json');
    const r = run(
      gitleaks,
      ['dir', '.', '--config', config, '--no-banner', '--redact', '--log-level', 'warn'].concat([
        '--report-format',
        'json',
        '--report-path',
        report,
        '--exit-code',
        '1',
      ]),
      dir,
    );
    return {
      status: r.status,
      leaks: JSON.parse(readFileSync(report, 'utf8')) as Leak[],
      output: `${r.stdout}${r.stderr}`,
    };
  }

  beforeAll(() => {
    gitleaks = toolPath('supply-chain-tools.mjs', 'gitleaks');
  }, 1_200_000);

  it('finds no secret in the files git tracks (and new files it does not ignore)', () => {
    // A copy of exactly those files: the working tree also holds node_modules, dist and state.
    const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
      .split('\0')
      .filter(Boolean);
    const copy = tempDir('gitleaks-tree');
    let copied = 0;
    for (const file of listed) {
      const from = path.join(root, file);
      let isFile = false;
      try {
        isFile = lstatSync(from).isFile(); // not a symlink, not deleted in the work tree
      } catch {
        continue;
      }
      if (!isFile) continue;
      mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      copyFileSync(from, path.join(copy, file));
      copied++;
    }
    expect(copied).toBeGreaterThan(300);
    const { status, leaks, output } = scanDir(copy);
    expect(leaks.map((l) => `${l.File}:${l.StartLine} ${l.RuleID}`)).toEqual([]);
    expect({ status, output: output.trim() }).toEqual({ status: 0, output: '' });
  }, 600_000);

  it('catches an AWS access key written into a file, at its line', () => {
    // Made up here, never stored: "AKIA" and 16 distinct characters of the key alphabet (so the
    // entropy gitleaks asks for is always there), and a 40-character secret key beside it.
    const alphabet = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'];
    const keyChars: string[] = [];
    while (keyChars.length < 16) keyChars.push(alphabet.splice(randomInt(alphabet.length), 1)[0]!);
    const secretAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const secret = Array.from({ length: 40 }, () => secretAlphabet[randomInt(secretAlphabet.length)]).join(
      '',
    );
    const dir = tempDir('gitleaks-fake');
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(
      path.join(dir, 'src', 'config.ts'),
      [
        '// the deployment settings',
        "export const region = 'eu-west-1';",
        `export const accessKeyId = 'AKIA${keyChars.join('')}';`,
        `export const secretAccessKey = '${secret}';`,
        '',
      ].join('\n'),
    );
    const { status, leaks } = scanDir(dir);
    expect(status).toBe(1);
    expect(leaks).toContainEqual(
      expect.objectContaining({
        RuleID: 'aws-access-token',
        File: path.join('src', 'config.ts'),
        StartLine: 3,
      }),
    );
  });
});

describe('npm audit policy (scripts/audit.mjs, security/audit-policy.json)', () => {
  const report = JSON.parse(readFileSync(path.join(fixtures, 'audit', 'report.json'), 'utf8')) as unknown;
  const policy = (p: object): AuditPolicy => parsePolicy({ failOn: 'high', allow: [], ...p });
  const WS = 'GHSA-3h5v-q93c-6h6q';

  it("the project's policy is valid and fails on high", () => {
    const own = parsePolicy(
      JSON.parse(readFileSync(path.join(root, 'security', 'audit-policy.json'), 'utf8')),
    );
    expect(own.failOn).toBe('high');
  });

  it('fails every advisory at or above failOn, each with its package, severity and URL', () => {
    const result = applyAuditPolicy(report, policy({}), { today: '2026-06-01' });
    expect(result.violations.map((v) => [v.package, v.severity, v.url])).toEqual([
      ['form-data', 'critical', 'https://github.com/advisories/GHSA-fjxv-7rqg-78g4'],
      ['cross-spawn', 'high', 'https://github.com/advisories/GHSA-3xgq-45jj-v275'],
      ['path-to-regexp', 'high', 'https://github.com/advisories/GHSA-9wv6-86v2-598j'],
      ['ws', 'high', `https://github.com/advisories/${WS}`],
    ]);
    // Below the threshold: listed, not failing. express is vulnerable only through path-to-regexp.
    expect(result.findings.find((f) => f.package === 'semver')?.verdict).toBe('below');
    expect(result.findings.map((f) => f.package)).not.toContain('express');
    expect(applyAuditPolicy(report, policy({ failOn: 'critical' })).violations.map((v) => v.package)).toEqual(
      ['form-data'],
    );
    expect(applyAuditPolicy(report, policy({ failOn: 'moderate' })).violations).toHaveLength(5);
  });

  it('lets an allowed advisory pass until its expiry day, and fails it again after', () => {
    const allow = [
      { advisory: WS.toLowerCase(), reason: 'the ws server is never exposed', expires: '2026-06-30' },
    ];
    const before = applyAuditPolicy(report, policy({ allow }), { today: '2026-06-30' });
    expect(before.violations.map((v) => v.package)).not.toContain('ws');
    expect(before.findings.find((f) => f.package === 'ws')).toMatchObject({
      verdict: 'allowed',
      note: 'allowed until 2026-06-30: the ws server is never exposed',
    });
    const after = applyAuditPolicy(report, policy({ allow }), { today: '2026-07-01' });
    expect(after.violations.find((v) => v.package === 'ws')).toMatchObject({
      verdict: 'fail',
      note: 'its allowance expired on 2026-06-30',
    });
  });

  it('passes a clean report and points out allowances nothing needs', () => {
    const clean = JSON.parse(readFileSync(path.join(fixtures, 'audit', 'clean.json'), 'utf8')) as unknown;
    const allow = [{ advisory: WS, reason: 'the ws server is never exposed', expires: '2099-01-01' }];
    const result = applyAuditPolicy(clean, policy({ allow }));
    expect(result.violations).toEqual([]);
    expect(result.unusedAllowances.map((a) => a.advisory)).toEqual([WS]);
    expect(formatAuditTable(result)).toMatch(/no advisories/);
  });

  it('refuses a policy it cannot apply, saying what is wrong', () => {
    expect(() => parsePolicy({ failOn: 'severe' })).toThrow(
      /failOn must be one of info, low, moderate, high, critical/,
    );
    expect(() =>
      policy({ allow: [{ advisory: 'CVE-2024-1', reason: 'a long enough reason', expires: '2026-01-01' }] }),
    ).toThrow(/allow\[0\]\.advisory must be a GitHub advisory id/);
    expect(() => policy({ allow: [{ advisory: WS, reason: '', expires: '2026-01-01' }] })).toThrow(
      /reason must say why/,
    );
    expect(() =>
      policy({ allow: [{ advisory: WS, reason: 'a long enough reason', expires: '2026-02-30' }] }),
    ).toThrow(/expires must be a date/);
    expect(() =>
      policy({ allow: [{ advisory: WS, reason: 'a long enough reason', expires: 'soon' }] }),
    ).toThrow(AuditPolicyError);
  });

  it('tells an endpoint that refused from a report', () => {
    const refused = JSON.parse(
      readFileSync(path.join(fixtures, 'audit', 'endpoint-refused.json'), 'utf8'),
    ) as unknown;
    expect(auditFailure(refused)).toMatchObject({ status: 405 });
    expect(auditFailure(report)).toBeUndefined();
    expect(() => applyAuditPolicy(refused, policy({}))).toThrow(AuditPolicyError);
  });

  describe('the command', () => {
    const audit = (reportFile: string) => {
      const r = spawnSync(
        process.execPath,
        ['scripts/audit.mjs', '--report', path.join(fixtures, 'audit', reportFile), '--today', '2026-06-01'],
        { cwd: root, encoding: 'utf8' },
      );
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };

    it('exits 1 on a violation, with a table and the advisories that fail', () => {
      const r = audit('report.json');
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^verdict\s+severity\s+package\s+advisory\s+title$/m);
      expect(r.stdout).toMatch(
        /^below\s+moderate\s+semver\s+https:\/\/github\.com\/advisories\/GHSA-c2qf-rxjj-qqgw/m,
      );
      expect(r.stderr).toContain('4 advisories at or above high break the policy');
      expect(r.stderr).toContain('form-data (critical) https://github.com/advisories/GHSA-fjxv-7rqg-78g4');
    });

    it('exits 0 on a clean report', () => {
      expect(audit('clean.json')).toMatchObject({ status: 0, stderr: '' });
    });

    it('exits 2 naming the HTTP status when the audit endpoint refuses', () => {
      const r = audit('endpoint-refused.json');
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('could not be used (HTTP 405)');
    });
  });
});
