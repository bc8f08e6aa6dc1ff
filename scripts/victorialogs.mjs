#!/usr/bin/env node
// VictoriaLogs, the local stack's log backend (Loki push API and OTLP logs in, LogsQL out;
// Apache-2.0), built from source with the Go toolchain like Toxiproxy:
// `go install github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@<version>`, once, into a cache.
//
//   node scripts/victorialogs.mjs         build it (once) and print its version
//   node scripts/victorialogs.mjs path    build it (once) and print the binary's path (only that)
//
// Cache: GAMEDAY_VICTORIALOGS_CACHE, default <repo>/node_modules/.cache/gameday-victorialogs/<version>/bin.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { goExecutable, repoRoot } from './k6.mjs';
import { goInstall, toolCommandLine } from './lib/go-install.mjs';

export const VICTORIALOGS_VERSION = 'v1.52.2';
export const VICTORIALOGS_MODULE = 'github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs';

const defaultProgress = (msg) => process.stderr.write(`\x1b[36m[victorialogs]\x1b[0m ${msg}\n`);

export class VictoriaLogsSetupError extends Error {}

export function victoriaLogsBinary({ root = repoRoot, env = process.env } = {}) {
  const base = resolve(
    env.GAMEDAY_VICTORIALOGS_CACHE ?? join(root, 'node_modules', '.cache', 'gameday-victorialogs'),
  );
  return join(base, VICTORIALOGS_VERSION, 'bin', 'victoria-logs');
}

export function victoriaLogsVersion(bin) {
  if (!existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  // Built without release ldflags it prints an empty version: the module version is what we know.
  return r.status === 0
    ? (r.stdout || r.stderr).trim().split('\n')[0] || `victoria-logs ${VICTORIALOGS_VERSION}`
    : undefined;
}

export function ensureVictoriaLogs({ root = repoRoot, progress = defaultProgress, env = process.env } = {}) {
  const bin = victoriaLogsBinary({ root, env });
  return goInstall({
    go: () => goExecutable(env),
    module: VICTORIALOGS_MODULE,
    version: VICTORIALOGS_VERSION,
    dir: join(bin, '..', '..'),
    bin,
    works: victoriaLogsVersion,
    env,
    progress,
    name: 'victoria-logs',
    SetupError: VictoriaLogsSetupError,
    rerun: 'node scripts/victorialogs.mjs',
    timeoutMinutes: 20,
    announce: `building VictoriaLogs ${VICTORIALOGS_VERSION} (go install ${VICTORIALOGS_MODULE}@${VICTORIALOGS_VERSION}), a minute or two…`,
  });
}

toolCommandLine(import.meta.url, {
  name: 'victorialogs',
  ensure: ensureVictoriaLogs,
  version: victoriaLogsVersion,
  SetupError: VictoriaLogsSetupError,
});
