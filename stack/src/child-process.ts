// Running one child: its own process group (so a stop also reaches grandchildren, and a Ctrl-C in
// the terminal reaches only the supervisor), stdout and stderr appended straight to its log file
// (a file descriptor, not a pipe: the child keeps logging even if the supervisor dies).

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import type { Command } from './component';

export interface RunningChild {
  pid: number;
  process: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Variables a child never inherits from the stack's own environment: each child gets its own
 * values (or none) from its registry entry.
 */
const perChild = [
  'PORT',
  'DATABASE_URL',
  'OTEL_SERVICE_NAME',
  'KAFKA_BROKERS',
  'JWT_PRIVATE_KEY',
  'JWT_PUBLIC_KEY',
];

export function inheritedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || perChild.includes(k) || k.startsWith('GAMEDAY_') || k.startsWith('npm_')) continue;
    out[k] = v;
  }
  return out;
}

/** One JSON line, like the services' own, so the log file stays parseable line by line. */
export function appendLogLine(logFile: string, message: string): void {
  const fd = openSync(logFile, 'a');
  try {
    writeSync(
      fd,
      JSON.stringify({ timestamp: new Date().toISOString(), level: 'info', service: 'stack', message }) +
        '\n',
    );
  } finally {
    closeSync(fd);
  }
}

export function spawnChild(
  cmd: Command,
  baseEnv: Record<string, string>,
  logFile: string,
): Promise<RunningChild> {
  const fd = openSync(logFile, 'a');
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(cmd.command, cmd.args, {
        cwd: cmd.cwd,
        env: { ...baseEnv, ...cmd.env },
        stdio: ['ignore', fd, fd],
        detached: true,
        uid: cmd.uid,
        gid: cmd.gid,
      });
    } catch (err) {
      closeSync(fd);
      reject(err);
      return;
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
      child.once('exit', (code, signal) => res({ code, signal })),
    );
    child.once('error', (err) => {
      closeSync(fd);
      reject(new Error(`could not start ${cmd.command}: ${err.message}`));
    });
    child.once('spawn', () => {
      // The child holds its own copy of the descriptor.
      closeSync(fd);
      resolve({ pid: child.pid!, process: child, exited });
    });
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signals a whole process group; false when none of it is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Graceful stop: `signal` to the group leader (the service drains; PostgreSQL's postmaster stops its
 * own backends), SIGKILL to the group after `timeoutMs`, then SIGKILL to whatever else is left in
 * the group (grandchildren that outlived their parent). Resolves how the leader ended.
 */
export async function stopChild(
  child: RunningChild,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<'graceful' | 'killed'> {
  let done = false;
  void child.exited.then(() => (done = true));
  signalPid(child.pid, signal);
  const deadline = Date.now() + timeoutMs;
  while (!done && Date.now() < deadline) await sleep(50);
  const how = done ? 'graceful' : 'killed';
  signalGroup(child.pid, 'SIGKILL');
  await child.exited;
  return how;
}

/** Stops a process group we only know by pid (one left behind by a crashed stack). */
export async function stopOrphan(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (!signalGroup(pid, signal)) signalPid(pid, signal);
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  signalGroup(pid, 'SIGKILL');
  signalPid(pid, 'SIGKILL');
  const hard = Date.now() + 2_000;
  while (isAlive(pid) && Date.now() < hard) await sleep(50);
}

/** How /proc shows a command line (see commandLineOf). */
export function commandLine(cmd: Command): string {
  return [cmd.command, ...cmd.args].filter(Boolean).join(' ');
}

/** The command line of a live process (Linux /proc), used to recognise our own orphans. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
}

/** The last `lines` lines of a log file, for error messages. */
export function tailFile(file: string, lines = 15): string[] {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r');
    try {
      const len = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      return buf.toString('utf8').split('\n').filter(Boolean).slice(-lines);
    } finally {
      closeSync(fd);
    }
  } catch {
    return [];
  }
}
