// The CPU-heavy work of battles, as plain functions of plain data: played in a worker thread by the
// pool (simulator.ts), or inline. A whole battle against the AI takes tens of milliseconds of CPU; on
// the event loop it would hold up every turn choice of every other battle behind it.
import { LiveBattle, logHash, playOut } from '../domain/engine';
import type { BattleSetup, RecordedChoice, SideId } from '../domain/engine';
import { houseTeam } from '../domain/house-team';
import type { PokemonSet } from '@pkmn/sim';

export interface PlayTask {
  kind: 'play';
  /** p2's team absent: the AI's team, drawn from the seed. */
  setup: Omit<BattleSetup, 'p2'> & { p2: { name: string; team?: PokemonSet[] } };
}

export interface PlayResult {
  p2Team: PokemonSet[];
  choices: RecordedChoice[];
  log: string[];
  logHash: string;
  turn: number;
  winner: SideId | 'tie';
  /** Milliseconds each turn took, in order (the spans of the turns are made from them). */
  turnMs: number[];
  startedAt: number;
}

export interface ReplayTask {
  kind: 'replay';
  setup: BattleSetup;
  choices: RecordedChoice[];
  /** The side that forfeited (or timed out), applied after the choices. */
  forfeit?: SideId;
}

export interface ReplayResult {
  logHash: string;
  ended: boolean;
  winner: SideId | 'tie' | null;
}

export function play(task: PlayTask): PlayResult {
  const startedAt = Date.now();
  const setup: BattleSetup = {
    ...task.setup,
    p2: {
      name: task.setup.p2.name,
      team: task.setup.p2.team ?? houseTeam(task.setup.format, task.setup.seed),
    },
  };
  const live = LiveBattle.start(setup);
  const turnMs: number[] = [];
  let last = performance.now();
  playOut(live, () => {
    const now = performance.now();
    turnMs.push(now - last);
    last = now;
  });
  turnMs.push(performance.now() - last);
  return {
    p2Team: setup.p2.team,
    choices: live.choices,
    log: live.log,
    logHash: logHash(live.log),
    turn: live.turn,
    winner: live.winner ?? 'tie',
    turnMs,
    startedAt,
  };
}

export function replay(task: ReplayTask): ReplayResult {
  const live = LiveBattle.replay(task.setup, task.choices);
  if (task.forfeit) live.forfeit(task.forfeit);
  return {
    logHash: logHash(live.log),
    ended: live.ended,
    winner: live.ended ? (live.winner ?? 'tie') : null,
  };
}

/** The worker's entry (piscina calls the default export with each task). */
export default function run(task: PlayTask | ReplayTask): PlayResult | ReplayResult {
  return task.kind === 'play' ? play(task) : replay(task);
}
