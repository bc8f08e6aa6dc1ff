#!/usr/bin/env node
// `npm run gameday [-- <file|dir>]`: a game day on this machine. Brings the local stack up unless it
// already runs, puts a steady k6 load of its own on the gateway, runs the catalogue
// (chaos/experiments) one experiment after the other — each waits up to GAMEDAY_ADMISSION_WAIT
// (default 6m) for the previous one's burn to settle before it is refused — and writes the summary
// table (experiment, verdict, budget consumed, detection, recovery, alerts fired) next to the
// reports. Stops the load, and the stack if it started it. Exit code: the worst verdict's.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultStateFile, stackHome } from '@gameday/stack/state-file';
import type { StackState } from '@gameday/stack/state-file';
import { parseDuration } from './duration';
import { readStackState } from './engines/local';
import { summaryTable, writeSummary } from './report';
import { EXIT, runChaos } from './run';

const root = resolve(__dirname, '..', '..');
const env = process.env;
const say = (line: string) => process.stderr.write(`\x1b[36m[gameday]\x1b[0m ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function running(stateFile: string): StackState | undefined {
  try {
    return readStackState(stateFile);
  } catch {
    return undefined;
  }
}

async function startStack(stateFile: string): Promise<{ child: ChildProcess; state: StackState }> {
  const home = stackHome(root, env);
  mkdirSync(home, { recursive: true });
  const log = join(home, 'gameday-stack.log');
  say(`no local stack running: starting it (node stack/dist/main.js, output in ${log})…`);
  const out = openSync(log, 'a');
  const child = spawn(process.execPath, [join(root, 'stack', 'dist', 'main.js')], {
    cwd: root,
    env: { ...env, GAMEDAY_STATUS_INTERVAL_MS: '0' },
    stdio: ['ignore', out, out],
  });
  const deadline = Date.now() + 10 * 60_000;
  let shown = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the stack exited with ${child.exitCode}; see ${log}`);
    const s = running(stateFile);
    if (s && s.pid === child.pid) {
      const started = s.components.filter((c) => c.state !== 'skipped' && c.kind !== 'supervisor');
      const ready = started.filter((c) => c.state === 'ready').length;
      const line = `${ready}/${started.length} components ready`;
      if (line !== shown) say((shown = line));
      if (ready === started.length) return { child, state: s };
    }
    await sleep(1000);
  }
  child.kill('SIGTERM');
  throw new Error(`the stack was not up within 10 minutes; see ${log}`);
}

async function main(): Promise<number> {
  const target = resolve(process.argv[2] ?? join(root, 'chaos', 'experiments'));
  const stateFile = defaultStateFile(root, env);
  let state = running(stateFile);
  let ours: ChildProcess | undefined;
  if (state) say(`using the running local stack (supervisor pid ${state.pid})`);
  else ({ child: ours, state } = await startStack(stateFile));

  const abort = new AbortController();
  const stopAll = () => {
    say('interrupted: rolling back the current fault, then stopping…');
    abort.abort();
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);

  // The game day's own load: k6's steady scenario (bounded: 90 minutes at most).
  const gateway = state.components.find((c) => c.name === 'gateway')?.url;
  if (!gateway) throw new Error('the stack has no gateway: cannot put load on it');
  const home = stackHome(root, env);
  const loadLog = join(home, 'logs', 'gameday-load.log');
  mkdirSync(join(home, 'logs'), { recursive: true });
  const loadOut = openSync(loadLog, 'a');
  say(`k6 steady load on ${gateway} (log: ${loadLog})`);
  const load = spawn(
    process.execPath,
    [join(root, 'scripts', 'load.mjs'), 'steady', '--summary-mode=disabled'],
    {
      cwd: root,
      env: {
        ...env,
        GATEWAY_URL: gateway,
        STEADY_DURATION: '90m',
        K6_NO_THRESHOLDS: '1',
        ADMIN_EMAIL: 'k6-load@gameday.local',
      },
      stdio: ['ignore', loadOut, loadOut],
    },
  );
  const warmup = parseDuration(env.GAMEDAY_WARMUP || '30s');
  say(`warming up for ${warmup}s so every SLI has data…`);
  await sleep(warmup * 1000);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const reportsDir = join(home, 'chaos', `gameday-${stamp}`);
  let exitCode: number = EXIT.couldNotRun;
  try {
    const result = await runChaos({
      target,
      engine: 'local',
      dryRun: false,
      root,
      cwd: process.cwd(),
      env,
      out: { stdout: () => undefined, stderr: (t) => process.stderr.write(t) },
      reportsDir,
      signal: abort.signal,
      admissionWaitSeconds: parseDuration(env.GAMEDAY_ADMISSION_WAIT || '6m'),
    });
    exitCode = result.exitCode;
    const table = summaryTable(result.rows);
    const summary = await writeSummary(reportsDir, `Game day ${new Date().toISOString()}`, result.rows);
    process.stdout.write(`\n${table}\n`);
    say(`summary: ${summary}`);
  } finally {
    load.kill('SIGTERM');
    if (ours) {
      say('stopping the stack this game day started…');
      ours.kill('SIGTERM');
      await new Promise((r) => (ours!.exitCode !== null ? r(undefined) : ours!.once('exit', r)));
    }
  }
  return exitCode;
}

if (!existsSync(join(root, 'stack', 'dist', 'main.js'))) {
  process.stderr.write('stack/dist/main.js is missing: build first (npm run gameday does: tsc -b)\n');
  process.exit(EXIT.couldNotRun);
}
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`\x1b[31m[gameday] ${(err as Error).message}\x1b[0m\n`);
    process.exit(EXIT.couldNotRun);
  },
);
