// The routing table: which upstream serves each area of the player API (`/api/v1/<area>/...`).
// A new service joins the gateway by adding one entry here (and its URL variable to the stack).

export interface Area {
  /** The first path segment after /api/v1. */
  readonly area: string;
  /** The upstream's name: used in metrics, readiness and error messages (never its URL). */
  readonly upstream: string;
  /** The environment variable holding the upstream's base URL. */
  readonly urlVariable: string;
  /**
   * Whether the gateway refuses to start without it. Accounts is required (it issues the tokens);
   * an optional area whose URL is unset is not routed (its paths are 404s) and the start log says so.
   */
  readonly required: boolean;
}

export const AREAS = [
  { area: 'players', upstream: 'accounts', urlVariable: 'ACCOUNTS_URL', required: true },
  { area: 'wallet', upstream: 'wallet', urlVariable: 'WALLET_URL', required: false },
  { area: 'casino', upstream: 'casino', urlVariable: 'CASINO_URL', required: false },
  { area: 'pokemon', upstream: 'pokemon', urlVariable: 'POKEMON_URL', required: false },
  { area: 'tournaments', upstream: 'scheduler', urlVariable: 'SCHEDULER_URL', required: false },
  { area: 'matchmaking', upstream: 'scheduler', urlVariable: 'SCHEDULER_URL', required: false },
  { area: 'challenges', upstream: 'scheduler', urlVariable: 'SCHEDULER_URL', required: false },
  { area: 'scheduler', upstream: 'scheduler', urlVariable: 'SCHEDULER_URL', required: false },
  { area: 'events', upstream: 'events', urlVariable: 'EVENTS_URL', required: false },
  { area: 'leaderboards', upstream: 'leaderboard', urlVariable: 'LEADERBOARD_URL', required: false },
] as const satisfies readonly Area[];

export const API_PREFIX = '/api/v1';

/** Routes the gateway answers itself under /api/v1 (everything else goes to an area's upstream). */
export const GATEWAY_ROUTES: readonly { method: string; path: string }[] = [
  { method: 'GET', path: `${API_PREFIX}/openapi.json` },
];

/**
 * Requests that need no token: registering, logging in and reading the API description. Everything
 * else under /api/v1 requires a verified bearer token.
 */
export const PUBLIC_ROUTES: readonly { method: string; path: string }[] = [
  { method: 'POST', path: `${API_PREFIX}/players` },
  { method: 'POST', path: `${API_PREFIX}/players/login` },
  { method: 'GET', path: `${API_PREFIX}/openapi.json` },
];

/** Whether `method path` (path without query, as received) is a public route. */
export function isPublic(method: string, path: string): boolean {
  const normalised = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return PUBLIC_ROUTES.some((r) => r.method === method && r.path === normalised);
}
