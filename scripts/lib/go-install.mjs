// `go install <module>@<version>` (or another go command, such as a build from a tools module under
// tools/) into a cache folder, for the Go tools the project builds from source (k6, Toxiproxy,
// Jaeger, VictoriaLogs, the log agent): one process builds while others wait on a lock, and a
// failed build says what to check. Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withLock } from './lock.mjs';

/**
 * Returns `bin` once `works(bin)` holds, building it into `<dir>/bin` otherwise.
 *   name:      what to call it in messages ("k6")
 *   SetupError: the error class to throw
 *   rerun:     the command to suggest after fixing a failure
 */
export function goInstall({
  go,
  module,
  version,
  dir,
  bin,
  works,
  env,
  progress,
  name,
  SetupError,
  rerun,
  timeoutMinutes,
  announce,
  // Instead of `go install <module>@<version>` in `dir`: these go arguments, run in `cwd`.
  goArgs,
  cwd,
  // Called after a successful build, before `works` is asked again.
  afterBuild,
}) {
  if (works(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  return withLock(
    join(dir, '.lock'),
    {
      progress,
      what: `build of ${name}`,
      timeoutMinutes,
      pollMs: 500,
      timeoutError: (m) => new SetupError(m),
    },
    () => {
      if (works(bin)) return bin; // built by the process we waited for
      const goBin = go();
      progress(announce);
      const began = Date.now();
      const r = spawnSync(goBin, goArgs ?? ['install', `${module}@${version}`], {
        cwd: cwd ?? dir,
        encoding: 'utf8',
        env: {
          ...env,
          // The go found here first on PATH: the collector builder runs `go` by name.
          PATH: [dirname(goBin), env.PATH].filter(Boolean).join(delimiter),
          GOBIN: join(dir, 'bin'),
          CGO_ENABLED: '0',
          GOFLAGS: `${env.GOFLAGS ?? ''} -buildvcs=false`.trim(),
        },
        maxBuffer: 64 * 1024 * 1024,
      });
      if (r.status !== 0) {
        const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
        const what = goArgs ? `go ${goArgs.join(' ')}` : 'go';
        throw new SetupError(
          `building ${name} failed (${what}: exit ${r.status ?? r.signal ?? r.error}):\n${out.split('\n').slice(-30).join('\n')}\n` +
            `Check that the Go module proxy is reachable (go env GOPROXY) and that Go is 1.24 or newer (go version), ` +
            `then run again: ${rerun}`,
        );
      }
      afterBuild?.(bin);
      const built = works(bin);
      if (!built) throw new SetupError(`go install succeeded but ${bin} does not run.`);
      progress(`${built} built in ${((Date.now() - began) / 1000).toFixed(1)} s: ${bin}`);
      return bin;
    },
  );
}

/**
 * The command line of a tool script run directly (`node scripts/<tool>.mjs [path|version]`): builds
 * the tool when needed, then prints its path or (the default) its version. Does nothing when the
 * script is imported. A setup error is printed as its message; anything else with its stack.
 */
export function toolCommandLine(moduleUrl, { name, ensure, version, SetupError }) {
  if (!process.argv[1] || resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  try {
    const [cmd = 'version'] = process.argv.slice(2);
    if (cmd !== 'path' && cmd !== 'version')
      throw new SetupError(`unknown command ${cmd}: use path or version`);
    const bin = ensure();
    process.stdout.write((cmd === 'path' ? bin : version(bin)) + '\n');
  } catch (err) {
    process.stderr.write(
      `\x1b[31m[${name}] error: ${err instanceof SetupError ? err.message : err.stack}\x1b[0m\n`,
    );
    process.exit(1);
  }
}
