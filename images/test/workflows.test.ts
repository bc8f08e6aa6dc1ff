// The GitHub Actions workflows (.github/workflows/*.yml) lint clean: actionlint with shellcheck on
// every `run:` script, every action pinned to a commit SHA, least-privilege token permissions.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { expressionsInRun, missingPermissions, unpinnedActions } from '../src/workflows';

const root = path.resolve(__dirname, '..', '..');
const workflowsDir = path.join('.github', 'workflows');
const workflows = readdirSync(path.join(root, workflowsDir))
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((f) => path.join(workflowsDir, f));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, bin);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

let actionlint: string;
let shellcheck: string;

beforeAll(() => {
  const found = onPath('shellcheck');
  if (!found)
    throw new Error(
      'shellcheck is not on PATH: actionlint needs it to lint the `run:` scripts. Install it (apt-get install shellcheck).',
    );
  shellcheck = found;
  // Builds actionlint with `go install` the first time (about a minute), then prints the cached path.
  actionlint = execFileSync(process.execPath, ['scripts/supply-chain-tools.mjs', 'path', 'actionlint'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}, 600_000);

function lint(cwd: string, files: string[]): { status: number | null; output: string } {
  const r = spawnSync(
    actionlint,
    ['-oneline', '-no-color', `-shellcheck=${shellcheck}`, '-pyflakes=', ...files],
    {
      cwd,
      encoding: 'utf8',
    },
  );
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

describe('.github/workflows', () => {
  it('has the five workflows', () => {
    expect(workflows.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(['ci.yml', 'deploy.yml', 'gameday.yml', 'images.yml', 'terraform.yml']),
    );
  });

  it('passes actionlint with shellcheck', () => {
    // On failure the diff shows actionlint's file:line:col findings.
    expect(lint(root, workflows)).toEqual({ status: 0, output: '' });
  });

  it('pins every action to a full commit SHA, with the version in a comment', () => {
    const found = workflows.flatMap((file) => unpinnedActions(file, read(file)));
    expect(found).toEqual([]);
    const uncommented = workflows.flatMap((file) =>
      read(file)
        .split('\n')
        .map((text, i) => ({ file, line: i + 1, text: text.trim() }))
        .filter(({ text }) => /^(-\s+)?uses:\s+[^.]\S*@[0-9a-f]{40}/.test(text) && !/#\s*v\d/.test(text)),
    );
    expect(uncommented).toEqual([]);
  });

  it('pastes no expression into a run: script (values go through env:)', () => {
    expect(workflows.flatMap((file) => expressionsInRun(file, read(file)))).toEqual([]);
  });

  it('sets top-level permissions and grants no job write-all', () => {
    expect(workflows.flatMap((file) => missingPermissions(file, read(file)))).toEqual([]);
  });

  it('gives every job a timeout', () => {
    const missing = workflows.flatMap((file) => {
      const { jobs } = parse(read(file)) as { jobs: Record<string, Record<string, unknown>> };
      return Object.entries(jobs)
        .filter(([, job]) => job['uses'] === undefined && typeof job['timeout-minutes'] !== 'number')
        .map(([id]) => `${file}: ${id}`);
    });
    expect(missing).toEqual([]);
  });
});

describe('actionlint', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gameday-workflows-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails a script injection, naming the file and the line', () => {
    writeFileSync(
      path.join(dir, 'inject.yml'),
      [
        'name: inject',
        'on: pull_request',
        'permissions: {}',
        'jobs:',
        '  greet:',
        '    runs-on: ubuntu-24.04',
        '    timeout-minutes: 5',
        '    steps:',
        '      - run: echo "${{ github.event.pull_request.title }}"',
        '',
      ].join('\n'),
    );
    const { status, output } = lint(dir, ['inject.yml']);
    expect(status).toBe(1);
    expect(output).toMatch(
      /^inject\.yml:9:\d+: "github\.event\.pull_request\.title" is potentially untrusted/m,
    );
  });
});

describe('unpinnedActions', () => {
  const text = [
    'name: bad',
    'on: push',
    'permissions: {}',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-24.04',
    '    steps:',
    '      - uses: actions/checkout@v5',
    '      - uses: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0',
    '      - uses: ./.github/actions/local',
    '      - name: a docker action by tag',
    '        uses: docker://alpine:3.22',
    '      - run: echo hi',
    '  reuse:',
    '    uses: octo/workflows/.github/workflows/build.yml@main',
    '',
  ].join('\n');

  it('reports each unpinned uses with its file and line', () => {
    expect(unpinnedActions('bad.yml', text)).toEqual([
      { file: 'bad.yml', line: 8, uses: 'actions/checkout@v5' },
      { file: 'bad.yml', line: 12, uses: 'docker://alpine:3.22' },
      { file: 'bad.yml', line: 15, uses: 'octo/workflows/.github/workflows/build.yml@main' },
    ]);
  });

  it('reports a short SHA as unpinned', () => {
    expect(
      unpinnedActions('short.yml', text.replace('820762786026740c76f36085b0efc47a31fe5020', '8207627')),
    ).toEqual(expect.arrayContaining([{ file: 'short.yml', line: 9, uses: 'actions/setup-node@8207627' }]));
  });

  it('names the line of a YAML syntax error', () => {
    expect(() => unpinnedActions('broken.yml', 'jobs:\n  a: [\n')).toThrow(/^broken\.yml:\d+: /);
  });
});

describe('expressionsInRun', () => {
  it('reports each expression in a run: script with its line, also inputs.* that actionlint lets through', () => {
    const text = [
      'on: workflow_dispatch',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '      - env:',
      '          WHO: ${{ inputs.who }}',
      '        run: |',
      '          echo "$WHO"',
      '          deploy --to "${{ inputs.environment }}"',
      '',
    ].join('\n');
    expect(expressionsInRun('paste.yml', text)).toEqual([
      { file: 'paste.yml', line: 7, expression: '${{ github.event.pull_request.title }}' },
      { file: 'paste.yml', line: 12, expression: '${{ inputs.environment }}' },
    ]);
  });
});

describe('missingPermissions', () => {
  it('reports a workflow without top-level permissions', () => {
    expect(missingPermissions('none.yml', 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n')).toEqual([
      { file: 'none.yml', line: 1, problem: expect.stringMatching(/no top-level permissions/) },
    ]);
  });

  it('reports write-all and jobs that inherit top-level writes', () => {
    const text = [
      'on: push',
      'permissions:',
      '  contents: write',
      'jobs:',
      '  inherits:',
      '    runs-on: ubuntu-24.04',
      '  everything:',
      '    runs-on: ubuntu-24.04',
      '    permissions: write-all',
      '  scoped:',
      '    runs-on: ubuntu-24.04',
      '    permissions:',
      '      contents: read',
      '',
    ].join('\n');
    expect(missingPermissions('writes.yml', text)).toEqual([
      {
        file: 'writes.yml',
        line: 5,
        problem: expect.stringMatching(/job inherits: no permissions of its own/),
      },
      { file: 'writes.yml', line: 9, problem: 'job everything: permissions: write-all' },
    ]);
  });

  it('accepts read-only top-level permissions with jobs that inherit them', () => {
    const text = 'on: push\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: ubuntu-24.04\n';
    expect(missingPermissions('ok.yml', text)).toEqual([]);
    expect(missingPermissions('top.yml', 'on: push\npermissions: write-all\njobs: {}\n')).toEqual([
      { file: 'top.yml', line: 2, problem: 'top-level permissions: write-all' },
    ]);
  });
});
