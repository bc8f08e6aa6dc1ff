#!/usr/bin/env node
// The local stack's log agent: an OpenTelemetry Collector distribution (filelog receiver → OTLP/HTTP
// to VictoriaLogs) built with the collector builder from tools/otelcol/builder.yaml. The builder is
// pinned as a Go tool in tools/otelcol/go.mod (`go get -tool go.opentelemetry.io/collector/cmd/builder@v0.165.0`).
//
//   node scripts/otelcol.mjs         build it (once) and print its version
//   node scripts/otelcol.mjs path    build it (once) and print the binary's path (only that)
//
// Cache: GAMEDAY_OTELCOL_CACHE, default <repo>/node_modules/.cache/gameday-otelcol/<version>/build.
// A stamp beside the binary holds a hash of the manifest, go.mod and go.sum: changing any rebuilds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { goExecutable, repoRoot } from './k6.mjs';
import { goInstall, toolCommandLine } from './lib/go-install.mjs';

export const OTELCOL_BUILDER = 'go.opentelemetry.io/collector/cmd/builder';
export const OTELCOL_VERSION = 'v0.165.0';

const defaultProgress = (msg) => process.stderr.write(`\x1b[36m[otelcol]\x1b[0m ${msg}\n`);

export class OtelcolSetupError extends Error {}

function manifestPath(root) {
  return join(root, 'tools', 'otelcol', 'builder.yaml');
}

function manifestHash(root) {
  const h = createHash('sha256');
  for (const f of ['builder.yaml', 'go.mod', 'go.sum'])
    h.update(readFileSync(join(root, 'tools', 'otelcol', f)));
  return h.digest('hex');
}

export function otelcolDir({ root = repoRoot, env = process.env } = {}) {
  const base = resolve(env.GAMEDAY_OTELCOL_CACHE ?? join(root, 'node_modules', '.cache', 'gameday-otelcol'));
  return join(base, OTELCOL_VERSION);
}

export function otelcolBinary(opts = {}) {
  return join(otelcolDir(opts), 'build', 'otelcol-gameday');
}

/** Its version line, or undefined when it does not run or was built from another manifest. */
export function otelcolVersion(bin, root = repoRoot) {
  if (!existsSync(bin)) return undefined;
  const stamp = join(bin, '..', '..', 'manifest.sha256');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== manifestHash(root)) return undefined;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? (r.stdout || r.stderr).trim().split('\n')[0] : undefined;
}

export function ensureOtelcol({ root = repoRoot, progress = defaultProgress, env = process.env } = {}) {
  const dir = otelcolDir({ root, env });
  const bin = join(dir, 'build', 'otelcol-gameday');
  if (!otelcolVersion(bin, root)) {
    // The builder's manifest, with the output path pointing into the cache.
    mkdirSync(dir, { recursive: true });
    const manifest = readFileSync(manifestPath(root), 'utf8').replace(
      /^(\s*output_path:).*$/m,
      `$1 ${JSON.stringify(join(dir, 'build'))}`,
    );
    writeFileSync(join(dir, 'builder.yaml'), manifest);
  }
  return goInstall({
    go: () => goExecutable(env),
    module: OTELCOL_BUILDER,
    version: OTELCOL_VERSION,
    dir,
    bin,
    works: (b) => otelcolVersion(b, root),
    // The builder wrote the binary: stamp it with the manifest it was built from.
    afterBuild: () => writeFileSync(join(dir, 'manifest.sha256'), manifestHash(root)),
    env,
    progress,
    name: 'otelcol-gameday',
    SetupError: OtelcolSetupError,
    rerun: 'node scripts/otelcol.mjs',
    timeoutMinutes: 30,
    goArgs: ['tool', 'builder', '--config', join(dir, 'builder.yaml')],
    cwd: join(root, 'tools', 'otelcol'),
    announce:
      `building the log agent (OpenTelemetry Collector builder ${OTELCOL_VERSION}, tools/otelcol/builder.yaml): ` +
      'the first build fetches ~250 modules and compiles for a few minutes (3 to 10 on 2 cores); later runs reuse it…',
  });
}

toolCommandLine(import.meta.url, {
  name: 'otelcol',
  ensure: ensureOtelcol,
  version: otelcolVersion,
  SetupError: OtelcolSetupError,
});
