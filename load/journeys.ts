// Player journeys: what one player does in one visit. Each iteration is a new player (register, log
// in), who gets play money from the admin, opens a casino session of a few games, posts the session's
// events and reads the leaderboards. Events and leaderboards need Kafka: when the gateway does not
// route them (404, e.g. a platform started without Kafka), those steps are counted in
// gameday_not_deployed and skipped, never failed.
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

export interface SetupData {
  adminToken: string;
  adminSince: number;
  events: boolean;
  leaderboards: boolean;
}

/** Once per test: the admin's token and which optional areas the gateway routes. */
export function setup(): SetupData {
  const data = {
    adminToken: adminLogin(),
    adminSince: Date.now(),
    events: deployed('events'),
    leaderboards: deployed('leaderboards'),
  };
  if (!data.events) console.warn('events are not routed by the gateway (404): skipping event posts');
  if (!data.leaderboards) console.warn('leaderboards are not routed by the gateway (404): skipping reads');
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
