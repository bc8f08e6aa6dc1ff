// Every route accounts serves under /api/v1, as data: the gateway's OpenAPI test checks the
// document against this list; a test keeps it equal to the routes the router really serves; the SLO
// test (slo/test/accounts-latency.test.ts) checks which latency SLO holds each route.
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  path: string;
  /** Whether the gateway must have verified a token (identity headers present). */
  auth: boolean;
  /**
   * Whether the handler hashes a password (scrypt, slow by design): such a route is held to the
   * accounts/password-latency SLO, every other one to accounts/latency (slo/specs/accounts.yaml).
   */
  hashesPassword?: true;
}

export const routes: RouteSpec[] = [
  { method: 'POST', path: '/api/v1/players', auth: false, hashesPassword: true },
  { method: 'POST', path: '/api/v1/players/login', auth: false, hashesPassword: true },
  { method: 'GET', path: '/api/v1/players/me', auth: true },
  { method: 'PATCH', path: '/api/v1/players/me', auth: true },
  { method: 'GET', path: '/api/v1/players/:id', auth: true },
  { method: 'PUT', path: '/api/v1/players/:id/role', auth: true },
];
