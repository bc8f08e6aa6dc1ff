// A lock file for one-time setup steps that several processes may start at once (two jest workers,
// the bootstrap and a test): the first takes it, the others wait; a lock left by a dead process is
// taken over.
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * Runs `fn` holding `file`. `what` names the work in the waiting message ("a build of k6");
 * `timeoutError(message)` makes the error thrown when another holder keeps it too long.
 */
export function withLock(file, { progress, what, timeoutMinutes, pollMs, timeoutError }, fn) {
  const deadline = Date.now() + timeoutMinutes * 60_000;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8').trim() || '0');
      if (holder > 0 && !isAlive(holder)) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw timeoutError(
          `${file} is held by pid ${holder} for ${timeoutMinutes} minutes; delete it if that is stale.`,
        );
      }
      if (!told) progress(`waiting for another ${what} (pid ${holder || '?'})…`);
      told = true;
      sleepSync(pollMs);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(file, { force: true });
  }
}
