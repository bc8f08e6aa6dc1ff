#!/usr/bin/env node
// Toxiproxy, the TCP fault proxy of the local chaos engine (latency, reset, blackhole, bandwidth in
// front of PostgreSQL, Kafka and service-to-service edges), built from source with the Go toolchain
// like k6: `go install github.com/Shopify/toxiproxy/v2/cmd/server@<version>`, once, into a cache.
//
//   node scripts/toxiproxy.mjs         build it (once) and print its version
//   node scripts/toxiproxy.mjs path    build it (once) and print the binary's path (only that)
//
// Cache: GAMEDAY_TOXIPROXY_CACHE, default <repo>/node_modules/.cache/gameday-toxiproxy/<version>/bin.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { goExecutable, repoRoot } from './k6.mjs';
import { goInstall, toolCommandLine } from './lib/go-install.mjs';

export const TOXIPROXY_VERSION = 'v2.5.0';
export const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2/cmd/server';

const defaultProgress = (msg) => process.stderr.write(`\x1b[36m[toxiproxy]\x1b[0m ${msg}\n`);

export class ToxiproxySetupError extends Error {}

export function toxiproxyBinary({ root = repoRoot, env = process.env } = {}) {
  const base = resolve(
    env.GAMEDAY_TOXIPROXY_CACHE ?? join(root, 'node_modules', '.cache', 'gameday-toxiproxy'),
  );
  return join(base, TOXIPROXY_VERSION, 'bin', 'server');
}

export function toxiproxyVersion(bin) {
  if (!existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? `toxiproxy ${(r.stdout || r.stderr).trim()}` : undefined;
}

export function ensureToxiproxy({ root = repoRoot, progress = defaultProgress, env = process.env } = {}) {
  const bin = toxiproxyBinary({ root, env });
  return goInstall({
    go: () => goExecutable(env),
    module: TOXIPROXY_MODULE,
    version: TOXIPROXY_VERSION,
    dir: join(bin, '..', '..'),
    bin,
    works: toxiproxyVersion,
    env,
    progress,
    name: 'toxiproxy',
    SetupError: ToxiproxySetupError,
    rerun: 'node scripts/toxiproxy.mjs',
    timeoutMinutes: 10,
    announce: `building toxiproxy ${TOXIPROXY_VERSION} (go install ${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION}), under a minute…`,
  });
}

toolCommandLine(import.meta.url, {
  name: 'toxiproxy',
  ensure: ensureToxiproxy,
  version: toxiproxyVersion,
  SetupError: ToxiproxySetupError,
});
