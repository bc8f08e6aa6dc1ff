// A pool of worker threads (piscina) for whole-battle simulations: instant battles against the AI,
// tournament matches played to the end, replay verification. The event loop keeps answering turn
// choices while they run. POKEMON_SIM_THREADS=0 runs them inline (tests, one-core machines).
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { play, replay } from './tasks';
import type { PlayResult, PlayTask, ReplayResult, ReplayTask } from './tasks';

export interface Simulator {
  play(task: Omit<PlayTask, 'kind'>): Promise<PlayResult>;
  replay(task: Omit<ReplayTask, 'kind'>): Promise<ReplayResult>;
  /** Tasks waiting for a thread. */
  readonly queued: number;
  close(): Promise<void>;
}

export function createSimulator(threads: number): Simulator {
  if (threads === 0) {
    return {
      play: async (t) => play({ kind: 'play', ...t }),
      replay: async (t) => replay({ kind: 'replay', ...t }),
      queued: 0,
      close: async () => undefined,
    };
  }
  const pool = new Piscina({
    filename: join(__dirname, 'tasks.js'),
    minThreads: threads,
    maxThreads: threads,
    // A battle is short: more than a few waiting per thread means the service is overloaded.
    maxQueue: threads * 64,
    idleTimeout: 60_000,
  });
  return {
    play: (t) => pool.run({ kind: 'play', ...t }) as Promise<PlayResult>,
    replay: (t) => pool.run({ kind: 'replay', ...t }) as Promise<ReplayResult>,
    get queued() {
      return pool.queueSize;
    },
    close: () => pool.destroy(),
  };
}
