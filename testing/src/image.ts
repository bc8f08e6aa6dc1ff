// Runs a service from its container image instead of apps/<name>/dist/main.js: `buildah run` (chroot
// isolation, the host's network) starts the image's own ENTRYPOINT as its own USER in a working
// container, with /tmp as a tmpfs and the environment set on the container. Signals go to the node
// process itself (PID 1 in a pod), since buildah does not forward them.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
// Only the flags: the images package's index would load the file tracer into every test.
import { buildahStorageArgs } from '@gameday/images/tools';

export interface ImageProcess {
  child: ChildProcess;
  /** The image's node process (a descendant of buildah run), once it started. */
  mainPid(): number | undefined;
  kill(signal: NodeJS.Signals): void;
  /** Removes the working container (after the process exited). */
  cleanup(): void;
}

function buildah(args: string[], what: string): string {
  const r = spawnSync('buildah', [...buildahStorageArgs(process.env), ...args], {
    encoding: 'utf8',
    env: { ...process.env, BUILDAH_ISOLATION: 'chroot' },
  });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${r.stderr || r.error?.message}`);
  return r.stdout.trim();
}

/** Children of a process, from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Every process below `root` (breadth first). */
function descendants(root: number): number[] {
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const kids = childrenOf(queue.shift()!);
    out.push(...kids);
    queue.push(...kids);
  }
  return out;
}

function findNode(root: number): number | undefined {
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    try {
      const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
      if (pid !== root && /(^|\/)node$/.test(argv0)) return pid;
    } catch {
      continue;
    }
    queue.push(...childrenOf(pid));
  }
  return undefined;
}

export function startImage(
  name: string,
  image: string,
  env: Record<string, string>,
  stdio: ['ignore', number | 'pipe', number | 'pipe'],
): ImageProcess {
  const inspected = JSON.parse(
    buildah(['inspect', '--type', 'image', image], `buildah inspect ${image}`),
  ) as {
    OCIv1: { config?: { Entrypoint?: string[]; Cmd?: string[] } };
  };
  const config = inspected.OCIv1.config ?? {};
  const command = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (command.length === 0) throw new Error(`${image} has no ENTRYPOINT or CMD`);
  const container = `gameday-test-${name}-${randomBytes(4).toString('hex')}`;
  buildah(['from', '--quiet', '--pull=never', '--name', container, image], `buildah from ${image}`);
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  buildah(['config', ...envArgs, container], `buildah config ${container}`);
  const child = spawn(
    'buildah',
    [
      ...buildahStorageArgs(process.env),
      'run',
      '--isolation',
      'chroot',
      '--network',
      'host',
      '--mount',
      'type=tmpfs,destination=/tmp',
      container,
      '--',
      ...command,
    ],
    { stdio, env: { ...process.env, BUILDAH_ISOLATION: 'chroot' } },
  );
  let main: number | undefined;
  const mainPid = () => {
    if (main === undefined && child.pid !== undefined && child.exitCode === null) main = findNode(child.pid);
    return main;
  };
  return {
    child,
    mainPid,
    kill(signal) {
      const pid = mainPid();
      if (signal !== 'SIGKILL' && pid !== undefined) {
        try {
          process.kill(pid, signal);
          return;
        } catch {
          // exited meanwhile
        }
      }
      // SIGKILL (or no node process found): the whole tree, so nothing outlives buildah.
      if (child.pid !== undefined) {
        for (const p of descendants(child.pid).reverse()) {
          try {
            process.kill(p, signal);
          } catch {
            // gone
          }
        }
      }
      child.kill(signal);
    },
    cleanup() {
      spawnSync('buildah', [...buildahStorageArgs(process.env), 'rm', container], { stdio: 'ignore' });
    },
  };
}

/** The image a test runs for a service: GAMEDAY_TEST_IMAGES is a JSON map of service → image. */
export function testImageFor(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.GAMEDAY_TEST_IMAGES) return undefined;
  const map = JSON.parse(env.GAMEDAY_TEST_IMAGES) as Record<string, string>;
  return map[name];
}
