// Every route accounts serves under /api/v1, as data: the gateway's OpenAPI test checks the
// document against this list; a test keeps it equal to the routes the router really serves.
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  path: string;
  /** Whether the gateway must have verified a token (identity headers present). */
  auth: boolean;
}

export const routes: RouteSpec[] = [
  { method: 'POST', path: '/api/v1/players', auth: false },
  { method: 'POST', path: '/api/v1/players/login', auth: false },
  { method: 'GET', path: '/api/v1/players/me', auth: true },
  { method: 'PATCH', path: '/api/v1/players/me', auth: true },
  { method: 'GET', path: '/api/v1/players/:id', auth: true },
  { method: 'PUT', path: '/api/v1/players/:id/role', auth: true },
];
