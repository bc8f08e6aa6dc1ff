#!/usr/bin/env node
// k6, the load generator of load/, built from source with the Go toolchain (no prebuilt binary to
// download): `go install go.k6.io/k6@<version>` through the Go module proxy, once, into a cache.
//
//   node scripts/k6.mjs           build k6 (once) and print its version
//   node scripts/k6.mjs path      build k6 (once) and print the binary's path (only that, on stdout)
//
// Plain Node with no dependencies: scripts/bootstrap.mjs imports ensureK6() and scripts/load.mjs
// runs the binary it returns. Progress goes to stderr; stdout carries only the answer.
// Cache: GAMEDAY_K6_CACHE, default <repo>/node_modules/.cache/gameday-k6/<version>/bin (GOBIN); Go's
// own module and build caches (~/go, ~/.cache/go-build) make a rebuild after a wipe quicker.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goInstall, toolCommandLine } from './lib/go-install.mjs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The k6 release load/ is written for (k6 1.x runs TypeScript files directly). */
export const K6_VERSION = 'v1.8.1';
export const K6_MODULE = 'go.k6.io/k6';

const defaultProgress = (msg) => process.stderr.write(`\x1b[36m[k6]\x1b[0m ${msg}\n`);

export class K6SetupError extends Error {}

function which(name, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** go from GOROOT, else PATH, else the usual install location; the error says how to install it. */
export function goExecutable(env = process.env) {
  if (env.GOROOT && existsSync(join(env.GOROOT, 'bin', 'go'))) return join(env.GOROOT, 'bin', 'go');
  const found = which('go', env) ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (found) return found;
  throw new K6SetupError(
    'go not found: k6 is built from source with the Go toolchain (1.24 or newer). Install Go ' +
      '(apt-get install golang, or https://go.dev/doc/install) and run again: node scripts/k6.mjs',
  );
}

/** The cache directory holding bin/k6 for a version. */
export function k6CacheDir({ root = repoRoot, env = process.env, version = K6_VERSION } = {}) {
  const base = resolve(env.GAMEDAY_K6_CACHE ?? join(root, 'node_modules', '.cache', 'gameday-k6'));
  return join(base, version);
}

/** `k6 version` of a binary, or undefined when it does not run. */
export function k6Version(bin) {
  if (!existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) return undefined;
  return r.stdout.trim().split('\n')[0];
}

/**
 * Makes sure `<cache>/<version>/bin/k6` exists and runs (`k6 version`), building it with
 * `go install go.k6.io/k6@<version>` otherwise, and returns its path.
 */
export function ensureK6({ root = repoRoot, progress = defaultProgress, env = process.env } = {}) {
  const dir = k6CacheDir({ root, env });
  return goInstall({
    go: () => goExecutable(env),
    module: K6_MODULE,
    version: K6_VERSION,
    dir,
    bin: join(dir, 'bin', 'k6'),
    works: k6Version,
    env,
    progress,
    name: 'k6',
    SetupError: K6SetupError,
    rerun: 'node scripts/k6.mjs',
    timeoutMinutes: 20,
    announce:
      `building k6 ${K6_VERSION} from source (go install ${K6_MODULE}@${K6_VERSION}): ` +
      'the first build fetches ~150 modules and compiles for a few minutes (3 to 10 on 2 cores); later runs reuse it…',
  });
}

toolCommandLine(import.meta.url, {
  name: 'k6',
  ensure: ensureK6,
  version: k6Version,
  SetupError: K6SetupError,
});
