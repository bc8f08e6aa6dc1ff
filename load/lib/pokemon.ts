// The Pokémon game as k6 plays it: the pokemon service's player API (trainers, Pokémon, teams, battles)
// and the scheduler's (the matchmaking queue, the daily challenges), one helper per thing a trainer
// does, tagged like every request of load/lib/api.ts (`service`, and `route`: the route template of
// apps/pokemon/src/routes.ts and apps/scheduler/src/routes.ts, which the SLO thresholds filter on).
// `playLiveBattles` is the client of a trainer (or two) in live battles: it waits in the queue, reads
// each battle and chooses whenever the battle waits for one of its sides, bounded in time and turns.
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
// The reference sets (legal in gen9ou): k6 loads this import-free file as it is (not bundled).
import { REFERENCE_SETS } from '../../apps/pokemon/src/contract.ts';
import type { ReferenceSet } from '../../apps/pokemon/src/contract.ts';
import { BASE, counted, expect, idempotencyKey, json, params } from './api.ts';
import type { Player } from './api.ts';

/** Battles a journey played, by mode (`ai`, `live`) and outcome (`finished`, `forfeited`: given up at the bound). */
export const battlesPlayed = new Counter('gameday_pokemon_battles');
/** Replays (GET /battles/{id}/replay) that re-simulated a battle to what was stored. */
export const replaysVerified = new Rate('gameday_pokemon_replays_verified');
/** Queued trainers matched before their wait was over (the others leave the queue). */
export const matched = new Rate('gameday_pokemon_matched');
/** Time from joining the matchmaking queue to being matched. */
export const matchWait = new Trend('gameday_pokemon_match_wait', true);

/** A player with a team: a trainer ready to battle. */
export interface Trainer {
  player: Player;
  teamId: string;
}

export interface BattleView {
  id?: string;
  mode?: string;
  status?: 'pending' | 'active' | 'finished';
  your_side?: string | null;
  waiting_for?: string[];
  turn?: number;
  winner?: string | null;
}

interface QueueEntry {
  status?: 'waiting' | 'matched' | 'left';
  battle_id?: string | null;
}

export interface DailyChallenge {
  key: string;
  difficulty: string;
  completed_at: string | null;
}

const P = `${BASE}/pokemon`;

/** The trainer's own profile (a trainer exists from their first Pokémon on; this creates it too). */
export function trainerProfile(token: string): boolean {
  const res = counted(http.get(`${P}/trainers/me`, params('pokemon', '/api/v1/pokemon/trainers/me', token)));
  return expect(res, 'trainer profile', [200]);
}

/** A species' pokédex page (which may wait up to POKEAPI_WAIT_MS for PokeAPI's enrichment). */
export function speciesPage(token: string, species: string): boolean {
  const res = counted(
    http.get(
      `${P}/species/${encodeURIComponent(species)}`,
      params('pokemon', '/api/v1/pokemon/species/:id', token),
    ),
  );
  return expect(res, 'species page', [200]);
}

export function createPokemon(token: string, set: ReferenceSet): string | undefined {
  const res = counted(
    http.post(
      `${P}/trainers/me/pokemon`,
      JSON.stringify(set),
      params('pokemon', '/api/v1/pokemon/trainers/me/pokemon', token),
    ),
  );
  if (!expect(res, 'create Pokémon', [201])) return undefined;
  return json<{ id?: string }>(res)?.id;
}

export function createTeam(token: string, name: string, pokemon: string[]): string | undefined {
  const res = counted(
    http.post(
      `${P}/trainers/me/teams`,
      JSON.stringify({ name, format: 'gen9ou', pokemon }),
      params('pokemon', '/api/v1/pokemon/trainers/me/teams', token),
    ),
  );
  if (!expect(res, 'create team', [201])) return undefined;
  return json<{ id?: string }>(res)?.id;
}

/**
 * A team of the first three reference sets: the trainer reads each species' page (with `browse`),
 * creates the Pokémon, then the team. `think` runs between the Pokémon, as a player takes a moment.
 */
export function buildTeam(player: Player, think: () => void, browse: boolean): Trainer | undefined {
  const ids: string[] = [];
  for (const set of REFERENCE_SETS.slice(0, 3)) {
    if (browse) speciesPage(player.token, set.species);
    const id = createPokemon(player.token, set);
    if (!id) return undefined;
    ids.push(id);
    think();
  }
  const teamId = createTeam(player.token, 'k6 team', ids);
  return teamId ? { player, teamId } : undefined;
}

/** An instant battle against the AI, with an Idempotency-Key: simulated to its end in the request. */
export function aiBattle(token: string, teamId: string): BattleView | undefined {
  const res = counted(
    http.post(
      `${P}/battles`,
      JSON.stringify({ mode: 'ai', team_id: teamId }),
      params('pokemon', '/api/v1/pokemon/battles', token, { 'idempotency-key': idempotencyKey() }),
    ),
  );
  if (!expect(res, 'AI battle', [201])) return undefined;
  const battle = json<BattleView>(res);
  if (check(battle, { 'AI battle: finished in the request': (b) => b?.status === 'finished' })) {
    battlesPlayed.add(1, { mode: 'ai', outcome: 'finished' });
  }
  return battle;
}

/** One of the trainer's battles as their side sees it. */
export function readBattle(token: string, id: string): BattleView | undefined {
  const res = counted(
    http.get(`${P}/battles/${id}`, params('pokemon', '/api/v1/pokemon/battles/:id', token)),
  );
  return expect(res, 'read battle', [200]) ? json<BattleView>(res) : undefined;
}

/** Re-simulates a battle from its seed and choices: `verified` must be true. */
export function verifyReplay(token: string, id: string): boolean {
  const res = counted(
    http.get(`${P}/battles/${id}/replay`, params('pokemon', '/api/v1/pokemon/battles/:id/replay', token)),
  );
  if (!expect(res, 'battle replay', [200])) return false;
  const verified = json<{ verified?: boolean }>(res)?.verified === true;
  check(verified, { 'battle replay: verified': (v) => v });
  replaysVerified.add(verified);
  return verified;
}

/** The trainer's latest battles. */
export function listBattles(token: string): boolean {
  const res = counted(http.get(`${P}/battles?limit=10`, params('pokemon', '/api/v1/pokemon/battles', token)));
  return expect(res, 'my battles', [200]);
}

/** Challenges another trainer (rated, gen9ou): a pending battle until they accept. */
export function challenge(trainer: Trainer, opponentId: string): string | undefined {
  const res = counted(
    http.post(
      `${P}/battles`,
      JSON.stringify({ mode: 'pvp', team_id: trainer.teamId, opponent_id: opponentId }),
      params('pokemon', '/api/v1/pokemon/battles', trainer.player.token, {
        'idempotency-key': idempotencyKey(),
      }),
    ),
  );
  if (!expect(res, 'challenge a trainer', [201])) return undefined;
  return json<BattleView>(res)?.id;
}

export function accept(trainer: Trainer, id: string): boolean {
  const res = counted(
    http.post(
      `${P}/battles/${id}/accept`,
      JSON.stringify({ team_id: trainer.teamId }),
      params('pokemon', '/api/v1/pokemon/battles/:id/accept', trainer.player.token),
    ),
  );
  return expect(res, 'accept a challenge', [200]);
}

/**
 * A choice for the current turn. 409 is an answer, not a failure: the battle moved on without this
 * side (the turn timer chose for it, the opponent forfeited, the battle ended) since it was read.
 */
export function choose(token: string, id: string, choice = 'default'): { status: number; view?: BattleView } {
  const res = counted(
    http.post(
      `${P}/battles/${id}/choices`,
      JSON.stringify({ choice }),
      params('pokemon', '/api/v1/pokemon/battles/:id/choices', token),
    ),
  );
  expect(res, 'battle choice', [200, 409]);
  return { status: res.status, view: res.status === 200 ? json<BattleView>(res) : undefined };
}

/** Gives a battle up (409: it ended already). */
export function forfeit(token: string, id: string): boolean {
  const res = counted(
    http.post(
      `${P}/battles/${id}/forfeit`,
      null,
      params('pokemon', '/api/v1/pokemon/battles/:id/forfeit', token),
    ),
  );
  return expect(res, 'forfeit', [200, 409]);
}

// --- the scheduler: matchmaking and daily challenges --------------------------------------------

function joinQueue(trainer: Trainer): boolean {
  const res = counted(
    http.post(
      `${BASE}/matchmaking/queue`,
      JSON.stringify({ team_id: trainer.teamId }),
      params('scheduler', '/api/v1/matchmaking/queue', trainer.player.token, {
        'idempotency-key': idempotencyKey(),
      }),
    ),
  );
  return expect(res, 'join matchmaking', [201]);
}

function queueStatus(token: string): QueueEntry | undefined {
  const res = counted(
    http.get(`${BASE}/matchmaking/queue/me`, params('scheduler', '/api/v1/matchmaking/queue/me', token)),
  );
  return expect(res, 'matchmaking status', [200]) ? json<QueueEntry>(res) : undefined;
}

/** Leaves the queue: true when left, false when there was no waiting entry (matched meanwhile). */
function leaveQueue(token: string): boolean {
  const res = counted(
    http.del(
      `${BASE}/matchmaking/queue/me`,
      null,
      params('scheduler', '/api/v1/matchmaking/queue/me', token),
    ),
  );
  expect(res, 'leave matchmaking', [204, 404]);
  return res.status === 204;
}

export function challengesToday(token: string): { day: string; items: DailyChallenge[] } | undefined {
  const res = counted(
    http.get(`${BASE}/challenges/today`, params('scheduler', '/api/v1/challenges/today', token)),
  );
  if (!expect(res, 'daily challenges', [200])) return undefined;
  const today = json<{ day?: string; items?: DailyChallenge[] }>(res);
  return today?.day && today.items ? { day: today.day, items: today.items } : undefined;
}

/** Claims a challenge: 201 done, 422 not done yet, 409 claimed already (or the day is over). */
export function claimChallenge(token: string, day: string, key: string): boolean {
  const res = counted(
    http.post(
      `${BASE}/challenges/${day}/${encodeURIComponent(key)}/claim`,
      null,
      params('scheduler', '/api/v1/challenges/:day/:key/claim', token),
    ),
  );
  return expect(res, 'claim a challenge', [201, 409, 422]);
}

// --- live battles -------------------------------------------------------------------------------

export interface LiveOptions {
  /** When the session is over (epoch ms): a battle still on is forfeited, a queued trainer leaves. */
  deadline: number;
  /** How long a trainer waits in the queue before leaving it. */
  matchWaitMs: number;
  /** A battle still running at this turn is forfeited (with `default` on both sides they end by ~20). */
  maxTurns: number;
  /** Between turns: the player thinks. */
  think: () => void;
  /** Between looks at a battle that waits for the opponent, or at the queue. */
  pollSeconds: number;
}

interface Seat {
  trainer: Trainer;
  side?: string;
}

interface Live {
  id: string;
  seats: Seat[];
  status?: BattleView['status'];
  waitingFor: string[];
  turn: number;
  outcome?: 'finished' | 'forfeited';
}

/**
 * Queues the `queued` trainers for a match (gen9ou, by rating), then plays every live battle they are
 * matched into and every battle of `seated` (started already), choosing
 * `default` for each of this VU's sides whenever the battle waits for it. Two trainers of one VU queued
 * back to back are usually paired together, and then this VU plays both sides; a trainer paired with
 * another VU's is played here for its own side only, that VU playing the other. Bounded: a trainer
 * still waiting at `matchWaitMs` leaves the queue, a battle still running at `maxTurns` or at the
 * deadline is forfeited. Each battle that started is then replayed (`verified` must be true).
 */
export function playLiveBattles(
  queued: Trainer[],
  seated: { trainer: Trainer; battleId: string }[],
  o: LiveOptions,
): void {
  const battles = new Map<string, Live>();
  const seat = (trainer: Trainer, id: string) => {
    const live = battles.get(id) ?? { id, seats: [], waitingFor: [], turn: 0 };
    live.seats.push({ trainer });
    battles.set(id, live);
  };
  for (const s of seated) seat(s.trainer, s.battleId);
  const joined = Date.now();
  const waiting = new Set(queued.filter(joinQueue));

  /** Leaves the queue; when it turns out matched meanwhile, takes the seat. */
  const leave = (t: Trainer) => {
    waiting.delete(t);
    if (leaveQueue(t.player.token)) {
      matched.add(false);
      return;
    }
    const entry = queueStatus(t.player.token);
    if (entry?.status === 'matched' && entry.battle_id) {
      matched.add(true);
      matchWait.add(Date.now() - joined);
      seat(t, entry.battle_id);
    }
  };

  while (Date.now() < o.deadline) {
    let acted = false;
    for (const t of [...waiting]) {
      const entry = queueStatus(t.player.token);
      if (entry?.status === 'matched' && entry.battle_id) {
        waiting.delete(t);
        matched.add(true);
        matchWait.add(Date.now() - joined);
        seat(t, entry.battle_id);
      } else if (entry?.status === 'left' || Date.now() - joined > o.matchWaitMs) {
        leave(t);
      }
    }
    for (const live of battles.values()) if (!live.outcome) acted = step(live, o.maxTurns) || acted;
    if (waiting.size === 0 && [...battles.values()].every((b) => b.outcome)) break;
    if (acted) o.think();
    else sleep(o.pollSeconds);
  }

  // The bound: nobody stays queued, no battle stays open.
  for (const t of [...waiting]) leave(t);
  for (const live of battles.values()) if (!live.outcome) giveUp(live);
  for (const live of battles.values()) {
    battlesPlayed.add(1, { mode: 'live', outcome: live.outcome! });
    verifyReplay(live.seats[0]!.trainer.player.token, live.id);
  }
}

function update(live: Live, view: BattleView | undefined): void {
  if (!view) return;
  live.status = view.status;
  live.waitingFor = view.waiting_for ?? [];
  live.turn = view.turn ?? live.turn;
  if (live.status === 'finished') live.outcome ??= 'finished';
}

function giveUp(live: Live): void {
  forfeit(live.seats[0]!.trainer.player.token, live.id);
  live.outcome ??= 'forfeited';
}

/** One look at a battle: choose for each of this VU's sides it waits for. Returns whether any chose. */
function step(live: Live, maxTurns: number): boolean {
  // The first read tells each trainer which side they are.
  for (const s of live.seats) {
    if (s.side) continue;
    const view = readBattle(s.trainer.player.token, live.id);
    if (!view) return false;
    s.side = view.your_side ?? undefined;
    update(live, view);
  }
  if (live.outcome) return false;
  if (live.turn >= maxTurns) {
    giveUp(live);
    return false;
  }
  let acted = false;
  for (const s of live.seats) {
    if (live.outcome || live.status !== 'active' || !s.side || !live.waitingFor.includes(s.side)) continue;
    const { status, view } = choose(s.trainer.player.token, live.id);
    if (status === 200) {
      update(live, view);
      acted = true;
    } else if (status === 409) {
      update(live, readBattle(s.trainer.player.token, live.id));
    } else {
      // Refused (400) or failed (5xx): this battle cannot go on from here.
      giveUp(live);
      return true;
    }
  }
  // Waiting for the other side (another VU's trainer, or its turn timer): look again.
  if (!acted && !live.outcome) update(live, readBattle(live.seats[0]!.trainer.player.token, live.id));
  return acted;
}
