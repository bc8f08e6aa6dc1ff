// Battle Manager. Instant battles against the AI are simulated to the end in one request and stored
// with their seed, choices and log in one transaction. Battles between two players are played turn
// by turn: each choice is applied under the battle row's lock, stored with the log, and the battle in
// memory is only a cache; after a restart (or on another instance) it is rebuilt by replaying the
// stored choices. A turn timer lets the AI move (or forfeits) for a player who does not choose in
// time. A finished battle updates both ratings and writes `battle.finished` to the outbox in the
// transaction that records the result, so each happens exactly once.
import { createHash, randomUUID } from 'node:crypto';
import { context, propagation, trace, SpanStatusCode } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import type { PoolClient } from 'pg';
import type { PokemonSet } from '@pkmn/sim';
import {
  ConflictError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
  backgroundRoot,
} from '@gameday/telemetry';
import type { Logger } from '@gameday/telemetry';
import { outboxInsert } from '@gameday/outbox';
import type {
  BattleRow,
  EndReason,
  PgBattlesRepository,
  StoredChoice,
} from '../data-access/battles-repository';
import { HOUSE_NAME } from './house-team';
import { IllegalChoice, LiveBattle, SIDES, logHash, newSeed, viewLog } from './engine';
import type { BattleSetup, Pending, RecordedChoice, SideId } from './engine';
import type { Simulator } from '../simulation/simulator';
import type { PlayResult, PlayTask } from '../simulation/tasks';
import { INITIAL_RATING, rateGame } from './ratings';
import type { FormatId } from './sets';
import { SetProblems, toShowdownSet, validateTeam } from './sets';
import type { Trainers } from './trainers';

/** The AI's trainer id in events (the nil UUID): the leaderboard keeps no statistics for it. */
export const HOUSE_TRAINER_ID = '00000000-0000-0000-0000-000000000000';

const tracer = trace.getTracer('gameday-pokemon');

export interface BattleObserver {
  finished(b: { format: string; mode: string; endReason: EndReason; turns: number }): void;
  turn(mode: string, seconds: number): void;
  resumed(): void;
  ratingsUpdated(n: number): void;
}

export interface BattlesOptions {
  repo: PgBattlesRepository;
  /** Where whole battles are simulated (worker threads, or inline). */
  simulator: Simulator;
  trainers: Trainers;
  logger: Logger;
  observer: BattleObserver;
  /** Seconds a player has to choose before the timeout action. */
  turnSeconds: number;
  /** What the turn timer does for a player who ran out of time: the AI chooses, or they forfeit. */
  timeoutAction: 'ai' | 'forfeit';
  /** Battles kept in memory between turns (the rest are replayed when their next choice comes). */
  cacheSize: number;
}

/** The answer to "what does this trainer see of this battle". */
export interface BattleView {
  battle: BattleRow;
  side: SideId | undefined;
  /** What the viewer has to choose now (the simulator's request), when it is their turn. */
  request: Pending;
  waitingFor: SideId[];
  /** The log as the viewer sees it, from `logOffset` (an index into the stored log) on. */
  log: string[];
  logOffset: number;
  /** Where the stored log ends: the `log_from` of the next read. */
  logNext: number;
}

export interface ArrangedBattle {
  format: FormatId;
  mode: 'auto' | 'live';
  rated: boolean;
  p1: { trainer_id: string; team_id: string };
  p2: { trainer_id: string; team_id: string };
  origin: 'tournament' | 'matchmaking';
  origin_ref: string;
}

export interface ReplayReport {
  battle_id: string;
  verified: boolean;
  choices: number;
  stored_log_hash: string | null;
  replayed_log_hash: string;
  stored_winner: string | null;
  replayed_winner: string | null;
}

const requestHash = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('base64url');

export class Battles {
  private readonly cache = new Map<string, LiveBattle>();

  constructor(private readonly o: BattlesOptions) {}

  /** The trainer's team for a format, as Pokémon Showdown sets (checked for the format again). */
  private async teamSets(
    playerId: string,
    teamId: string,
    format: FormatId,
    field: string,
  ): Promise<PokemonSet[]> {
    const view = await this.o.trainers.getTeam(playerId, teamId).catch((e: unknown) => {
      if (e instanceof NotFoundError)
        throw new ValidationError([{ pointer: `/${field}`, field, detail: 'is not one of your teams' }]);
      throw e;
    });
    if (view.team.format !== format) {
      throw new ValidationError([
        { pointer: `/${field}`, field, detail: `is a team for ${view.team.format}, not ${format}` },
      ]);
    }
    if (view.members.length !== view.team.members.length) {
      throw new ValidationError([{ pointer: `/${field}`, field, detail: 'has Pokémon that were deleted' }]);
    }
    // A member may have been replaced since the team was checked: check the team for the format again.
    try {
      validateTeam(
        format,
        view.members.map((m) => m.spec),
      );
    } catch (e) {
      if (e instanceof SetProblems) {
        throw new ValidationError(
          e.errors.map((err) => ({
            pointer: `/${field}`,
            field,
            detail: `is not fit for ${format}: ${err.detail}`,
          })),
        );
      }
      throw e;
    }
    return view.members.map((m) => toShowdownSet(m.spec));
  }

  /** Checks that a team of the trainer's is ready for a format (400 naming `team_id` if not). */
  async checkTeam(trainerId: string, teamId: string, format: FormatId): Promise<void> {
    await this.teamSets(trainerId, teamId, format, 'team_id');
  }

  /** Returns the battle a key already made, 409 when the key was used for another request. */
  private async replayedKey(playerId: string, key: string | undefined, op: string, hash: string) {
    if (!key) return undefined;
    const existing = await this.o.repo.key(playerId, key);
    if (!existing) return undefined;
    return this.answerForKey(playerId, existing, op, hash);
  }

  private async answerForKey(
    playerId: string,
    existing: { operation: string; requestHash: string; resourceId: string | null },
    op: string,
    hash: string,
  ): Promise<BattleView> {
    if (existing.operation !== op || existing.requestHash !== hash) {
      throw new ConflictError(
        'This Idempotency-Key was used for a different request: use a new key for a new battle.',
        'idempotency-key-reused',
      );
    }
    return this.view(playerId, existing.resourceId!);
  }

  /** An instant battle against the AI: simulated to the end, stored, and answered. */
  async instant(
    playerId: string,
    input: { format: FormatId; team_id: string },
    key: string | undefined,
  ): Promise<{ view: BattleView; replayed: boolean }> {
    const hash = requestHash(input);
    const earlier = await this.replayedKey(playerId, key, 'battle.instant', hash);
    if (earlier) return { view: earlier, replayed: true };
    const trainer = await this.o.trainers.ensure(playerId);
    const team = await this.teamSets(playerId, input.team_id, input.format, 'team_id');
    const seed = newSeed();
    const id = randomUUID();
    // The AI's team is drawn from the seed in the worker, with the battle.
    const played = await this.simulate(
      id,
      { format: input.format, seed, p1: { name: trainer.name, team }, p2: { name: HOUSE_NAME } },
      'ai',
    );
    const setup: BattleSetup = {
      format: input.format,
      seed,
      p1: { name: trainer.name, team },
      p2: { name: HOUSE_NAME, team: played.p2Team },
    };
    const winner = played.winner;
    const stored = await this.o.repo.transaction(async (client) => {
      if (key) {
        const claim = await this.o.repo.claimKey(client, playerId, key, 'battle.instant', hash, id);
        if ('existing' in claim) return claim;
      }
      const battle = await this.o.repo.insert(client, {
        id,
        format: input.format,
        mode: 'ai',
        status: 'finished',
        rated: false,
        seed,
        p1Trainer: playerId,
        p2Trainer: null,
        p1Name: setup.p1.name,
        p2Name: setup.p2.name,
        p1Team: setup.p1.team,
        p2Team: setup.p2.team,
        turn: played.turn,
        choiceCount: played.choices.length,
        winner,
        endReason: 'normal',
        log: played.log.join('\n'),
        logHash: played.logHash,
        turnDeadline: null,
        timeoutAction: 'ai',
        origin: 'player',
        originRef: null,
        startedAt: new Date(),
        finishedAt: new Date(),
      });
      await this.o.repo.appendChoices(client, id, 0, toStored(played.choices, played.turn, true));
      await client.query(finishedEvent(battle, undefined));
      return { battle };
    });
    if ('existing' in stored)
      return {
        view: await this.answerForKey(playerId, stored.existing, 'battle.instant', hash),
        replayed: true,
      };
    this.o.observer.finished({ format: input.format, mode: 'ai', endReason: 'normal', turns: played.turn });
    return { view: this.viewOf(stored.battle, playerId, undefined), replayed: false };
  }

  /**
   * A battle another service arranged between two trainers (a tournament match, a matchmaking
   * pair): once per (origin, ref), whoever asks again gets the same battle. `auto` plays it to the end
   * now with the AI choosing for both (tournament rounds); `live` starts it for the players to play
   * turn by turn (matchmaking).
   */
  async arranged(input: ArrangedBattle): Promise<{ battle: BattleRow; created: boolean }> {
    const earlier = await this.o.repo.byOrigin(input.origin, input.origin_ref);
    if (earlier) return { battle: earlier, created: false };
    const side = async (p: { trainer_id: string; team_id: string }, field: string) => {
      const trainer = await this.o.trainers.profile(p.trainer_id).catch((e: unknown) => {
        if (e instanceof NotFoundError)
          throw new ValidationError([
            { pointer: `/${field}/trainer_id`, field: `${field}.trainer_id`, detail: 'is not a trainer' },
          ]);
        throw e;
      });
      return {
        name: trainer.name,
        team: await this.teamSets(p.trainer_id, p.team_id, input.format, `${field}.team_id`),
      };
    };
    const [p1, p2] = [await side(input.p1, 'p1'), await side(input.p2, 'p2')];
    const id = randomUUID();
    const setup: BattleSetup = { format: input.format, seed: newSeed(), p1, p2 };
    const live: LiveBattle | PlayResult =
      input.mode === 'auto' ? await this.simulate(id, setup, 'auto') : LiveBattle.start(setup);
    try {
      const battle = await this.o.repo.transaction(async (client) => {
        const row = await this.o.repo.insert(client, {
          id,
          format: input.format,
          mode: 'pvp',
          status: input.mode === 'auto' ? 'finished' : 'active',
          rated: input.rated,
          seed: setup.seed,
          p1Trainer: input.p1.trainer_id,
          p2Trainer: input.p2.trainer_id,
          p1Name: p1.name,
          p2Name: p2.name,
          p1Team: p1.team,
          p2Team: p2.team,
          turn: live.turn,
          choiceCount: live.choices.length,
          log: live.log.join('\n'),
          turnDeadline: input.mode === 'auto' ? null : this.deadline(),
          timeoutAction: this.o.timeoutAction,
          origin: input.origin,
          originRef: input.origin_ref,
          startedAt: new Date(),
          ...(input.mode === 'auto'
            ? {
                winner: live.winner ?? 'tie',
                endReason: 'normal' as const,
                logHash: logHash(live.log),
                finishedAt: new Date(),
              }
            : {}),
        });
        await this.o.repo.appendChoices(client, id, 0, toStored(live.choices, live.turn, true));
        if (input.mode === 'auto') await this.finish(client, row);
        return row;
      });
      if (live instanceof LiveBattle) this.remember(id, live);
      return { battle, created: true };
    } catch (e) {
      // Asked twice at once: the other request made it.
      if ((e as { code?: string }).code === '23505') {
        const made = await this.o.repo.byOrigin(input.origin, input.origin_ref);
        if (made) return { battle: made, created: false };
      }
      throw e;
    }
  }

  /**
   * A whole battle, AI against AI, played in the simulation pool (off the event loop): one `battle
   * <mode>` span around it, and a `battle.turn` span per turn made from the worker's timings.
   */
  private simulate(id: string, setup: PlayTask['setup'], mode: 'ai' | 'auto'): Promise<PlayResult> {
    return tracer.startActiveSpan(`battle ${mode}`, async (span: Span) => {
      span.setAttributes({
        'gameday.battle.id': id,
        'gameday.battle.format': setup.format,
        'gameday.battle.mode': mode,
      });
      try {
        const played = await this.o.simulator.play({ setup }).catch((e: Error) => {
          throw /queue is at limit/i.test(e.message)
            ? new ServiceUnavailableError('Every battle simulator is busy: retry in a moment.', 1)
            : e;
        });
        let at = played.startedAt;
        played.turnMs.forEach((ms, turn) => {
          const t = tracer.startSpan('battle.turn', {
            startTime: at,
            attributes: { 'gameday.battle.turn': turn },
          });
          at += ms;
          t.end(at);
          this.o.observer.turn(mode, ms / 1000);
        });
        span.setAttributes({ 'gameday.battle.turns': played.turn, 'gameday.battle.winner': played.winner });
        return played;
      } catch (e) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(e) });
        throw e;
      } finally {
        span.end();
      }
    });
  }

  /** Retention: purges logs and choices of battles finished more than `days` ago. */
  purgeLogs(days: number, limit: number): Promise<number> {
    return this.o.repo.purgeLogs(days, limit);
  }

  /** Challenges another trainer: a pending battle until they accept with a team. */
  async challenge(
    playerId: string,
    input: { format: FormatId; team_id: string; opponent_id: string; rated: boolean },
    key: string | undefined,
  ): Promise<{ view: BattleView; replayed: boolean }> {
    const hash = requestHash(input);
    const earlier = await this.replayedKey(playerId, key, 'battle.challenge', hash);
    if (earlier) return { view: earlier, replayed: true };
    if (input.opponent_id === playerId) {
      throw new ValidationError([
        { pointer: '/opponent_id', field: 'opponent_id', detail: 'cannot be yourself' },
      ]);
    }
    const trainer = await this.o.trainers.ensure(playerId);
    const opponent = await this.o.trainers.profile(input.opponent_id).catch((e: unknown) => {
      if (e instanceof NotFoundError)
        throw new ValidationError([
          { pointer: '/opponent_id', field: 'opponent_id', detail: 'is not a trainer' },
        ]);
      throw e;
    });
    const team = await this.teamSets(playerId, input.team_id, input.format, 'team_id');
    const id = randomUUID();
    const stored = await this.o.repo.transaction(async (client) => {
      if (key) {
        const claim = await this.o.repo.claimKey(client, playerId, key, 'battle.challenge', hash, id);
        if ('existing' in claim) return claim;
      }
      const battle = await this.o.repo.insert(client, {
        id,
        format: input.format,
        mode: 'pvp',
        status: 'pending',
        rated: input.rated,
        seed: newSeed(),
        p1Trainer: playerId,
        p2Trainer: opponent.id,
        p1Name: trainer.name,
        p2Name: opponent.name,
        p1Team: team,
        p2Team: null,
        turn: 0,
        choiceCount: 0,
        log: '',
        turnDeadline: null,
        timeoutAction: this.o.timeoutAction,
        origin: 'player',
        originRef: null,
        startedAt: null,
      });
      return { battle };
    });
    if ('existing' in stored)
      return {
        view: await this.answerForKey(playerId, stored.existing, 'battle.challenge', hash),
        replayed: true,
      };
    return { view: this.viewOf(stored.battle, playerId, undefined), replayed: false };
  }

  /** The challenged trainer accepts with a team: the battle starts (team preview first). */
  async accept(playerId: string, id: string, teamId: string): Promise<BattleView> {
    const pre = await this.o.repo.get(id);
    if (!pre) throw new NotFoundError('No such battle.');
    if (pre.p2Trainer !== playerId) {
      throw pre.p1Trainer === playerId
        ? new ConflictError('You made this challenge: your opponent accepts it.', 'not-your-challenge')
        : new ForbiddenError('This challenge is for another trainer.');
    }
    const team = await this.teamSets(playerId, teamId, pre.format as FormatId, 'team_id');
    return this.o.repo.transaction(async (client) => {
      const battle = (await this.o.repo.get(id, client, true))!;
      if (battle.status !== 'pending')
        throw new ConflictError('This battle has already started.', 'battle-started');
      const live = LiveBattle.start(setupOf({ ...battle, p2Team: team }));
      const row = await this.o.repo.progress(client, id, {
        status: 'active',
        turn: live.turn,
        choiceCount: 0,
        log: live.log.join('\n'),
        turnDeadline: this.deadline(),
        p2Team: team,
        started: true,
      });
      this.remember(id, live);
      return this.viewOf(row, playerId, live);
    });
  }

  /** A player's choice for the current turn (`move 1`, `switch 3`, `team 123456`, `default` ...). */
  /**
   * `key` (Idempotency-Key): a retried choice whose first attempt was applied (the answer was lost)
   * answers the battle as it is now instead of applying the choice to the next turn.
   */
  async choose(
    playerId: string,
    id: string,
    choice: string,
    key?: string,
  ): Promise<{ view: BattleView; replayed: boolean }> {
    const started = performance.now();
    return tracer.startActiveSpan('battle.choice', async (span) => {
      try {
        span.setAttributes({ 'gameday.battle.id': id });
        return await this.o.repo.transaction(async (client) => {
          const battle = await this.o.repo.get(id, client, true);
          if (!battle) throw new NotFoundError('No such battle.');
          const side = sideOf(battle, playerId);
          if (!side) throw new ForbiddenError('This is another trainer’s battle.');
          if (battle.status === 'pending')
            throw new ConflictError(
              'The battle has not started: it waits for the opponent to accept.',
              'battle-not-started',
            );
          if (key && (await this.o.repo.choiceKeySeen(client, id, side, key))) {
            const live = battle.status === 'active' ? await this.live(battle, client) : undefined;
            return { view: this.viewOf(battle, playerId, live), replayed: true };
          }
          if (battle.status === 'finished')
            throw new ConflictError('The battle has ended: no more choices.', 'battle-ended');
          const live = await this.live(battle, client);
          if (!live.pending(side)) {
            throw new ConflictError(
              'It is not your turn to choose: your choice for this turn is in; wait for your opponent.',
              'not-your-turn',
            );
          }
          const before = live.choices.length;
          const turn = live.turn;
          const logBefore = live.log.length;
          try {
            live.choose(side, choice);
          } catch (e) {
            this.cache.delete(id);
            if (e instanceof IllegalChoice) {
              throw new ValidationError([{ pointer: '/choice', field: 'choice', detail: e.message }]);
            }
            throw e;
          }
          const row = await this.save(client, battle, live, before, 'normal', false, key);
          if (live.turn !== turn) {
            span.setAttributes({ 'gameday.battle.turn': turn });
            this.o.observer.turn('pvp', (performance.now() - started) / 1000);
          }
          // The answer carries the log from where it stood before this choice (a client has the rest).
          return { view: this.viewOf(row, playerId, live, logBefore), replayed: false };
        });
      } catch (e) {
        this.cache.delete(id);
        if (!(
          e instanceof ValidationError ||
          e instanceof ConflictError ||
          e instanceof ForbiddenError ||
          e instanceof NotFoundError
        )) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: String(e) });
        }
        throw e;
      } finally {
        span.end();
      }
    });
  }

  async forfeit(playerId: string, id: string): Promise<BattleView> {
    return this.o.repo.transaction(async (client) => {
      const battle = await this.o.repo.get(id, client, true);
      if (!battle) throw new NotFoundError('No such battle.');
      const side = sideOf(battle, playerId);
      if (!side) throw new ForbiddenError('This is another trainer’s battle.');
      if (battle.status === 'finished') throw new ConflictError('The battle has ended.', 'battle-ended');
      if (battle.status === 'pending')
        throw new ConflictError('The battle has not started: nothing to forfeit.', 'battle-not-started');
      const live = await this.live(battle, client);
      live.forfeit(side);
      const row = await this.save(client, battle, live, live.choices.length, 'forfeit');
      return this.viewOf(row, playerId, live);
    });
  }

  /**
   * Acts for players whose turn timer ran out (the AI chooses for them, or they forfeit, per
   * battle). Returns how many battles moved. Safe on several instances: due rows are locked, the
   * others are skipped.
   */
  async expireTurns(limit = 20): Promise<number> {
    let moved = 0;
    const failed: string[] = [];
    // One battle per transaction: a battle that cannot be moved (its replay fails) holds up no other.
    for (let i = 0; i < limit; i++) {
      let current: string | undefined;
      // Background work: the battle span a timeout may finish is a new trace, kept like a request's.
      const done = await context
        .with(backgroundRoot(), () =>
          this.o.repo.transaction(async (client) => {
            const [battle] = await this.o.repo.dueForTimeout(client, 1, failed);
            if (!battle) return false;
            current = battle.id;
            const live = await this.live(battle, client);
            const before = live.choices.length;
            const idle = live.waitingFor();
            if (battle.timeoutAction === 'forfeit' && idle.length === 1) {
              live.forfeit(idle[0]!);
              await this.save(client, battle, live, before, 'timeout', true);
            } else {
              for (const side of idle) live.playAi(side);
              await this.save(client, battle, live, before, 'normal', true);
            }
            return true;
          }),
        )
        .catch((err: Error) => {
          if (current) failed.push(current);
          this.cache.delete(current ?? '');
          this.o.logger.warn('turn timer could not move a battle; it stays due and is tried again', {
            battle_id: current,
            error: err.message,
          });
          return 'failed' as const;
        });
      if (done === false) break;
      if (done === true) moved++;
    }
    return moved;
  }

  /** Stores what changed since `before` choices, finishing the battle when it ended. */
  private async save(
    client: PoolClient,
    battle: BattleRow,
    live: LiveBattle,
    before: number,
    reason: EndReason,
    byAi = false,
    key?: string,
  ): Promise<BattleRow> {
    const added = storedChoices(live, before, byAi);
    // The player's own choice is the first added (AI choices may follow it): it carries the key.
    if (key && added[0]) added[0].key = key;
    await this.o.repo.appendChoices(client, battle.id, before, added);
    const ended = live.ended;
    const row = await this.o.repo.progress(client, battle.id, {
      status: ended ? 'finished' : 'active',
      turn: live.turn,
      choiceCount: live.choices.length,
      log: live.log.join('\n'),
      turnDeadline: ended ? null : this.deadline(),
      ...(ended ? { winner: live.winner ?? 'tie', endReason: reason, logHash: logHash(live.log) } : {}),
    });
    if (ended) {
      await this.finish(client, row);
      this.cache.delete(battle.id);
    } else {
      this.remember(battle.id, live);
    }
    return row;
  }

  /** Ratings (rated battles between players) and the event, in the transaction that ends the battle. */
  private async finish(client: PoolClient, battle: BattleRow): Promise<void> {
    let ratings: { p1: number; p2: number } | undefined;
    if (battle.rated && battle.p2Trainer) {
      const current = await this.o.repo.ratingsForUpdate(
        client,
        battle.format,
        [battle.p1Trainer, battle.p2Trainer],
        INITIAL_RATING,
      );
      const score: 0 | 0.5 | 1 = battle.winner === 'p1' ? 1 : battle.winner === 'p2' ? 0 : 0.5;
      const [r1, r2] = rateGame(current.get(battle.p1Trainer)!, current.get(battle.p2Trainer)!, score);
      await this.o.repo.saveRating(client, battle.p1Trainer, battle.format, r1, score);
      await this.o.repo.saveRating(client, battle.p2Trainer, battle.format, r2, (1 - score) as 0 | 0.5 | 1);
      ratings = { p1: r1.rating, p2: r2.rating };
      this.o.observer.ratingsUpdated(2);
    }
    await client.query(finishedEvent(battle, ratings));
    if (battle.mode === 'pvp' && battle.startedAt && battle.status === 'finished') {
      // A battle between players spans many requests: its span is made when it ends, from its start.
      tracer
        .startSpan('battle pvp', {
          startTime: battle.startedAt,
          attributes: {
            'gameday.battle.id': battle.id,
            'gameday.battle.format': battle.format,
            'gameday.battle.mode': battle.mode,
            'gameday.battle.turns': battle.turn,
            'gameday.battle.winner': battle.winner ?? 'tie',
            'gameday.battle.end_reason': battle.endReason ?? 'normal',
            'gameday.battle.rated': battle.rated,
          },
        })
        .end();
    }
    this.o.observer.finished({
      format: battle.format,
      mode: battle.mode,
      endReason: battle.endReason ?? 'normal',
      turns: battle.turn,
    });
  }

  /** The battle in memory: the cached one if it has every stored choice, else replayed from storage. */
  private async live(battle: BattleRow, client?: PoolClient): Promise<LiveBattle> {
    const cached = this.cache.get(battle.id);
    if (cached && cached.choices.length === battle.choiceCount) return cached;
    const choices = await this.o.repo.choices(battle.id, client);
    const live = LiveBattle.replay(setupOf(battle), choices);
    this.o.observer.resumed();
    this.remember(battle.id, live);
    return live;
  }

  private remember(id: string, live: LiveBattle): void {
    this.cache.delete(id);
    this.cache.set(id, live);
    if (this.cache.size > this.o.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }

  private deadline(): Date {
    return new Date(Date.now() + this.o.turnSeconds * 1000);
  }

  /** `logFrom`: the log from this line on (a client's previous `log_next`), the whole log by default. */
  async view(playerId: string, id: string, logFrom = 0): Promise<BattleView> {
    const battle = await this.o.repo.get(id);
    if (!battle) throw new NotFoundError('No such battle.');
    if (!sideOf(battle, playerId)) throw new ForbiddenError('This is another trainer’s battle.');
    // An active battle not in memory (a restart, another instance) is replayed: the viewer sees what to choose.
    const live = battle.status === 'active' ? await this.live(battle) : undefined;
    return this.viewOf(battle, playerId, live, logFrom);
  }

  private viewOf(battle: BattleRow, playerId: string, live: LiveBattle | undefined, logFrom = 0): BattleView {
    const side = sideOf(battle, playerId);
    const log = battle.log ? battle.log.split('\n') : [];
    let from = Math.min(Math.max(0, logFrom), log.length);
    // Never start inside a `|split|` block (its next two lines are one side's secret and everyone's
    // view): a slice there would show the secret line to the other side.
    for (let back = 1; back <= 2 && from - back >= 0; back++) {
      if (log[from - back]!.startsWith('|split|')) {
        from -= back;
        break;
      }
    }
    return {
      battle,
      side,
      request: live && side ? live.pending(side) : undefined,
      waitingFor: live ? live.waitingFor() : [],
      log: viewLog(from ? log.slice(from) : log, side),
      logOffset: from,
      logNext: log.length,
    };
  }

  list(playerId: string, limit: number, before?: { createdAt: Date; id: string }) {
    return this.o.repo.list(playerId, limit, before);
  }

  /** Re-simulates a battle from its seed and choices and compares the result with what is stored. */
  async replay(playerId: string, id: string): Promise<ReplayReport> {
    const battle = await this.o.repo.get(id);
    if (!battle) throw new NotFoundError('No such battle.');
    if (!sideOf(battle, playerId)) throw new ForbiddenError('This is another trainer’s battle.');
    if (battle.status === 'pending')
      throw new ConflictError('The battle has not started: nothing to replay.', 'battle-not-started');
    if (battle.logPurgedAt) {
      throw new HttpError(
        410,
        'battle-log-purged',
        'Gone',
        `This battle's log and choices were removed by retention on ${battle.logPurgedAt.toISOString()}: only its result and log hash remain.`,
      );
    }
    return tracer.startActiveSpan('battle.replay', async (span) => {
      try {
        const report = await this.verify(battle);
        span.setAttribute('gameday.battle.verified', report.verified);
        return report;
      } finally {
        span.end();
      }
    });
  }

  private async verify(battle: BattleRow): Promise<ReplayReport> {
    const choices = await this.o.repo.choices(battle.id);
    const forfeited = battle.endReason === 'forfeit' || battle.endReason === 'timeout';
    const replayed = await this.o.simulator.replay({
      setup: setupOf(battle),
      choices: choices.map((c) => ({ side: c.side, choice: c.choice })),
      ...(forfeited ? { forfeit: battle.winner === 'p1' ? ('p2' as const) : ('p1' as const) } : {}),
    });
    const stored = battle.log ? battle.log.split('\n') : [];
    const storedHash = logHash(stored);
    const replayedHash = replayed.logHash;
    const replayedWinner = replayed.winner;
    return {
      battle_id: battle.id,
      verified:
        storedHash === replayedHash &&
        (battle.logHash === null || battle.logHash === storedHash) &&
        (battle.status !== 'finished' || replayedWinner === battle.winner),
      choices: choices.length,
      stored_log_hash: battle.logHash ?? storedHash,
      replayed_log_hash: replayedHash,
      stored_winner: battle.winner,
      replayed_winner: replayedWinner,
    };
  }
}

function sideOf(battle: BattleRow, playerId: string): SideId | undefined {
  if (battle.p1Trainer === playerId) return 'p1';
  if (battle.p2Trainer === playerId) return 'p2';
  return undefined;
}

function setupOf(
  battle: Pick<BattleRow, 'format' | 'seed' | 'p1Name' | 'p2Name' | 'p1Team' | 'p2Team'>,
): BattleSetup {
  return {
    format: battle.format as FormatId,
    seed: battle.seed,
    p1: { name: battle.p1Name, team: battle.p1Team ?? [] },
    p2: { name: battle.p2Name, team: battle.p2Team ?? [] },
  };
}

/** The choices made since `from`, with the turn each was made in. */
function storedChoices(live: LiveBattle, from: number, byAi: boolean): StoredChoice[] {
  return toStored(live.choices.slice(from), live.turn, byAi);
}

function toStored(choices: readonly RecordedChoice[], turn: number, byAi: boolean): StoredChoice[] {
  return choices.map((c) => ({ side: c.side, choice: c.choice, byAi, turn: c.turn ?? turn }));
}

/** The outbox row of `battle.finished` (keyed by p1's id; the AI is the nil UUID). */
function finishedEvent(battle: BattleRow, ratings: { p1: number; p2: number } | undefined) {
  const p2 = battle.p2Trainer ?? HOUSE_TRAINER_ID;
  const p2Won = battle.winner === 'p2';
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return outboxInsert(
    {
      id: randomUUID(),
      type: 'battle.finished',
      occurred_at: new Date().toISOString(),
      player_id: battle.p1Trainer,
      source: 'pokemon',
      data: {
        battle_id: battle.id,
        winner_id: p2Won ? p2 : battle.p1Trainer,
        loser_id: p2Won ? battle.p1Trainer : p2,
        turns: Math.max(1, battle.turn),
        format: battle.format,
        mode: battle.mode,
        rated: battle.rated,
        draw: battle.winner === 'tie',
        ...(ratings
          ? { winner_rating: p2Won ? ratings.p2 : ratings.p1, loser_rating: p2Won ? ratings.p1 : ratings.p2 }
          : {}),
      },
    },
    carrier.traceparent,
  );
}

export { SIDES };
