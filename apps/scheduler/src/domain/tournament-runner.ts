// Tournaments as jobs. `start` seeds the entrants and writes round 1; `playRound` plays each match of
// a round as a battle (the pokemon service, once per tournament/round/slot), records the results
// and writes the next round, or finishes the tournament and publishes tournament.finished. Every
// step is idempotent, so a scheduler killed mid-round and restarted (pg-boss hands the job to a new
// worker after its heartbeat stops) finishes the round without playing any battle twice.
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '@gameday/telemetry';
import type { Logger } from '@gameday/telemetry';
import { outboxInsert } from '@gameday/outbox';
import type { PokemonClient } from '../data-access/pokemon-client';
import { PokemonRefusal } from '../data-access/pokemon-client';
import type { Match, Store, Tournament } from '../data-access/store';
import {
  eliminationFirstRound,
  eliminationNextRound,
  roundsFor,
  seed,
  standings,
  swissRound,
} from './tournaments';
import type { Entrant, Pairing, Result, TournamentKind } from './tournaments';

export interface TournamentEvents {
  /** Called to have a round played (a job). */
  scheduleRound(tournamentId: string, round: number): Promise<void>;
  scheduleStart(tournamentId: string, at: Date): Promise<void>;
}

export interface TournamentObserver {
  battlePlayed(): void;
  finished(kind: TournamentKind): void;
}

export class TournamentRunner {
  constructor(
    private readonly store: Store,
    private readonly pokemon: PokemonClient,
    private readonly events: TournamentEvents,
    private readonly logger: Logger,
    private readonly observer: TournamentObserver,
  ) {}

  async create(input: {
    name: string;
    format: string;
    kind: TournamentKind;
    max_entrants: number;
    starts_at: Date;
    created_by: string;
  }): Promise<Tournament> {
    const t = await this.store.createTournament(this.store.pool, { id: randomUUID(), ...input });
    await this.events.scheduleStart(t.id, t.starts_at);
    return t;
  }

  /** A trainer enters with a team (checked by the pokemon service for the format, with their rating). */
  async join(tournamentId: string, trainerId: string, teamId: string): Promise<void> {
    const t = await this.store.tournament(tournamentId);
    if (!t) throw new NotFoundError('No such tournament.');
    if (t.status !== 'open')
      throw new ConflictError(`The tournament is ${t.status}: entries are closed.`, 'tournament-closed');
    const check = await this.pokemon.checkTeam(trainerId, teamId, t.format).catch((e: unknown) => {
      if (e instanceof PokemonRefusal) {
        const detail = Array.isArray(e.problem.errors)
          ? String((e.problem.errors as { detail?: string }[])[0]?.detail ?? e.message)
          : e.message;
        throw new ValidationError([{ pointer: '/team_id', field: 'team_id', detail }]);
      }
      throw e;
    });
    await this.store.transaction(async (client) => {
      const locked = (await this.store.tournament(tournamentId, client, true))!;
      if (locked.status !== 'open')
        throw new ConflictError('The tournament has started: entries are closed.', 'tournament-closed');
      const entries = await this.store.entries(tournamentId, client);
      if (entries.some((e) => e.trainer_id === trainerId)) {
        throw new ConflictError('You are already in this tournament.', 'already-entered');
      }
      if (entries.length >= locked.max_entrants)
        throw new ConflictError('The tournament is full.', 'tournament-full');
      await this.store.addEntry(client, {
        tournament_id: tournamentId,
        trainer_id: trainerId,
        team_id: teamId,
        rating: check.rating,
      });
    });
  }

  /** The start job: closes entries, seeds, writes round 1 (or cancels a tournament of fewer than two). */
  async start(tournamentId: string): Promise<void> {
    const round1 = await this.store.transaction(async (client) => {
      const t = await this.store.tournament(tournamentId, client, true);
      if (!t || t.status === 'finished' || t.status === 'cancelled') return undefined;
      if (t.status === 'running') return t.current_round || 1; // a retried start: carry on
      const entries = await this.store.entries(tournamentId, client);
      if (entries.length < 2) {
        await this.store.setStatus(client, tournamentId, 'cancelled');
        this.logger.info('tournament cancelled: fewer than two entrants', { tournament_id: tournamentId });
        return undefined;
      }
      const seeded = seed(entries.map((e) => ({ trainerId: e.trainer_id, rating: e.rating })));
      await this.store.setSeeds(client, tournamentId, seeded);
      const pairings = t.kind === 'swiss' ? swissRound(standings(seeded, [])) : eliminationFirstRound(seeded);
      await this.store.addMatches(client, tournamentId, 1, pairings);
      await this.store.setStatus(client, tournamentId, 'running', {
        rounds: roundsFor(entries.length),
        currentRound: 1,
      });
      return 1;
    });
    if (round1 !== undefined) await this.events.scheduleRound(tournamentId, round1);
  }

  /** The round job: plays what is unplayed, then writes the next round or finishes. */
  async playRound(tournamentId: string, round: number): Promise<void> {
    const t = await this.store.tournament(tournamentId);
    if (!t || t.status !== 'running') return;
    const entries = await this.store.entries(tournamentId);
    const teams = new Map(entries.map((e) => [e.trainer_id, e.team_id]));
    for (const m of await this.store.matches(tournamentId, round)) {
      if (m.played_at) continue;
      await this.play(t, m, teams);
    }
    const played = await this.store.matches(tournamentId, round);
    if (played.some((m) => !m.played_at))
      throw new Error(`round ${round} of ${tournamentId} has unplayed matches`);
    await this.advance(t, round, played);
  }

  private async play(t: Tournament, m: Match, teams: Map<string, string>): Promise<void> {
    if (m.p2 === null) {
      await this.store.recordResult(t.id, m.round, m.slot, { battleId: null, winnerId: m.p1, draw: false });
      return;
    }
    let battle;
    try {
      battle = await this.pokemon.arrange({
        format: t.format,
        mode: 'auto',
        rated: false,
        p1: { trainer_id: m.p1, team_id: teams.get(m.p1)! },
        p2: { trainer_id: m.p2, team_id: teams.get(m.p2)! },
        origin: 'tournament',
        origin_ref: `${t.id}:${m.round}:${m.slot}`,
      });
    } catch (e) {
      // A team no longer fit to battle (deleted, or edited out of the format since it entered): a
      // walkover for the other side (the better seed, p1, when both are unfit). Retrying cannot help.
      if (e instanceof PokemonRefusal && e.status === 400) {
        const fields = Array.isArray(e.problem.errors)
          ? (e.problem.errors as { field?: string }[]).map((x) => x.field ?? '')
          : [];
        const p1Unfit = fields.some((f) => f.startsWith('p1'));
        const p2Unfit = fields.some((f) => f.startsWith('p2'));
        const winner = p1Unfit && !p2Unfit ? m.p2 : m.p1;
        this.logger.warn('tournament match: a team is unfit to battle; walkover', {
          tournament_id: t.id,
          round: m.round,
          slot: m.slot,
          winner_id: winner,
          error: e.message,
        });
        await this.store.recordResult(t.id, m.round, m.slot, {
          battleId: null,
          winnerId: winner,
          draw: false,
        });
        return;
      }
      throw e;
    }
    this.observer.battlePlayed();
    await this.store.recordResult(t.id, m.round, m.slot, {
      battleId: battle.id,
      winnerId: battle.winner_id,
      draw: battle.winner === 'tie',
    });
  }

  private async advance(t: Tournament, round: number, played: Match[]): Promise<void> {
    const entries = await this.store.entries(t.id);
    const seeded: Entrant[] = entries.map((e) => ({
      trainerId: e.trainer_id,
      rating: e.rating,
      seed: e.seed ?? 0,
    }));
    let next: Pairing[] | undefined;
    let winner: string | undefined;
    if (t.kind === 'single-elimination') {
      // A draw sends the better seed (p1) through.
      const advancing = played.map((m) => ({ slot: m.slot, advancing: m.winner_id ?? m.p1 }));
      if (advancing.length === 1) winner = advancing[0]!.advancing;
      else next = eliminationNextRound(advancing);
    } else {
      const results: Result[] = (await this.store.matches(t.id)).map((m) => ({
        round: m.round,
        p1: m.p1,
        p2: m.p2,
        winner: m.draw ? null : m.winner_id,
      }));
      const table = standings(seeded, results);
      if (round >= (t.rounds ?? roundsFor(entries.length))) winner = table[0]!.trainerId;
      else next = swissRound(table);
    }
    if (next) {
      await this.store.transaction(async (client) => {
        await this.store.addMatches(client, t.id, round + 1, next);
        await this.store.setStatus(client, t.id, 'running', { currentRound: round + 1 });
      });
      await this.events.scheduleRound(t.id, round + 1);
      return;
    }
    await this.finish(t, winner!);
  }

  private async finish(t: Tournament, winnerId: string): Promise<void> {
    const finished = await this.store.transaction(async (client) => {
      const locked = (await this.store.tournament(t.id, client, true))!;
      if (locked.status === 'finished') return false;
      await this.store.setStatus(client, t.id, 'finished', { winnerId });
      const matches = await this.store.matches(t.id, undefined, client);
      const entries = await this.store.entries(t.id, client);
      await client.query(
        outboxInsert({
          id: randomUUID(),
          type: 'tournament.finished',
          occurred_at: new Date().toISOString(),
          player_id: winnerId,
          source: 'scheduler',
          data: {
            tournament_id: t.id,
            name: t.name,
            format: t.format,
            kind: t.kind,
            winner_id: winnerId,
            entrants: entries.length,
            rounds: Math.max(...matches.map((m) => m.round)),
            battles: matches.filter((m) => m.battle_id).length,
          },
        }),
      );
      return true;
    });
    if (finished) {
      this.observer.finished(t.kind);
      this.logger.info('tournament finished', { tournament_id: t.id, winner_id: winnerId });
    }
  }
}
