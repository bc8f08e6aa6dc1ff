// Every route the scheduler serves under /api/v1, as data: the gateway's OpenAPI test checks the
// document against it, and a test keeps it equal to what the app really serves.
export interface RouteSpec {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  auth: boolean;
  /** Needs the admin role. */
  admin?: true;
}

export const routes: RouteSpec[] = [
  { method: 'GET', path: '/api/v1/tournaments', auth: true },
  { method: 'POST', path: '/api/v1/tournaments', auth: true, admin: true },
  { method: 'GET', path: '/api/v1/tournaments/:id', auth: true },
  { method: 'POST', path: '/api/v1/tournaments/:id/entries', auth: true },
  { method: 'POST', path: '/api/v1/matchmaking/queue', auth: true },
  { method: 'GET', path: '/api/v1/matchmaking/queue/me', auth: true },
  { method: 'DELETE', path: '/api/v1/matchmaking/queue/me', auth: true },
  { method: 'GET', path: '/api/v1/challenges/today', auth: true },
  { method: 'POST', path: '/api/v1/challenges/:day/:key/claim', auth: true },
  { method: 'GET', path: '/api/v1/scheduler/queues', auth: true, admin: true },
  { method: 'POST', path: '/api/v1/scheduler/queues/:queue/run', auth: true, admin: true },
  { method: 'GET', path: '/api/v1/scheduler/dead-jobs', auth: true, admin: true },
  { method: 'POST', path: '/api/v1/scheduler/dead-jobs/:id/retry', auth: true, admin: true },
];
