import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultStateFile, readRunningState, readState, stateFileIn } from './state-file';

describe('the stack state file', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'gameday-state-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const write = (content: unknown): string => {
    const file = stateFileIn(home);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('is $GAMEDAY_HOME/stack.json, default <root>/.gameday/stack.json', () => {
    expect(defaultStateFile('/repo', {})).toBe('/repo/.gameday/stack.json');
    expect(defaultStateFile('/repo', { GAMEDAY_HOME: 'other' })).toBe('/repo/other/stack.json');
    expect(defaultStateFile('/repo', { GAMEDAY_HOME: '/var/gameday' })).toBe('/var/gameday/stack.json');
  });

  it('says why no stack runs, and what to do about it', () => {
    const file = stateFileIn(home);
    expect(readRunningState(file)).toEqual({
      problem: `no local stack: ${file} does not exist`,
      hint: expect.stringContaining('npm start'),
    });
    write('{ "state": "runn');
    expect(readState(file)).toBeUndefined();
    expect(readRunningState(file)).toMatchObject({
      problem: `no local stack: ${file} is not a stack state file`,
    });
    write({ state: 'stopped', pid: process.pid });
    expect(readRunningState(file)).toMatchObject({
      problem: `the local stack is stopped, not running (${file})`,
    });
    // Above Linux's largest pid_max (2^22): no process has it.
    write({ state: 'running', pid: 2 ** 22 + 1 });
    expect(readRunningState(file)).toMatchObject({ problem: expect.stringContaining(`${file} is stale`) });
  });

  it('reads the state of a stack whose supervisor is alive', () => {
    const file = write({ version: 1, state: 'running', pid: process.pid, components: [] });
    expect(readRunningState(file)).toEqual({ state: expect.objectContaining({ pid: process.pid }) });
  });
});
