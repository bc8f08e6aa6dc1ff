#!/usr/bin/env node
// Jaeger v2, the local stack's trace backend (OTLP/HTTP in, query API out; Apache-2.0), built from
// source with the Go toolchain. Its go.mod has `replace` directives, so `go install pkg@version`
// refuses it: tools/jaeger is a small Go module that names it as a tool (`go get -tool
// github.com/jaegertracing/jaeger/cmd/jaeger@v1.75.0`; go.mod and go.sum pin every dependency), and
// the binary is built from there, once, into a cache.
//
//   node scripts/jaeger.mjs         build it (once) and print its version
//   node scripts/jaeger.mjs path    build it (once) and print the binary's path (only that)
//
// Cache: GAMEDAY_JAEGER_CACHE, default <repo>/node_modules/.cache/gameday-jaeger/<version>/bin.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { goExecutable, repoRoot } from './k6.mjs';
import { goInstall, toolCommandLine } from './lib/go-install.mjs';

/** The Go module version of cmd/jaeger: v1.75.0 is the Jaeger v2.12.0 release. */
export const JAEGER_VERSION = 'v1.75.0';
export const JAEGER_RELEASE = 'v2.12.0';
export const JAEGER_PACKAGE = 'github.com/jaegertracing/jaeger/cmd/jaeger';

const defaultProgress = (msg) => process.stderr.write(`\x1b[36m[jaeger]\x1b[0m ${msg}\n`);

export class JaegerSetupError extends Error {}

export function jaegerBinary({ root = repoRoot, env = process.env } = {}) {
  const base = resolve(env.GAMEDAY_JAEGER_CACHE ?? join(root, 'node_modules', '.cache', 'gameday-jaeger'));
  return join(base, JAEGER_VERSION, 'bin', 'jaeger');
}

/** `jaeger version` (a JSON line with gitVersion), or undefined when the binary does not run. */
export function jaegerVersion(bin) {
  if (!existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) return undefined;
  const text = `${r.stdout}${r.stderr}`;
  const m = /"gitVersion":\s*"([^"]*)"/.exec(text);
  return m?.[1] === JAEGER_RELEASE ? `jaeger ${JAEGER_RELEASE} (module ${JAEGER_VERSION})` : undefined;
}

export function ensureJaeger({ root = repoRoot, progress = defaultProgress, env = process.env } = {}) {
  const bin = jaegerBinary({ root, env });
  return goInstall({
    go: () => goExecutable(env),
    module: JAEGER_PACKAGE,
    version: JAEGER_VERSION,
    dir: join(bin, '..', '..'),
    bin,
    works: jaegerVersion,
    env,
    progress,
    name: 'jaeger',
    SetupError: JaegerSetupError,
    rerun: 'node scripts/jaeger.mjs',
    timeoutMinutes: 30,
    // -mod=readonly: the build uses exactly what tools/jaeger/go.sum pins, or fails saying so.
    goArgs: [
      'build',
      '-mod=readonly',
      '-trimpath',
      // The version `jaeger version` prints and its build_info metric carries (v2.12.0 = module v1.75.0).
      `-ldflags=-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=${JAEGER_RELEASE}`,
      '-o',
      bin,
      JAEGER_PACKAGE,
    ],
    cwd: join(root, 'tools', 'jaeger'),
    announce:
      `building Jaeger ${JAEGER_VERSION} (v2) from tools/jaeger (go build ${JAEGER_PACKAGE}): the first build ` +
      'fetches ~600 modules and compiles for several minutes (5 to 15 on 2 cores); later runs reuse it…',
  });
}

toolCommandLine(import.meta.url, {
  name: 'jaeger',
  ensure: ensureJaeger,
  version: jaegerVersion,
  SetupError: JaegerSetupError,
});
