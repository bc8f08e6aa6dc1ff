// The player API as k6 calls it: one helper per thing a player (or the admin) does, each request
// tagged with the service it reaches (`service`) and its route template (`route`), which is what the
// thresholds derived from slo/specs/*.yaml filter on (scripts/k6-thresholds.mjs). Checks name the
// status codes a correct platform answers; 5xx are the only failures in http_req_failed (load/main.ts
// sets http.expectedStatuses(200..499)), as in the SLOs.
import http from 'k6/http';
import { check, fail } from 'k6';
import { Counter } from 'k6/metrics';
import type { RefinedParams, RefinedResponse, ResponseType } from 'k6/http';
// The casino's own game ids and reference bets: k6 loads this import-free file as it is (not bundled).
import { isGameId, REFERENCE_BETS, REFERENCE_STAKE } from '../../apps/casino/src/contract.ts';

/** Loopback only: a load test must never leave this machine by accident. */
export function gatewayUrl(): string {
  const raw = (__ENV.GATEWAY_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const m = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.exec(raw);
  if (!m) {
    fail(
      `GATEWAY_URL=${raw}: the load scripts only run against this machine (http://127.0.0.1:<port> or localhost)`,
    );
  }
  return raw;
}

export const BASE = `${gatewayUrl()}/api/v1`;
const JSON_HEADERS = { 'content-type': 'application/json' };
// nosemgrep: gameday.hardcoded-secret -- the synthetic load players' password; k6 targets only a loopback gateway (gatewayUrl)
const PASSWORD = 'correct horse battery staple';
export const ADMIN_EMAIL = __ENV.ADMIN_EMAIL || 'admin@gameday.local';
// nosemgrep: gameday.hardcoded-secret -- the local stack's documented admin (README), only for a loopback gateway
const ADMIN_PASSWORD = __ENV.ADMIN_PASSWORD || 'an admin password 123';

/** Requests refused with 429 (a gateway rate limit): not failures, but a load test should know. */
export const rateLimited = new Counter('gameday_rate_limited');
/** Calls skipped because the gateway does not route the area (404: events or leaderboard not deployed). */
export const notDeployed = new Counter('gameday_not_deployed');

export type Service = 'accounts' | 'wallet' | 'casino' | 'events' | 'leaderboard' | 'pokemon' | 'scheduler';
export type Res = RefinedResponse<ResponseType | undefined>;

/** Request parameters: the bearer token, extra headers, and the tags every request carries. */
export function params(service: Service, route: string, token?: string, extra: Record<string, string> = {}) {
  const p: RefinedParams<'text'> = {
    headers: { ...JSON_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra },
    tags: { service, route, name: route },
  };
  return p;
}

export function counted(res: Res): Res {
  if (res.status === 429) rateLimited.add(1);
  return res;
}

/** A check named `<what>: <statuses>` (e.g. `deposit: 201`), passed when the status is one of them. */
export function expect(res: Res, what: string, statuses: number[]): boolean {
  return check(res, { [`${what}: ${statuses.join('/')}`]: (r) => statuses.includes(r.status) });
}

export function json<T>(res: Res): T | undefined {
  try {
    return res.json() as unknown as T;
  } catch {
    return undefined;
  }
}

/** A fresh Idempotency-Key (printable ASCII, unique per VU and call). */
export function idempotencyKey(): string {
  const rnd = () =>
    Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return `k6-${__VU}-${__ITER}-${Date.now().toString(36)}-${rnd()}${rnd()}`;
}

export interface Player {
  id: string;
  email: string;
  token: string;
}

/** Registers `email` (409 when it exists already is fine) and logs in; undefined when login fails. */
export function registerAndLogin(
  email: string,
  password = PASSWORD,
  displayName = 'k6 player',
): Player | undefined {
  const reg = counted(
    http.post(
      `${BASE}/players`,
      JSON.stringify({ email, display_name: displayName, password }),
      params('accounts', '/api/v1/players'),
    ),
  );
  expect(reg, 'register', [201, 409]);
  const login = counted(
    http.post(
      `${BASE}/players/login`,
      JSON.stringify({ email, password }),
      params('accounts', '/api/v1/players/login'),
    ),
  );
  if (!expect(login, 'login', [200])) return undefined;
  const token = json<{ access_token?: string }>(login)?.access_token;
  if (!token) return undefined;
  // A client shows the player's profile after logging in: accounts' only other route, and the
  // traffic of its latency SLO (sign-up and login have their own).
  const me = counted(http.get(`${BASE}/players/me`, params('accounts', '/api/v1/players/me', token)));
  expect(me, 'profile', [200]);
  const id =
    (reg.status === 201 ? json<{ id?: string }>(reg)?.id : undefined) ?? json<{ id?: string }>(me)?.id;
  return id ? { id, email, token } : undefined;
}

/** A new player with a unique address. */
export function newPlayer(): Player | undefined {
  const rnd = Math.floor(Math.random() * 1e9).toString(36);
  return registerAndLogin(`k6-${__VU}-${__ITER}-${Date.now().toString(36)}-${rnd}@load.gameday.local`);
}

/** The admin the deposits need: ADMIN_EMAIL must be in the accounts service's ACCOUNTS_ADMIN_EMAILS. */
export function adminLogin(): string {
  const admin = registerAndLogin(ADMIN_EMAIL, ADMIN_PASSWORD, 'Admin');
  if (!admin) {
    fail(
      `cannot log in as ${ADMIN_EMAIL} (set ADMIN_EMAIL/ADMIN_PASSWORD to an admin of this platform, ` +
        'one listed in ACCOUNTS_ADMIN_EMAILS)',
    );
  }
  return admin.token;
}

/** An admin deposit of play money to a player's wallet. */
export function deposit(adminToken: string, playerId: string, amount = '100.00'): boolean {
  const res = counted(
    http.post(
      `${BASE}/wallet/deposits`,
      JSON.stringify({ player_id: playerId, amount }),
      params('wallet', '/api/v1/wallet/deposits', adminToken, { 'idempotency-key': idempotencyKey() }),
    ),
  );
  return expect(res, 'deposit', [201]);
}

export function balance(token: string): string | undefined {
  const res = counted(http.get(`${BASE}/wallet`, params('wallet', '/api/v1/wallet', token)));
  expect(res, 'balance', [200]);
  return json<{ balance?: string }>(res)?.balance;
}

export function listGames(token: string): string[] {
  const res = counted(http.get(`${BASE}/casino/games`, params('casino', '/api/v1/casino/games', token)));
  expect(res, 'games', [200]);
  return (json<{ games?: { id: string }[] }>(res)?.games ?? []).map((g) => g.id);
}

interface Round {
  id?: string;
  status?: string;
  outcome?: string;
}

/** One casino round of an instant game (201), or a blackjack hand dealt and stood on. */
export function playRound(token: string, game: string, stake = REFERENCE_STAKE): Round | undefined {
  const bet = isGameId(game) ? REFERENCE_BETS[game] : fail(`no game ${game} in the casino's catalogue`);
  const res = counted(
    http.post(
      `${BASE}/casino/games/${game}/rounds`,
      JSON.stringify({ stake, bet }),
      params('casino', '/api/v1/casino/games/:game/rounds', token, { 'idempotency-key': idempotencyKey() }),
    ),
  );
  if (!expect(res, `play ${game}`, [201])) return undefined;
  const round = json<Round>(res);
  if (game === 'blackjack' && round?.id && round.status !== 'settled') {
    const stand = counted(
      http.post(
        `${BASE}/casino/rounds/${round.id}/actions`,
        JSON.stringify({ action: 'stand' }),
        params('casino', '/api/v1/casino/rounds/:id/actions', token),
      ),
    );
    // 409: the hand finished on the deal (a natural), so there is nothing to stand on.
    expect(stand, 'blackjack stand', [200, 409]);
    return json<Round>(stand) ?? round;
  }
  return round;
}

export function roundHistory(token: string): void {
  const res = counted(
    http.get(`${BASE}/casino/rounds?limit=5`, params('casino', '/api/v1/casino/rounds', token)),
  );
  expect(res, 'round history', [200]);
}

/** The optional areas a journey checks for before using them (the gateway 404s an area it does not route). */
export type Area = 'events' | 'leaderboards' | 'pokemon' | 'scheduler';

/** One route per area, asked without a token; the route tag is the template, as for every request. */
const PROBES: Record<Area, { service: Service; route: string; path: string }> = {
  events: { service: 'events', route: '/api/v1/events', path: '/api/v1/events' },
  leaderboards: {
    service: 'leaderboard',
    route: '/api/v1/leaderboards/:board',
    path: '/api/v1/leaderboards/most-wagered',
  },
  pokemon: { service: 'pokemon', route: '/api/v1/pokemon/formats', path: '/api/v1/pokemon/formats' },
  // Matchmaking and the daily challenges: one upstream (the scheduler), routed together.
  scheduler: {
    service: 'scheduler',
    route: '/api/v1/matchmaking/queue/me',
    path: '/api/v1/matchmaking/queue/me',
  },
};

/** Whether the gateway routes an area: unauthenticated, a routed area answers 401, an unrouted one 404. */
export function deployed(area: Area): boolean {
  const { service, route, path } = PROBES[area];
  const res = counted(http.get(`${gatewayUrl()}${path}`, params(service, route)));
  return res.status !== 404;
}

export interface PlayerEvent {
  type: string;
  data?: Record<string, unknown>;
}

/** A session's events: `session.started` and a client event (flat snake_case data). */
export const SESSION_EVENTS: PlayerEvent[] = [
  { type: 'session.started', data: { client: 'k6', platform: 'web' } },
  { type: 'client.lobby_viewed', data: { screen: 'lobby', games_shown: 10 } },
];

/** Posts a player's own events (one batch); 202 once Kafka acknowledged them. */
export function postEvents(token: string, events: PlayerEvent[] = SESSION_EVENTS): boolean {
  const res = counted(
    http.post(`${BASE}/events`, JSON.stringify({ events }), params('events', '/api/v1/events', token)),
  );
  if (res.status === 404) {
    notDeployed.add(1, { area: 'events' });
    return false;
  }
  return expect(res, 'post events', [202]);
}

/** Reads a leaderboard and the player's own statistics (404 there: nothing reached the board yet). */
export function readLeaderboards(token: string, board = 'most-wagered', period = 'daily'): boolean {
  const res = counted(
    http.get(
      `${BASE}/leaderboards/${board}?period=${period}&limit=10`,
      params('leaderboard', '/api/v1/leaderboards/:board', token),
    ),
  );
  if (res.status === 404) {
    notDeployed.add(1, { area: 'leaderboards' });
    return false;
  }
  expect(res, `leaderboard ${board}`, [200]);
  const me = counted(
    http.get(
      `${BASE}/leaderboards/players/me`,
      params('leaderboard', '/api/v1/leaderboards/players/me', token),
    ),
  );
  return expect(me, 'my statistics', [200, 404]);
}
