#!/usr/bin/env node
// A real Kubernetes API server for the tests: kube-apiserver (k8s.io/kubernetes v1.37.2) and the etcd
// it stores into (go.etcd.io/etcd/server/v3 v3.7.3), built from source with the Go toolchain, once,
// into a cache. Neither can be had with `go install pkg@version`, because both go.mod files have
// `replace` directives, so each is named as a tool by a small module under tools/:
//   tools/kube-apiserver: requires k8s.io/kubernetes and maps each of its staging modules
//     (k8s.io/api, k8s.io/apiserver, … which its own go.mod replaces with ./staging/src/k8s.io/<name>)
//     to the published module of the same release, v0.37.2;
//   tools/etcd: requires go.etcd.io/etcd/server/v3, whose module root is the etcd program.
// go.mod and go.sum pin every dependency, and the builds use exactly those (-mod=readonly).
//
//   node scripts/kube.mjs                          build both (once) and print their versions
//   node scripts/kube.mjs path kube-apiserver|etcd build that one (once) and print its path (only that)
//
// Cache: GAMEDAY_KUBE_CACHE, default <repo>/node_modules/.cache/gameday-kube, holding
// kube-apiserver-<version>/bin/kube-apiserver and etcd-<version>/bin/etcd.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goExecutable, repoRoot } from './k6.mjs';
import { goInstall } from './lib/go-install.mjs';

/** k8s.io/kubernetes; tools/kube-apiserver/go.mod maps its staging modules to v0.<minor>.<patch>. */
export const KUBE_VERSION = 'v1.37.2';
export const KUBE_STAGING_VERSION = 'v0.37.2';
export const KUBE_APISERVER_PACKAGE = 'k8s.io/kubernetes/cmd/kube-apiserver';
/** go.etcd.io/etcd/server/v3: the module's root package is the etcd program. */
export const ETCD_VERSION = 'v3.7.3';
export const ETCD_PACKAGE = 'go.etcd.io/etcd/server/v3';

export const KUBE_TOOLS = ['kube-apiserver', 'etcd'];

const defaultProgress = (msg) => process.stderr.write(`\x1b[36m[kube]\x1b[0m ${msg}\n`);

export class KubeSetupError extends Error {}

function cacheBase({ root = repoRoot, env = process.env } = {}) {
  return resolve(env.GAMEDAY_KUBE_CACHE ?? join(root, 'node_modules', '.cache', 'gameday-kube'));
}

export function kubeApiserverBinary(opts = {}) {
  return join(cacheBase(opts), `kube-apiserver-${KUBE_VERSION}`, 'bin', 'kube-apiserver');
}

export function etcdBinary(opts = {}) {
  return join(cacheBase(opts), `etcd-${ETCD_VERSION}`, 'bin', 'etcd');
}

function versionOutput(bin) {
  if (!existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? `${r.stdout}${r.stderr}` : undefined;
}

/** "kube-apiserver v1.37.2" when `kube-apiserver --version` says "Kubernetes v1.37.2", else undefined. */
export function kubeApiserverVersion(bin) {
  const m = /^Kubernetes (v\S+)/m.exec(versionOutput(bin) ?? '');
  return m?.[1] === KUBE_VERSION ? `kube-apiserver ${KUBE_VERSION}` : undefined;
}

/** "etcd v3.7.3" when `etcd --version` says "etcd Version: 3.7.3", else undefined. */
export function etcdVersion(bin) {
  const m = /^etcd Version: (\S+)/m.exec(versionOutput(bin) ?? '');
  return m && `v${m[1]}` === ETCD_VERSION ? `etcd ${ETCD_VERSION}` : undefined;
}

// -s -w: no symbol table or DWARF (a smaller binary; the tests need no debugger). -trimpath: no
// paths of this machine in it.
const commonFlags = ['build', '-mod=readonly', '-trimpath'];

export function ensureKubeApiserver({ root = repoRoot, progress = defaultProgress, env = process.env } = {}) {
  const bin = kubeApiserverBinary({ root, env });
  const [major, minor] = KUBE_VERSION.slice(1).split('.');
  return goInstall({
    go: () => goExecutable(env),
    module: KUBE_APISERVER_PACKAGE,
    version: KUBE_VERSION,
    dir: join(bin, '..', '..'),
    bin,
    works: kubeApiserverVersion,
    env,
    progress,
    name: 'kube-apiserver',
    SetupError: KubeSetupError,
    rerun: 'node scripts/kube.mjs path kube-apiserver',
    // How long a second process waits for the build another one holds the lock for.
    timeoutMinutes: 90,
    goArgs: [
      ...commonFlags,
      // The version `--version` and /version report, and from which the server derives its
      // compatibility version (a build without it says v0.0.0-master).
      '-ldflags=-s -w' +
        ` -X k8s.io/component-base/version.gitVersion=${KUBE_VERSION}` +
        ` -X k8s.io/component-base/version.gitMajor=${major}` +
        ` -X k8s.io/component-base/version.gitMinor=${minor}` +
        ' -X k8s.io/component-base/version.gitTreeState=clean',
      '-o',
      bin,
      KUBE_APISERVER_PACKAGE,
    ],
    cwd: join(root, 'tools', 'kube-apiserver'),
    announce:
      `building kube-apiserver ${KUBE_VERSION} from tools/kube-apiserver (go build ${KUBE_APISERVER_PACKAGE}): ` +
      'the first build fetches ~170 modules (~570 MB) and compiles ~2,100 packages: about 9 minutes of ' +
      'CPU (5 to 10 minutes on 2 cores, more on a busy machine), up to 2.4 GB of memory and 2.7 GB of ' +
      'Go build cache; later runs reuse it…',
  });
}

export function ensureEtcd({ root = repoRoot, progress = defaultProgress, env = process.env } = {}) {
  const bin = etcdBinary({ root, env });
  return goInstall({
    go: () => goExecutable(env),
    module: ETCD_PACKAGE,
    version: ETCD_VERSION,
    dir: join(bin, '..', '..'),
    bin,
    works: etcdVersion,
    env,
    progress,
    name: 'etcd',
    SetupError: KubeSetupError,
    rerun: 'node scripts/kube.mjs path etcd',
    timeoutMinutes: 30,
    goArgs: [
      ...commonFlags,
      // etcd's own build sets the commit here; a module download has none, so say where it came from.
      `-ldflags=-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=module-${ETCD_VERSION}`,
      '-o',
      bin,
      ETCD_PACKAGE,
    ],
    cwd: join(root, 'tools', 'etcd'),
    announce:
      `building etcd ${ETCD_VERSION} from tools/etcd (go build ${ETCD_PACKAGE}): the first build fetches ` +
      '~75 modules and compiles for a minute or two (80 s of CPU); later runs reuse it…',
  });
}

const tools = {
  'kube-apiserver': { ensure: ensureKubeApiserver, version: kubeApiserverVersion },
  etcd: { ensure: ensureEtcd, version: etcdVersion },
};

/** Builds (when needed) the named tool, 'kube-apiserver' or 'etcd', and returns its path. */
export function ensureKubeTool(name, opts = {}) {
  const tool = tools[name];
  if (!tool) throw new KubeSetupError(`unknown tool ${name}: use ${KUBE_TOOLS.join(' or ')}`);
  return tool.ensure(opts);
}

function main(args) {
  const [cmd = 'version', name] = args;
  if (cmd === 'path') {
    if (!name)
      throw new KubeSetupError(`path needs a tool: node scripts/kube.mjs path ${KUBE_TOOLS.join('|')}`);
    return ensureKubeTool(name);
  }
  if (cmd !== 'version')
    throw new KubeSetupError(`unknown command ${cmd}: use version, or path ${KUBE_TOOLS.join('|')}`);
  const names = name ? [name] : KUBE_TOOLS;
  return names
    .map((n) => {
      const bin = ensureKubeTool(n);
      return tools[n].version(bin);
    })
    .join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${main(process.argv.slice(2))}\n`);
  } catch (err) {
    process.stderr.write(
      `\x1b[31m[kube] error: ${err instanceof KubeSetupError ? err.message : err.stack}\x1b[0m\n`,
    );
    process.exit(1);
  }
}
