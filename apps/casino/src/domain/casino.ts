// The bet flow: validate → record the round (pending) → debit the wallet (idempotent) → resolve →
// credit the payout (idempotent) → settle. Every wallet call carries a key derived from the round,
// so any step can be repeated, and `recover` finishes whatever a crash or an outage interrupted.
import { createHash, randomUUID } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  UnprocessableError,
} from '@gameday/telemetry';
import type { Logger } from '@gameday/telemetry';
import type { CallContext, WalletClient } from '../data-access/wallet-client';
import { WalletRefusal, WalletUnavailable } from '../data-access/wallet-client';
import type { PgRoundsRepository } from '../data-access/rounds-repository';
import { JACKPOT_CONTRIBUTION } from '../games/slots';
import type { Game, GameId, HandAction, HandState, InstantGame, StatefulGame } from '../games/types';
import { IllegalActionError, roundMultiplier } from '../games/types';
import { FairRng } from './provably-fair';
import type { Jackpot, RevealedSeed, Round, SeedPair } from './round';
import { walletKeys } from './round';
import { matchesRecord, recompute } from './verify';
import type { Recomputed, VerifyInput } from './verify';

/** A stored hand: the game's state plus what the casino needs to finish it after a crash. */
export type StoredHand = HandState & {
  /** The player's actions so far (replayed by verification). */
  actions: HandAction[];
  /** A double's extra stake was being debited when the process stopped. */
  doubling?: boolean;
};

export type BetOutcome = 'win' | 'lose' | 'push';

/** What the casino tells its metrics about each settled round. */
export interface RoundObserver {
  settled(round: Round, outcome: BetOutcome, staked: number, paid: number): void;
}

/** Where a test can make the process die (CASINO_CRASH_AFTER): right after the stake is debited. */
export type CrashPoint = 'debit' | 'payout' | undefined;

export interface CasinoOptions {
  rounds: PgRoundsRepository;
  wallet: WalletClient;
  /** The games this instance serves (CASINO_GAMES). */
  games: Game[];
  logger: Logger;
  observer: RoundObserver;
  crashAfter?: CrashPoint;
}

/** A round's place in a player's history: a page starts after it. */
export interface HistoryPosition {
  createdAt: Date;
  id: string;
}

/** A stored round recomputed from its revealed seeds. */
export interface RoundVerification {
  round: Round;
  recomputed: Recomputed;
  /** Whether the recorded outcome is the one the seeds produce. */
  verified: boolean;
}

export interface PlayResult {
  round: Round;
  /** The balance after the round, when the wallet told us. */
  balance?: number | undefined;
  replayed: boolean;
}

const tracer = trace.getTracer('gameday-casino');

/** floor(stake × multiplier) in exact integer arithmetic (multipliers have at most 4 decimals). */
export function payoutOf(stake: number, multiplier: number): number {
  return Math.floor((stake * Math.round(multiplier * 10_000)) / 10_000);
}

export function outcomeOf(multiplier: number, stakeMultiple: number): BetOutcome {
  if (multiplier > stakeMultiple) return 'win';
  return multiplier === stakeMultiple ? 'push' : 'lose';
}

const seedsOf = (r: Round) => ({ serverSeed: r.serverSeed, clientSeed: r.clientSeed, nonce: r.nonce });

export class Casino {
  private readonly games: Map<GameId, Game>;

  constructor(private readonly o: CasinoOptions) {
    this.games = new Map(o.games.map((g) => [g.id, g]));
  }

  /** The games served here, in catalogue order. */
  get catalogue(): Game[] {
    return [...this.games.values()];
  }

  game(id: string): Game {
    const game = this.games.get(id as GameId);
    if (!game) {
      throw new NotFoundError(
        `No game "${id}" here. Games served: ${[...this.games.keys()].join(', ')} (GET /api/v1/casino/games).`,
      );
    }
    return game;
  }

  /** A page of the player's rounds, newest first, and where the next page starts (none after the last). */
  async history(
    playerId: string,
    page: { limit: number; game?: GameId | undefined; before?: HistoryPosition | undefined },
  ): Promise<{ rounds: Round[]; next: HistoryPosition | undefined }> {
    // One more than asked for tells whether another page follows.
    const found = await this.o.rounds.history(playerId, {
      limit: page.limit + 1,
      game: page.game,
      before: page.before,
    });
    const rounds = found.slice(0, page.limit);
    const last = rounds[rounds.length - 1];
    const next = found.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : undefined;
    return { rounds, next };
  }

  /** One of the player's rounds. */
  async round(playerId: string, id: string): Promise<Round> {
    const round = await this.o.rounds.get(id);
    // Another player's round is as invisible as one that does not exist.
    if (!round || round.playerId !== playerId) throw new NotFoundError(`No round ${id} of yours.`);
    return round;
  }

  /** Recomputes one of the player's rounds; only settled rounds whose server seed is revealed can be. */
  async verifyRound(playerId: string, id: string): Promise<RoundVerification> {
    const round = await this.round(playerId, id);
    if (round.status !== 'settled') {
      throw new ConflictError(
        `Round ${round.id} is ${round.status}: only settled rounds can be verified.`,
        'round-not-settled',
      );
    }
    if (!round.revealed) {
      throw new ConflictError(
        'The server seed of this round is still secret. Rotate your seed pair (POST /api/v1/casino/seeds/rotate) to reveal it, then verify.',
        'seed-not-revealed',
      );
    }
    const recomputed = recompute({
      game: round.game,
      serverSeed: round.serverSeed,
      serverSeedHash: round.serverSeedHash,
      clientSeed: round.clientSeed,
      nonce: round.nonce,
      params: round.params,
      actions: (round.hand as StoredHand | null)?.actions,
    });
    return { round, recomputed, verified: matchesRecord(recomputed, round) };
  }

  /** Recomputes any round, of any game (also those another deployment serves), from its seeds and bet. */
  verify(input: VerifyInput): Recomputed {
    return recompute(input);
  }

  /** The player's active seed pair, created on first use. */
  seeds(playerId: string): Promise<SeedPair> {
    return this.o.rounds.activeSeed(playerId);
  }

  /**
   * Reveals the player's server seed and starts a new pair (with `clientSeed`, or a random one);
   * refused while a round on the pair is unfinished.
   */
  async rotateSeeds(
    playerId: string,
    clientSeed: string | undefined,
  ): Promise<{ previous: RevealedSeed; current: SeedPair }> {
    const rotated = await this.o.rounds.rotate(playerId, clientSeed);
    if (rotated === 'unfinished-rounds') {
      throw new ConflictError(
        'A round on this seed pair is still open (finish your blackjack hand first): revealing the seed would reveal its cards.',
        'rounds-unfinished',
      );
    }
    return rotated;
  }

  /** The slots progressive jackpot (undefined until it is seeded). */
  jackpot(): Promise<Jackpot | undefined> {
    return this.o.rounds.jackpot('slots');
  }

  /**
   * Plays one round. `params` were validated against the game's schema. With the same idempotency
   * key and request, a retry returns the first round instead of playing again.
   */
  async play(
    playerId: string,
    game: Game,
    stake: number,
    params: unknown,
    key: string | undefined,
    ctx: CallContext,
  ): Promise<PlayResult> {
    return tracer.startActiveSpan(`${game.id} round`, async (span) => {
      try {
        return await this.playInSpan(span, playerId, game, stake, params, key, ctx);
      } finally {
        span.end();
      }
    });
  }

  private async playInSpan(
    span: Span,
    playerId: string,
    game: Game,
    stake: number,
    params: unknown,
    key: string | undefined,
    ctx: CallContext,
  ): Promise<PlayResult> {
    const requestHash = hash([game.id, stake, params]);
    const reserved = await this.o.rounds.reserve({
      id: randomUUID(),
      playerId,
      game: game.id,
      stake,
      params,
      idempotencyKey: key ?? randomUUID(),
      requestHash,
    });
    if ('existing' in reserved) {
      if (reserved.existing.requestHash !== requestHash) {
        throw new ConflictError(
          `Idempotency-Key "${key}" was already used for a different bet. Use a new key for a new bet.`,
          'idempotency-key-reused',
        );
      }
      return { round: reserved.existing, replayed: true };
    }
    let round = reserved.round;
    span.setAttributes({
      'casino.game': game.id,
      'casino.round_id': round.id,
      'casino.stake_cents': stake,
      'casino.nonce': round.nonce,
    });

    const debit = await this.debit(round, walletKeys(round.id).debit, stake, ctx);
    this.maybeCrash('debit');
    if (game.kind === 'instant') {
      const settled = await this.finishInstant(round, game, ctx);
      span.setAttributes({
        'casino.multiplier': settled.round.multiplier ?? 0,
        'casino.outcome': settled.outcome,
      });
      return { round: settled.round, balance: settled.balance ?? debit.balance_cents, replayed: false };
    }
    const hand: StoredHand = { ...game.start(params, new FairRng(seedsOf(round))), actions: [] };
    if (hand.settled) {
      const settled = await this.finishHand(round, game, hand, ctx);
      return { round: settled.round, balance: settled.balance ?? debit.balance_cents, replayed: false };
    }
    if (!(await this.o.rounds.saveHand(round, hand, 'open'))) {
      throw new Error(`round ${round.id} changed while its hand was dealt`);
    }
    round = (await this.o.rounds.get(round.id))!;
    return { round, balance: debit.balance_cents, replayed: false };
  }

  /** Takes an action on the player's open hand (blackjack). */
  async act(playerId: string, roundId: string, action: HandAction, ctx: CallContext): Promise<PlayResult> {
    let round = await this.o.rounds.get(roundId);
    // Another player's round is as invisible as one that does not exist.
    if (!round || round.playerId !== playerId) throw new NotFoundError(`No round ${roundId} of yours.`);
    const game = this.game(round.game);
    if (game.kind !== 'stateful') {
      throw new ConflictError(
        `A ${game.name} round is decided at once: there is nothing to act on.`,
        'round-not-open',
      );
    }
    if (round.status !== 'open' || !round.hand) {
      throw new ConflictError(
        `Round ${roundId} is ${round.status}: it takes no more actions.`,
        'round-not-open',
      );
    }
    return tracer.startActiveSpan(`${game.id} ${action}`, async (span) => {
      try {
        span.setAttributes({ 'casino.game': game.id, 'casino.round_id': roundId, 'casino.action': action });
        round = await this.resolveInterruptedDouble(round!, ctx);
        const hand = round.hand as StoredHand;
        if (!game.actions(hand).includes(action)) {
          throw new ConflictError(
            `You cannot ${action} now. Allowed: ${game.actions(hand).join(', ') || 'nothing (the hand is over)'}.`,
            'illegal-action',
          );
        }
        let balance: number | undefined;
        if (action === 'double') {
          // Mark the double before the money moves, so an interruption is noticed and finished.
          const marked: StoredHand = { ...hand, doubling: true };
          if (!(await this.o.rounds.saveHand(round, marked, 'open'))) throw concurrentAction();
          round = (await this.o.rounds.get(round.id))!;
          balance = (await this.debit(round, walletKeys(round.id).double, round.stake, ctx, false))
            .balance_cents;
        }
        return await this.applyAction(round, game, action, ctx, balance);
      } finally {
        span.end();
      }
    });
  }

  private async applyAction(
    round: Round,
    game: StatefulGame,
    action: HandAction,
    ctx: CallContext,
    balance: number | undefined,
  ): Promise<PlayResult> {
    const stored = round.hand as StoredHand;
    let next: HandState;
    try {
      next = game.act(stored, action, new FairRng(seedsOf(round), stored.cursor));
    } catch (err) {
      if (err instanceof IllegalActionError) throw new ConflictError(err.message, 'illegal-action');
      throw err;
    }
    const hand: StoredHand = { ...next, actions: [...stored.actions, action] };
    delete hand.doubling;
    if (hand.settled) {
      const settled = await this.finishHand(round, game, hand, ctx);
      return { round: settled.round, balance: settled.balance ?? balance, replayed: false };
    }
    if (!(await this.o.rounds.saveHand(round, hand, 'open'))) throw concurrentAction();
    return { round: (await this.o.rounds.get(round.id))!, balance, replayed: false };
  }

  /** A double whose debit may or may not have happened: complete it if the money was taken, else undo. */
  private async resolveInterruptedDouble(round: Round, ctx: CallContext): Promise<Round> {
    const hand = round.hand as StoredHand;
    if (!hand.doubling) return round;
    const keys = walletKeys(round.id);
    const taken = await this.walletCall(() => this.o.wallet.find(keys.double, ctx));
    if (taken) {
      await this.applyAction(round, this.game(round.game) as StatefulGame, 'double', ctx, undefined);
      throw new ConflictError(
        'Your earlier double was completed (its stake had been taken): see the round for the result.',
        'double-completed',
      );
    }
    await this.cancelBet(round, keys.double, keys.doubleRefund, ctx);
    const undone: StoredHand = { ...hand };
    delete undone.doubling;
    if (!(await this.o.rounds.saveHand(round, undone, 'open'))) throw concurrentAction();
    return (await this.o.rounds.get(round.id))!;
  }

  /** Resolves an instant round whose stake was taken, credits the payout, settles it. */
  private async finishInstant(
    round: Round,
    game: InstantGame,
    ctx: CallContext,
  ): Promise<{ round: Round; balance?: number | undefined; outcome: BetOutcome }> {
    const r = game.resolve(round.params, new FairRng(seedsOf(round)));
    // Recorded exactly as payouts are computed: 4 decimals.
    const multiplier = roundMultiplier(r.multiplier);
    const payout = payoutOf(round.stake, multiplier);
    let current = round;
    if (game.id === 'slots' && current.status === 'pending') {
      current = await this.o.rounds.prepareSettlement(current, {
        multiplier,
        payout,
        result: r.result,
        jackpotContribution: Math.floor(round.stake * JACKPOT_CONTRIBUTION),
        jackpotHit: r.jackpot === true,
      });
      if (current.jackpotWin > 0) {
        this.o.logger.info('jackpot won', {
          round_id: round.id,
          game: game.id,
          amount_cents: current.jackpotWin,
        });
      }
    }
    return this.pay(current, { multiplier, payout, result: r.result }, 1, ctx);
  }

  private async finishHand(
    round: Round,
    game: StatefulGame,
    hand: StoredHand,
    ctx: CallContext,
  ): Promise<{ round: Round; balance?: number | undefined; outcome: BetOutcome }> {
    const settled = hand.settled!;
    const multiplier = roundMultiplier(settled.multiplier);
    const payout = payoutOf(round.stake, multiplier);
    if (round.status !== 'settling') {
      // Store the finished hand first: from here on, recovery only has to pay it.
      if (!(await this.o.rounds.saveHand(round, hand, 'settling'))) throw concurrentAction();
    }
    const current = (await this.o.rounds.get(round.id))!;
    return this.pay(current, { multiplier, payout, result: game.view(hand) }, hand.stakeMultiple, ctx);
  }

  private async pay(
    round: Round,
    s: { multiplier: number; payout: number; result: unknown },
    stakeMultiple: number,
    ctx: CallContext,
  ): Promise<{ round: Round; balance?: number | undefined; outcome: BetOutcome }> {
    const total = s.payout + round.jackpotWin;
    let balance: number | undefined;
    if (total > 0) {
      const credited = await this.walletCall(() =>
        this.o.wallet.credit(
          walletKeys(round.id).payout,
          { player_id: round.playerId, amount_cents: total, round_id: round.id, game: round.game },
          ctx,
        ),
      );
      balance = credited.balance_cents;
    }
    this.maybeCrash('payout');
    const outcome = outcomeOf(s.multiplier, stakeMultiple);
    // In the round's trace context: the bet.settled event carries it to the leaderboard.
    const settled = await this.o.rounds.settle(
      round,
      s,
      settledEvent(round, s.multiplier, stakeMultiple, total, outcome),
    );
    if (settled) this.o.observer.settled(round, outcome, round.stake * stakeMultiple, total);
    return { round: settled ?? (await this.o.rounds.get(round.id))!, balance, outcome };
  }

  /** Debits a stake. Insufficient funds voids a fresh round; an unknown outcome leaves it to recovery. */
  private async debit(round: Round, key: string, amount: number, ctx: CallContext, fresh = true) {
    try {
      return await this.o.wallet.debit(
        key,
        { player_id: round.playerId, amount_cents: amount, round_id: round.id, game: round.game },
        ctx,
      );
    } catch (err) {
      if (err instanceof WalletRefusal) {
        if (fresh) await this.o.rounds.void(round.id, err.slug || 'refused by the wallet');
        else await this.clearDoubling(round);
        if (err.status === 422) throw new UnprocessableError(String(err.problem.detail), err.slug);
        throw new ConflictError(String(err.problem.detail ?? err.message), err.slug || 'conflict');
      }
      throw this.unavailable(err, round);
    }
  }

  private async clearDoubling(round: Round): Promise<void> {
    const hand = { ...(round.hand as StoredHand) };
    delete hand.doubling;
    await this.o.rounds.saveHand(round, hand, 'open');
  }

  /** Makes sure a bet never takes money: refunds it if it arrived, or cancels it if it did not. */
  private async cancelBet(round: Round, betKey: string, refundKey: string, ctx: CallContext): Promise<void> {
    try {
      await this.o.wallet.refund(
        refundKey,
        { player_id: round.playerId, bet_key: betKey, round_id: round.id, game: round.game },
        ctx,
      );
    } catch (err) {
      // 404: the bet never arrived and now never will; 409 already refunded: nothing left to undo.
      if (err instanceof WalletRefusal && (err.status === 404 || err.status === 409)) return;
      throw err;
    }
  }

  private async walletCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  private unavailable(err: unknown, round?: Round): unknown {
    if (!(err instanceof WalletUnavailable)) return err;
    this.o.logger.warn('wallet unavailable during a round', { error: err.message, round_id: round?.id });
    return new ServiceUnavailableError(
      'The wallet did not answer. Your round is recorded and will be settled or voided automatically: ' +
        'read it again shortly (GET /api/v1/casino/rounds/{id}), or retry with the same Idempotency-Key.',
      5,
      round ? { round_id: round.id } : {},
    );
  }

  private maybeCrash(point: CrashPoint): void {
    if (this.o.crashAfter && this.o.crashAfter === point) {
      this.o.logger.error(`CASINO_CRASH_AFTER=${point}: stopping the process now, as configured`);
      process.kill(process.pid, 'SIGKILL');
    }
  }

  /**
   * Finishes rounds a crash or an outage left behind: a pending round is settled if the wallet took
   * its stake and voided (its bet cancelled) if not; a settling one is paid; a hand left open too
   * long stands. Returns how many rounds it finished.
   */
  async recover(
    graceSeconds: number,
    handTimeoutSeconds: number,
  ): Promise<{ settled: number; voided: number }> {
    const counts = { settled: 0, voided: 0 };
    const ctx: CallContext = {};
    for (const round of await this.o.rounds.unfinished(graceSeconds, handTimeoutSeconds)) {
      const game = this.games.get(round.game);
      if (!game) continue; // Another deployment serves that game and recovers its rounds.
      try {
        const done = await this.recoverRound(round, game, ctx);
        counts[done] += 1;
        this.o.logger.info('recovered an unfinished round', {
          round_id: round.id,
          game: round.game,
          was: round.status,
          now: done,
        });
      } catch (err) {
        this.o.logger.warn('could not recover a round yet; will retry', {
          round_id: round.id,
          error: (err as Error).message,
        });
      }
    }
    return counts;
  }

  private async recoverRound(round: Round, game: Game, ctx: CallContext): Promise<'settled' | 'voided'> {
    const keys = walletKeys(round.id);
    if (round.status === 'pending') {
      const taken = await this.walletCall(() => this.o.wallet.find(keys.debit, ctx));
      if (!taken) {
        await this.cancelBet(round, keys.debit, keys.refund, ctx);
        await this.o.rounds.void(round.id, 'interrupted before the stake was taken');
        return 'voided';
      }
      if (game.kind === 'instant') {
        await this.finishInstant(round, game, ctx);
        return 'settled';
      }
      // Dealt but never stored: deal again (the same cards) and stand for the player.
      const hand: StoredHand = { ...game.start(round.params, new FairRng(seedsOf(round))), actions: [] };
      const dealt = { ...round, hand };
      return this.standAndFinish(dealt, game, hand, ctx);
    }
    if (game.kind === 'instant') {
      await this.finishInstant(round, game, ctx);
      return 'settled';
    }
    if (round.status === 'settling') {
      await this.finishHand(round, game, round.hand as StoredHand, ctx);
      return 'settled';
    }
    // An open hand nobody finished in time: complete an interrupted double, then stand.
    const resolved = await this.resolveInterruptedDouble(round, ctx).catch((err) => {
      if (err instanceof ConflictError && err.slug === 'double-completed') return undefined;
      throw err;
    });
    if (!resolved) return 'settled';
    return this.standAndFinish(resolved, game, resolved.hand as StoredHand, ctx);
  }

  private async standAndFinish(
    round: Round,
    game: StatefulGame,
    hand: StoredHand,
    ctx: CallContext,
  ): Promise<'settled'> {
    let finished = hand;
    if (!finished.settled) {
      finished = {
        ...game.act(hand, 'stand', new FairRng(seedsOf(round), hand.cursor)),
        actions: [...hand.actions, 'stand'],
      };
    }
    await this.finishHand(round, game, finished, ctx);
    return 'settled';
  }
}

/** The bet.settled event of a round; the trace context goes with it when this round is traced. */
function settledEvent(
  round: Round,
  multiplier: number,
  stakeMultiple: number,
  paid: number,
  outcome: BetOutcome,
) {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return {
    envelope: {
      id: randomUUID(),
      type: 'bet.settled',
      // Replaced by the settlement time in the database.
      occurred_at: new Date().toISOString(),
      player_id: round.playerId,
      source: 'casino',
      data: {
        round_id: round.id,
        game: round.game,
        stake_cents: round.stake * stakeMultiple,
        payout_cents: paid,
        multiplier,
        outcome,
      },
    },
    traceparent: carrier.traceparent,
  };
}

const concurrentAction = () =>
  new ConflictError(
    'Another action on this round was taken at the same time: read the round and try again.',
    'concurrent-action',
  );

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}
