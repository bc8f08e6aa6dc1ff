// Battles on Pokémon Showdown's simulator (@pkmn/sim), driven synchronously. A battle is its setup
// (format, seed, both teams) plus the choices made, in order: the simulator is deterministic, so the
// same setup and choices give the same log, which is how a battle resumes after a crash (replay the
// choices) and how `GET /battles/{id}/replay` verifies a stored result. The AI is the simulator's
// own RandomPlayerAI, seeded from the battle's seed and the number of choices so far, so it too
// chooses the same way on every replay.
import { createHash, randomBytes } from 'node:crypto';
import { Battle, RandomPlayerAI, extractChannelMessages } from '@pkmn/sim';
import type { PokemonSet, PRNGSeed, Side } from '@pkmn/sim';

type ChoiceRequest = NonNullable<Side['activeRequest']>;
import type { FormatId } from './sets';

export type SideId = 'p1' | 'p2';
export const SIDES: readonly SideId[] = ['p1', 'p2'];

export interface BattleSetup {
  format: FormatId;
  /** The simulator's PRNG seed ("sodium,<64 hex>"). */
  seed: string;
  p1: { name: string; team: PokemonSet[] };
  p2: { name: string; team: PokemonSet[] };
}

export interface RecordedChoice {
  side: SideId;
  choice: string;
  /** The turn it was made in (0: team preview). */
  turn?: number;
}

/** A choice the simulator refused; the message is the simulator's own. */
export class IllegalChoice extends Error {}

/** The simulator's hard stop: a battle still running after this many turns is a tie. */
export const MAX_TURNS = 1000;

export function newSeed(): string {
  return `sodium,${randomBytes(32).toString('hex')}`;
}

/** What each side has to do now. */
export type Pending = { kind: 'move' | 'switch' | 'teampreview'; request: ChoiceRequest } | undefined;

// RandomPlayerAI answers a request by writing to its stream; this one keeps the answer instead.
class CapturingAI extends RandomPlayerAI {
  picked: string | undefined;
  constructor(seed: PRNGSeed) {
    super({ write: () => undefined } as never, { seed });
  }
  override choose(choice: string): void {
    this.picked = choice;
  }
}

export class LiveBattle {
  readonly battle: Battle;
  readonly choices: RecordedChoice[] = [];
  private lastError = '';

  private constructor(readonly setup: BattleSetup) {
    this.battle = new Battle({
      formatid: setup.format as never,
      seed: setup.seed as PRNGSeed,
      p1: { name: setup.p1.name, team: setup.p1.team },
      p2: { name: setup.p2.name, team: setup.p2.team },
      send: (type, data) => {
        if (type !== 'sideupdate') return;
        const text = Array.isArray(data) ? data.join('\n') : data;
        const error = /\|error\|(.*)/.exec(text);
        if (error) this.lastError = error[1]!;
      },
    });
  }

  static start(setup: BattleSetup): LiveBattle {
    return new LiveBattle(setup);
  }

  /** Re-simulates a battle from its setup and recorded choices (after a crash, or to verify it). */
  static replay(setup: BattleSetup, choices: readonly RecordedChoice[]): LiveBattle {
    const live = new LiveBattle(setup);
    for (const c of choices) live.choose(c.side, c.choice);
    return live;
  }

  get ended(): boolean {
    return this.battle.ended;
  }

  get turn(): number {
    return this.battle.turn;
  }

  /** The winning side, null for a tie, undefined while the battle runs. */
  get winner(): SideId | null | undefined {
    if (!this.battle.ended) return undefined;
    const name = this.battle.winner;
    if (!name) return null;
    return this.battle.sides.find((s) => s.name === name)?.id === 'p2' ? 'p2' : 'p1';
  }

  pending(side: SideId): Pending {
    const s = this.battle[side];
    if (!s || this.battle.ended) return undefined;
    const request = s.activeRequest;
    if (!request || request.wait || s.isChoiceDone()) return undefined;
    const state = s.requestState;
    if (state !== 'move' && state !== 'switch' && state !== 'teampreview') return undefined;
    return { kind: state, request };
  }

  /** Sides that have a choice to make now. */
  waitingFor(): SideId[] {
    return SIDES.filter((s) => this.pending(s));
  }

  /** Makes a choice; throws IllegalChoice (nothing changed) when the simulator refuses it. */
  choose(side: SideId, choice: string): void {
    if (/^\s*undo\b/i.test(choice)) throw new IllegalChoice('"undo" is not accepted: a choice is final');
    if (!this.pending(side)) throw new IllegalChoice(`${side} has nothing to choose now`);
    this.lastError = '';
    const turn = this.battle.turn;
    if (!this.battle.choose(side, choice)) {
      throw new IllegalChoice(
        this.lastError.replace(/^\[[^\]]+\]\s*/, '') || `"${choice}" is not a valid choice`,
      );
    }
    this.choices.push({ side, choice, turn });
  }

  /** The AI's choice for `side`, the same on every replay of this battle. */
  aiChoice(side: SideId): string {
    const pending = this.pending(side);
    if (!pending) throw new IllegalChoice(`${side} has nothing to choose now`);
    const digest = createHash('sha256')
      .update(`${this.setup.seed}:${this.choices.length}:${side}`)
      .digest('hex');
    const ai = new CapturingAI(`gen5,${digest.slice(0, 16)}` as PRNGSeed);
    ai.receiveRequest(pending.request);
    return ai.picked ?? 'default';
  }

  /** Lets the AI choose for `side` (when it has something to choose). Returns the choice made. */
  playAi(side: SideId): string | undefined {
    if (!this.pending(side)) return undefined;
    const choice = this.aiChoice(side);
    this.choose(side, choice);
    return choice;
  }

  /** Forfeits `side`: the other side wins. */
  forfeit(side: SideId): void {
    if (this.battle.ended) return;
    this.battle.forceWin(side === 'p1' ? 'p2' : 'p1');
  }

  /** The full log (every side's secrets). */
  get log(): string[] {
    return this.battle.log;
  }
}

/**
 * The log as one viewer sees it: a player sees their own side's exact HP, the opponent's as a
 * percentage (Pokémon Showdown's `|split|` channels); `undefined` is a spectator.
 */
export function viewLog(log: readonly string[], side?: SideId): string[] {
  const channel = side === 'p1' ? 1 : side === 'p2' ? 2 : 0;
  return extractChannelMessages(log.join('\n'), [channel])[channel];
}

/** A digest of the log without its timestamps (`|t:|` lines): equal logs, equal battles. */
export function logHash(log: readonly string[]): string {
  const hash = createHash('sha256');
  for (const line of log) if (!line.startsWith('|t:|')) hash.update(line).update('\n');
  return hash.digest('hex');
}

/** Plays a battle to its end with the AI on both sides, calling `onTurn` after each turn. */
export function playOut(live: LiveBattle, onTurn?: (turn: number) => void): void {
  let turn = live.turn;
  while (!live.ended) {
    if (live.turn >= MAX_TURNS) {
      live.battle.tie();
      break;
    }
    const waiting = live.waitingFor();
    if (!waiting.length) throw new Error(`battle stuck at turn ${live.turn}: nobody has a choice to make`);
    for (const side of waiting) live.playAi(side);
    if (live.turn !== turn) {
      onTurn?.(turn);
      turn = live.turn;
    }
  }
}
