// Every route the leaderboard serves under /api/v1 (the gateway's OpenAPI test checks it).
export interface RouteSpec {
  method: 'GET';
  path: string;
  auth: boolean;
}

export const routes: RouteSpec[] = [
  { method: 'GET', path: '/api/v1/leaderboards/players/me', auth: true },
  { method: 'GET', path: '/api/v1/leaderboards/players/:id', auth: true },
  { method: 'GET', path: '/api/v1/leaderboards/:board', auth: true },
];
