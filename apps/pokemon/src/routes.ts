// Every route the pokemon service serves under /api/v1, as data: the gateway's OpenAPI test checks
// the document against it, and a test keeps it equal to what the app really serves.
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  auth: boolean;
  /** A battle turn: held to the pokemon/turn-latency SLO rather than pokemon/latency. */
  turn?: true;
}

const P = '/api/v1/pokemon';

export const routes: RouteSpec[] = [
  { method: 'GET', path: `${P}/species`, auth: true },
  { method: 'GET', path: `${P}/species/:id`, auth: true },
  { method: 'GET', path: `${P}/moves`, auth: true },
  { method: 'GET', path: `${P}/moves/:id`, auth: true },
  { method: 'GET', path: `${P}/abilities`, auth: true },
  { method: 'GET', path: `${P}/types`, auth: true },
  { method: 'GET', path: `${P}/natures`, auth: true },
  { method: 'GET', path: `${P}/formats`, auth: true },
  { method: 'GET', path: `${P}/trainers/me`, auth: true },
  { method: 'PUT', path: `${P}/trainers/me`, auth: true },
  { method: 'GET', path: `${P}/trainers/me/pokemon`, auth: true },
  { method: 'POST', path: `${P}/trainers/me/pokemon`, auth: true },
  { method: 'GET', path: `${P}/trainers/me/pokemon/:id`, auth: true },
  { method: 'PUT', path: `${P}/trainers/me/pokemon/:id`, auth: true },
  { method: 'DELETE', path: `${P}/trainers/me/pokemon/:id`, auth: true },
  { method: 'GET', path: `${P}/trainers/me/teams`, auth: true },
  { method: 'POST', path: `${P}/trainers/me/teams`, auth: true },
  { method: 'POST', path: `${P}/trainers/me/teams/import`, auth: true },
  { method: 'GET', path: `${P}/trainers/me/teams/:id`, auth: true },
  { method: 'GET', path: `${P}/trainers/me/teams/:id/export`, auth: true },
  { method: 'PUT', path: `${P}/trainers/me/teams/:id`, auth: true },
  { method: 'DELETE', path: `${P}/trainers/me/teams/:id`, auth: true },
  { method: 'GET', path: `${P}/trainers/:id`, auth: true },
  { method: 'GET', path: `${P}/ratings/:format`, auth: true },
  { method: 'GET', path: `${P}/battles`, auth: true },
  { method: 'POST', path: `${P}/battles`, auth: true },
  { method: 'GET', path: `${P}/battles/:id`, auth: true },
  { method: 'POST', path: `${P}/battles/:id/accept`, auth: true },
  { method: 'POST', path: `${P}/battles/:id/choices`, auth: true, turn: true },
  { method: 'POST', path: `${P}/battles/:id/forfeit`, auth: true },
  { method: 'GET', path: `${P}/battles/:id/replay`, auth: true },
];
