// Runs `node stack/dist/main.js` as a real child process for the tests, in a temporary GAMEDAY_HOME
// on shifted ports, and reads what it reports (stack.json, its console output, /proc).

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readState, stateFileIn } from '../src/state-file';
import type { StackState } from '../src/state-file';

export const root = resolve(__dirname, '..', '..');
const main = join(root, 'stack', 'dist', 'main.js');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function requireBuilt(files: string[]): void {
  for (const file of [main, ...files.map((f) => join(root, f))]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npx tsc -b\` before this test.`);
  }
}

/** A state directory PostgreSQL (running as the postgres user when we are root) can reach. */
export function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'gameday-stack-test-'));
  chmodSync(home, 0o755);
  return home;
}

/**
 * Far from the defaults; every port stays below 32768, where Linux hands out ephemeral ports (other
 * tests listen on port 0). The stack's default ports span 5433–9192 (the signal backends' are moved
 * inside it: compactSignalPorts), so two stacks whose offsets
 * differ by less than that can share a port (wallet's 8082 at one offset is the casino→wallet proxy's
 * 8282 at another, 200 lower). Test files in different jest workers run at the same time: each
 * worker draws from its own band, whose ports never meet the other's (worker 1: 10433–21342,
 * worker 2: 21433–32342). Files of one worker run one after another.
 */
export function randomOffset(): number {
  const worker = (Number(process.env.JEST_WORKER_ID ?? 1) - 1) % 2;
  return (worker === 0 ? 5_000 : 16_000) + Math.floor(Math.random() * 144) * 50;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every live process whose process group is one of `groups` (a child's grandchildren included). */
export function processesInGroups(groups: Iterable<number>): string[] {
  const wanted = new Set(groups);
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may contain spaces, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && wanted.has(Number(fields[2]))) found.push(stat.slice(0, 60));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/**
 * The trace and log backends' default ports (4318, 9428, 13133–16686) lie outside the 5433–9192 span
 * the worker bands of `randomOffset` are cut for: at an offset, Jaeger's 16685 of one stack met the
 * events service's 8085 of another. Tests move them into free numbers inside the span.
 */
export function compactSignalPorts(offset: number): Record<string, string> {
  const ports = {
    GAMEDAY_JAEGER_PORT: 7430,
    GAMEDAY_JAEGER_OTLP_PORT: 7431,
    GAMEDAY_JAEGER_GRPC_PORT: 7432,
    GAMEDAY_JAEGER_METRICS_PORT: 7433,
    GAMEDAY_JAEGER_HEALTH_PORT: 7434,
    GAMEDAY_VICTORIALOGS_PORT: 7428,
  };
  return Object.fromEntries(Object.entries(ports).map(([k, p]) => [k, String(p + offset)]));
}

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export class StackProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  output = '';
  /** When the stack was started (ms since the epoch). */
  readonly startedAt = Date.now();
  private exit: Exit | undefined;

  constructor(
    readonly home: string,
    readonly offset: number,
    extraEnv: Record<string, string> = {},
  ) {
    const env: Record<string, string | undefined> = {
      ...process.env,
      GAMEDAY_HOME: home,
      GAMEDAY_PORT_OFFSET: String(offset),
      GAMEDAY_STATUS_INTERVAL_MS: '0',
      ...compactSignalPorts(offset),
      ...extraEnv,
    };
    if (!('DATABASE_URL' in extraEnv)) delete env.DATABASE_URL;
    if (!('GAMEDAY_SKIP' in extraEnv)) delete env.GAMEDAY_SKIP;
    this.child = spawn(process.execPath, [main], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((r) =>
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        r(this.exit);
      }),
    );
    this.child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  state(): StackState | undefined {
    return readState(stateFileIn(this.home));
  }

  /** Polls until `check` returns a value; fails with the stack's output when it does not in time. */
  async until<T>(
    what: string,
    timeoutMs: number,
    check: () => T | undefined | Promise<T | undefined>,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      const why = this.exit ? `the stack exited (${this.exit.code ?? this.exit.signal})` : undefined;
      if (why || Date.now() > deadline) {
        throw new Error(`${what}: ${why ?? `not within ${timeoutMs} ms`}.\nstack output:\n${this.output}`);
      }
      await sleep(250);
    }
  }

  /** Resolves with the stack's state once every started component is ready and every service scraped. */
  waitUntilUp(timeoutMs = 150_000): Promise<StackState> {
    return this.until(
      'the stack did not report every component ready and every service scraped',
      timeoutMs,
      () => {
        const s = this.state();
        if (s?.state !== 'running' || s.pid !== this.child.pid) return undefined;
        const started = s.components.filter((c) => c.state !== 'skipped');
        if (!started.every((c) => c.state === 'ready' && c.pid !== null)) return undefined;
        const services = started.filter((c) => c.kind === 'service');
        if (!services.every((c) => s.targets[c.name]?.health === 'up')) return undefined;
        return s;
      },
    );
  }

  /** The exit, or 'timeout'. */
  async waitForExit(timeoutMs: number): Promise<Exit | 'timeout'> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Cleanup after a failed test: SIGKILL the stack and every process group it reported. */
  killEverything(pids: Iterable<number>): void {
    if (this.running) this.child.kill('SIGKILL');
    for (const pid of pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}
