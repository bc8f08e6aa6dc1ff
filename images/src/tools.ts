// The programs the image build runs, found on PATH, with errors that say how to get them; and a
// runner that keeps a command's output for the error message.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export class ImageBuildError extends Error {}

const DEBIAN: Record<string, string> = {
  buildah: 'buildah',
  mmdebstrap: 'mmdebstrap',
  'docker-registry': 'docker-registry',
};

export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const file = join(dir, name);
    if (dir && existsSync(file)) return file;
  }
  return undefined;
}

/** A Debian-packaged tool, or an error naming the package and the bootstrap that installs it. */
export function debianTool(name: keyof typeof DEBIAN | string, env: NodeJS.ProcessEnv = process.env): string {
  const found = which(name, env);
  if (found) return found;
  const pkg = DEBIAN[name] ?? name;
  throw new ImageBuildError(
    `${name} is not installed: images are built without Docker, with Debian's ${pkg}. ` +
      `Run \`node scripts/bootstrap.mjs --system\` (or \`apt-get install ${pkg}\`) and try again.`,
  );
}

/** A Go tool the project builds (actionlint, cosign, gitleaks): scripts/supply-chain-tools.mjs. */
export function goTool(root: string, name: 'cosign' | 'actionlint' | 'gitleaks'): string {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'supply-chain-tools.mjs'), 'path', name], {
    cwd: root,
    encoding: 'utf8',
  });
  const path = r.stdout.trim();
  if (r.status !== 0 || !path) {
    throw new ImageBuildError(
      `${name} could not be built: ${r.stderr.trim() || `exit ${r.status}`}. Run \`node scripts/supply-chain-tools.mjs\` to see why.`,
    );
  }
  return resolve(path);
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command; rejects with its last output lines when it fails. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; what?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    const timer = opts.timeoutMs
      ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs).unref()
      : undefined;
    child.on('error', (e) => reject(new ImageBuildError(`${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) return resolvePromise({ stdout, stderr });
      const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-25).join('\n');
      reject(
        new ImageBuildError(
          `${opts.what ?? `${cmd} ${args.slice(0, 3).join(' ')}`} failed (exit ${code ?? signal}):\n${tail}`,
        ),
      );
    });
  });
}

/** buildah's storage flags: vfs (no overlay here), and the store GAMEDAY_BUILDAH_ROOT/RUNROOT name. */
export function buildahStorageArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const args = ['--storage-driver', env.GAMEDAY_BUILDAH_STORAGE_DRIVER ?? 'vfs'];
  if (env.GAMEDAY_BUILDAH_ROOT) args.push('--root', env.GAMEDAY_BUILDAH_ROOT);
  if (env.GAMEDAY_BUILDAH_RUNROOT) args.push('--runroot', env.GAMEDAY_BUILDAH_RUNROOT);
  return args;
}

/** buildah as root without a daemon: chroot isolation and the vfs storage driver (no overlay here). */
export class Buildah {
  readonly bin: string;
  constructor(
    readonly env: NodeJS.ProcessEnv = process.env,
    bin?: string,
  ) {
    this.bin = bin ?? debianTool('buildah', env);
  }

  get globalArgs(): string[] {
    return buildahStorageArgs(this.env);
  }

  run(args: readonly string[], what?: string, timeoutMs?: number): Promise<RunResult> {
    return run(this.bin, [...this.globalArgs, ...args], {
      env: { ...this.env, BUILDAH_ISOLATION: 'chroot' },
      what: what ?? `buildah ${args[0]}`,
      timeoutMs,
    });
  }
}
