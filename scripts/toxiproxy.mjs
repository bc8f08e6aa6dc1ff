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
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goExecutable, repoRoot } from './k6.mjs';
import { withLock } from './lib/lock.mjs';

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
  if (toxiproxyVersion(bin)) return bin;
  const dir = join(bin, '..', '..');
  mkdirSync(dir, { recursive: true });
  return withLock(
    join(dir, '.lock'),
    {
      progress,
      what: 'build of toxiproxy',
      timeoutMinutes: 10,
      pollMs: 500,
      timeoutError: (m) => new ToxiproxySetupError(m),
    },
    () => {
      if (toxiproxyVersion(bin)) return bin;
      const go = goExecutable(env);
      progress(
        `building toxiproxy ${TOXIPROXY_VERSION} (go install ${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION}), under a minute…`,
      );
      const r = spawnSync(go, ['install', `${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION}`], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...env,
          GOBIN: join(dir, 'bin'),
          CGO_ENABLED: '0',
          GOFLAGS: `${env.GOFLAGS ?? ''} -buildvcs=false`.trim(),
        },
        maxBuffer: 64 * 1024 * 1024,
      });
      if (r.status !== 0) {
        throw new ToxiproxySetupError(
          `building toxiproxy failed (go exit ${r.status ?? r.signal ?? r.error}):\n${`${r.stdout}${r.stderr}`.trim().split('\n').slice(-20).join('\n')}\n` +
            'Check that the Go module proxy is reachable (go env GOPROXY), then run again: node scripts/toxiproxy.mjs',
        );
      }
      const version = toxiproxyVersion(bin);
      if (!version) throw new ToxiproxySetupError(`go install succeeded but ${bin} does not run.`);
      progress(`${version} built: ${bin}`);
      return bin;
    },
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const [cmd = 'version'] = process.argv.slice(2);
    if (cmd !== 'path' && cmd !== 'version')
      throw new ToxiproxySetupError(`unknown command ${cmd}: use path or version`);
    const bin = ensureToxiproxy();
    process.stdout.write((cmd === 'path' ? bin : toxiproxyVersion(bin)) + '\n');
  } catch (err) {
    process.stderr.write(
      `\x1b[31m[toxiproxy] error: ${err instanceof ToxiproxySetupError ? err.message : err.stack}\x1b[0m\n`,
    );
    process.exit(1);
  }
}
