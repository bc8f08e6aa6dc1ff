// Every route the casino serves under /api/v1, as data: the gateway's OpenAPI test checks the
// document against it, and a test keeps it equal to what the app really serves.
export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  auth: boolean;
}

export const routes: RouteSpec[] = [
  { method: 'GET', path: '/api/v1/casino/games', auth: true },
  { method: 'POST', path: '/api/v1/casino/games/:game/rounds', auth: true },
  { method: 'GET', path: '/api/v1/casino/rounds', auth: true },
  { method: 'GET', path: '/api/v1/casino/rounds/:id', auth: true },
  { method: 'POST', path: '/api/v1/casino/rounds/:id/actions', auth: true },
  { method: 'GET', path: '/api/v1/casino/rounds/:id/verification', auth: true },
  { method: 'GET', path: '/api/v1/casino/seeds', auth: true },
  { method: 'POST', path: '/api/v1/casino/seeds/rotate', auth: true },
  { method: 'POST', path: '/api/v1/casino/verify', auth: true },
  { method: 'GET', path: '/api/v1/casino/jackpot', auth: true },
];
