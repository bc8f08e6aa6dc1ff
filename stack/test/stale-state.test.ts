// What a new stack does with what an old one left behind in the same GAMEDAY_HOME: it stops the
// children of a supervisor that died without stopping them, and refuses to start beside a
// supervisor that is still running. Real processes throughout; the gateway and the trace and log backends are left out (GAMEDAY_SKIP)
// to keep it short, accounts stands for the services.

import { rmSync } from 'node:fs';
import {
  isAlive,
  processesInGroups,
  randomOffset,
  requireBuilt,
  StackProcess,
  tempHome,
} from './stack-process';

const home = tempHome();
const offset = randomOffset();
const env = {
  GAMEDAY_SKIP:
    'gateway,casino,wallet,pokemon,scheduler,pokeapi,events,leaderboard,jaeger,victorialogs,logagent',
};
const stacks: StackProcess[] = [];
const seenPids = new Set<number>();

function start(): StackProcess {
  const s = new StackProcess(home, offset, env);
  stacks.push(s);
  return s;
}

afterAll(() => {
  for (const s of stacks) s.killEverything(seenPids);
  rmSync(home, { recursive: true, force: true });
});

describe('a stack started over the leftovers of another', () => {
  let orphans: number[] = [];
  let second: StackProcess;

  it('stops the processes of a stack that was killed and starts its own', async () => {
    requireBuilt(['apps/accounts/dist/main.js']);
    const first = start();
    const up = await first.waitUntilUp();
    orphans = up.components.filter((c) => c.kind !== 'supervisor' && c.pid !== null).map((c) => c.pid!);
    orphans.forEach((p) => seenPids.add(p));
    expect(orphans).toHaveLength(6); // toxiproxy, postgres, kafka, alertmanager, prometheus, accounts

    // A supervisor killed outright cannot stop anything: its children keep running.
    first.child.kill('SIGKILL');
    await first.exited;
    expect(orphans.filter(isAlive)).toEqual(orphans);

    second = start();
    const again = await second.waitUntilUp();
    again.components.forEach((c) => c.pid !== null && seenPids.add(c.pid));
    expect(second.output).toMatch(
      /a previous stack did not shut down; stopping what it left running: .*accounts \(pid/,
    );
    expect(orphans.filter(isAlive)).toEqual([]);
    expect(processesInGroups(orphans)).toEqual([]);
  }, 240_000);

  it('refuses to start while that stack is running, saying what to do', async () => {
    const third = start();
    expect(await third.waitForExit(30_000)).toEqual({ code: 1, signal: null });
    expect(third.output).toContain(`another gameday stack (pid ${second.child.pid}) is running`);
    expect(third.output).toContain('GAMEDAY_HOME=');
    // The running stack is untouched.
    expect(second.state()!.components.find((c) => c.name === 'accounts')!.state).toBe('ready');
  }, 40_000);

  it('still stops cleanly afterwards', async () => {
    const pids = second
      .state()!
      .components.filter((c) => c.pid !== null)
      .map((c) => c.pid!);
    second.child.kill('SIGTERM');
    expect(await second.waitForExit(60_000)).toEqual({ code: 0, signal: null });
    expect(pids.filter(isAlive)).toEqual([]);
    expect(processesInGroups(pids)).toEqual([]);
  }, 70_000);
});
