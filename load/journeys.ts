// Player journeys: what one player does in one visit. In the casino journey each iteration is a new
// player (register, log in), who gets play money from the admin, opens a casino session of a few
// games, posts the session's events and reads the leaderboards. Events and leaderboards need Kafka:
// when the gateway does not route them (404, e.g. a platform started without Kafka), those steps are
// counted in gameday_not_deployed and skipped, never failed.
//
// In the Pokémon journey each iteration is a new trainer, who builds a team, battles the AI (and checks
// the battle's replay), reads the day's challenges, then plays a live battle against a rival this VU
// registers too: both queue for a match and this VU plays both sides (or its own side, when one is
// paired with another VU's trainer), bounded in time and turns; without the scheduler (matchmaking not
// routed) the trainer challenges the rival directly. It ends with the trainer's battles and a claim of
// the day's easy challenge. Without the pokemon service (not routed) the journey is skipped.
import { group, sleep } from 'k6';
import exec from 'k6/execution';
import { GAME_IDS } from '../apps/casino/src/contract.ts';
import {
  adminLogin,
  balance,
  deployed,
  deposit,
  listGames,
  newPlayer,
  playRound,
  postEvents,
  readLeaderboards,
  roundHistory,
} from './lib/api.ts';
import {
  accept,
  aiBattle,
  buildTeam,
  challenge,
  challengesToday,
  claimChallenge,
  listBattles,
  playLiveBattles,
  readBattle,
  trainerProfile,
  verifyReplay,
} from './lib/pokemon.ts';
import type { Trainer } from './lib/pokemon.ts';

export interface SetupData {
  adminToken: string;
  adminSince: number;
  events: boolean;
  leaderboards: boolean;
  pokemon: boolean;
  scheduler: boolean;
}

/** Once per test: the admin's token and which optional areas the gateway routes. */
export function setup(): SetupData {
  const data = {
    adminToken: adminLogin(),
    adminSince: Date.now(),
    events: deployed('events'),
    leaderboards: deployed('leaderboards'),
    pokemon: deployed('pokemon'),
    scheduler: deployed('scheduler'),
  };
  if (!data.events) console.warn('events are not routed by the gateway (404): skipping event posts');
  if (!data.leaderboards) console.warn('leaderboards are not routed by the gateway (404): skipping reads');
  if (!data.pokemon) console.warn('pokemon is not routed by the gateway (404): skipping the Pokémon journey');
  if (data.pokemon && !data.scheduler) {
    console.warn(
      'the scheduler (matchmaking, daily challenges) is not routed by the gateway (404): ' +
        'live battles start with a direct challenge, no daily challenges',
    );
  }
  return data;
}

/** Think time between a player's actions, scaled by THINK (default 1; 0 for none). */
function think(seconds: number): void {
  const scale = Number(__ENV.THINK ?? '1');
  if (scale > 0) sleep(seconds * scale * (0.5 + Math.random()));
}

// Tokens live 15 minutes; a VU logs the admin in again after 10 (long stress runs).
let adminToken: string | undefined;
let adminSince = 0;
function admin(data: SetupData): string {
  if (adminToken === undefined) [adminToken, adminSince] = [data.adminToken, data.adminSince];
  if (Date.now() - adminSince > 10 * 60_000) [adminToken, adminSince] = [adminLogin(), Date.now()];
  return adminToken;
}

/** Every game of the casino's catalogue (blackjack: dealt, then stood on). */
const GAMES: readonly string[] = GAME_IDS;

export function playerJourney(data: SetupData): void {
  const player = group('register and log in', () => newPlayer());
  if (!player) return;
  think(0.5);

  const funded = group('deposit', () => deposit(admin(data), player.id, '100.00'));
  if (!funded) return;
  think(0.5);

  group('casino session', () => {
    balance(player.token);
    const served = listGames(player.token);
    const games = GAMES.filter((g) => served.length === 0 || served.includes(g));
    const rounds = 3 + Math.floor(Math.random() * 3);
    for (let i = 0; i < rounds; i++) {
      playRound(player.token, games[(exec.scenario.iterationInTest + i) % games.length]!);
      think(0.3);
    }
    roundHistory(player.token);
    balance(player.token);
  });
  think(0.5);

  if (data.events) group('session events', () => postEvents(player.token));
  if (data.leaderboards) {
    think(0.5);
    group('leaderboards', () => readLeaderboards(player.token));
  }
}

/** How long a trainer waits in the matchmaking queue (a pass every 2 s pairs two fresh trainers at once). */
const MATCH_WAIT_SECONDS = 20;
/** How long the live part lasts at most (queue and battle): ~17 turns of `default`, a think each. */
const LIVE_SECONDS = 90;
/** A live battle still running at this turn is forfeited (the simulator's own limit is 1000). */
const MAX_TURNS = 60;

/**
 * A new player with a team, or undefined when a step failed (its check says which). A newcomer opens
 * their trainer profile and reads the species' pages first; the rival knows them already.
 */
function newTrainer(newcomer: boolean): Trainer | undefined {
  const player = newPlayer();
  if (!player) return undefined;
  if (newcomer) trainerProfile(player.token);
  return buildTeam(player, () => think(0.3), newcomer);
}

export function pokemonJourney(data: SetupData): void {
  if (!data.pokemon) return;
  const trainer = group('build a team', () => newTrainer(true));
  if (!trainer) return;
  const token = trainer.player.token;
  think(0.5);

  const today = data.scheduler ? group('daily challenges', () => challengesToday(token)) : undefined;
  think(0.5);

  group('battle the AI', () => {
    const battle = aiBattle(token, trainer.teamId);
    if (!battle?.id) return;
    think(0.3);
    readBattle(token, battle.id);
    verifyReplay(token, battle.id);
  });
  think(0.5);

  group('live battle', () => {
    // The rival: a second trainer of this VU's. Queued right after the trainer, it is usually the one
    // they are paired with, and this VU plays both sides: the battle waits on no other VU.
    const rival = newTrainer(false);
    if (!rival) return;
    const options = {
      deadline: Date.now() + LIVE_SECONDS * 1000,
      matchWaitMs: MATCH_WAIT_SECONDS * 1000,
      maxTurns: MAX_TURNS,
      think: () => think(0.5),
      pollSeconds: 1,
    };
    if (data.scheduler) {
      playLiveBattles([trainer, rival], [], options);
      return;
    }
    const id = challenge(trainer, rival.player.id);
    if (!id || !accept(rival, id)) return;
    playLiveBattles(
      [],
      [
        { trainer, battleId: id },
        { trainer: rival, battleId: id },
      ],
      options,
    );
  });
  think(0.5);

  group('after the battles', () => {
    listBattles(token);
    const easy = today?.items.find((c) => c.difficulty === 'easy' && !c.completed_at);
    if (today && easy) claimChallenge(token, today.day, easy.key);
  });
}
