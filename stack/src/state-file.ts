// .gameday/stack.json: what runs where, for people (`cat .gameday/stack.json`) and tools (the chaos
// harness, `gameday trace|logs`, tests). Rewritten atomically on every change, so a reader never sees
// half a file. The one home of its shape and of how to find and read it: other packages import this
// module as `@gameday/stack/state-file` (light: it loads none of the stack's components).

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ComponentKind } from './component';
import type { SloRow } from './slo-integration';
import { commandLineOf, isAlive } from './child-process';

/** The state directory when GAMEDAY_HOME is not set, relative to the repository root. */
export const DEFAULT_HOME = '.gameday';
export const STATE_FILE_NAME = 'stack.json';

/** The state directory: GAMEDAY_HOME (relative to `root`), default <root>/.gameday. */
export function stackHome(root: string, env: Readonly<Record<string, string | undefined>>): string {
  return resolve(root, env.GAMEDAY_HOME || DEFAULT_HOME);
}

/** The state file of the stack whose state directory is `home`. */
export function stateFileIn(home: string): string {
  return join(home, STATE_FILE_NAME);
}

/** $GAMEDAY_HOME/stack.json, default <root>/.gameday/stack.json. */
export function defaultStateFile(root: string, env: Readonly<Record<string, string | undefined>>): string {
  return stateFileIn(stackHome(root, env));
}

export type ComponentState =
  'pending' | 'skipped' | 'starting' | 'ready' | 'unready' | 'backoff' | 'stopping' | 'stopped' | 'failed';

export interface ComponentRecord {
  name: string;
  kind: ComponentKind | 'supervisor';
  description: string;
  state: ComponentState;
  /** Why the component is skipped (state "skipped") or failed. */
  reason?: string;
  /** Also its process group id. null when not running. */
  pid: number | null;
  port: number | null;
  url: string | null;
  restarts: number;
  started_at: string | null;
  ready_at: string | null;
  log: string | null;
  /** The command line, to recognise a process left behind by a crashed stack. */
  command: string | null;
  /** Prometheus scrape-target health of the component's job: up, down, unknown; null when not scraped. */
  scrape: string | null;
}

export interface StackState {
  version: 1;
  state: 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
  pid: number;
  home: string;
  started_at: string;
  updated_at: string;
  prometheus: { url: string };
  alertmanager: { url: string };
  /** The trace backend (Jaeger): query API and OTLP/HTTP endpoint; absent when skipped. */
  traces?: { url: string; otlp: string };
  /** The log backend (VictoriaLogs): LogsQL API and ingestion; absent when skipped. */
  logs?: { url: string };
  /** The supervisor's own server: metrics and the Alertmanager webhook sink. */
  stack: { url: string; metrics: string; alerts: string };
  components: ComponentRecord[];
  /** Prometheus scrape-target health by job, from /api/v1/targets. */
  targets: Record<string, { health: string; last_error: string; last_scrape: string }>;
  /** Each SLO's objective, burn rates and remaining budget, read from Prometheus. */
  slos: SloRow[];
}

export function writeState(file: string, state: StackState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, file);
}

/** The state file as the stack last wrote it; undefined when there is none (or it is not JSON). */
export function readState(file: string): StackState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

/** A running stack's state, or what is wrong and what to do about it. */
export type RunningState = { state: StackState } | { problem: string; hint: string };

/** The state of a stack that runs now: the file says running and its supervisor is alive. */
export function readRunningState(file: string): RunningState {
  const state = readState(file);
  if (!state) {
    return {
      problem: existsSync(file)
        ? `no local stack: ${file} is not a stack state file`
        : `no local stack: ${file} does not exist`,
      hint: 'start it with `npm start` (or point --stack-state at its stack.json)',
    };
  }
  if (state.state !== 'running') {
    return {
      problem: `the local stack is ${state.state}, not running (${file})`,
      hint: 'start it with `npm start` and wait for the status table',
    };
  }
  if (!isAlive(state.pid)) {
    return {
      problem: `the local stack's supervisor (pid ${state.pid}) is gone; ${file} is stale`,
      hint: 'start the stack again with `npm start`',
    };
  }
  return { state };
}

export interface Leftovers {
  /** A supervisor that is still running with the same state directory. */
  supervisor: number | undefined;
  /** Children of a supervisor that died without stopping them. */
  orphans: { name: string; pid: number }[];
}

/** Which processes named in an old stack.json are still ours and alive (pid reuse is ruled out by the command line). */
export function findLeftovers(previous: StackState | undefined, self = process.pid): Leftovers {
  if (!previous) return { supervisor: undefined, orphans: [] };
  const supervisorCmd = commandLineOf(previous.pid);
  const supervisor =
    previous.pid !== self &&
    supervisorCmd !== undefined &&
    /stack[/\\](dist|src)[/\\]main/.test(supervisorCmd)
      ? previous.pid
      : undefined;
  const orphans = previous.components
    .filter((c) => c.kind !== 'supervisor' && c.pid !== null && isAlive(c.pid))
    .filter((c) => c.command !== null && commandLineOf(c.pid!) === c.command)
    .map((c) => ({ name: c.name, pid: c.pid! }));
  return { supervisor, orphans };
}
