// Every route the wallet serves, as data: the gateway's OpenAPI test checks the document against the
// player routes, and a test keeps this list equal to what the app really serves.
export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  /** Whether the gateway must have verified a token (identity headers present). */
  auth: boolean;
}

/** Routes under /api/v1, reached through the gateway. */
export const routes: RouteSpec[] = [
  { method: 'GET', path: '/api/v1/wallet', auth: true },
  { method: 'GET', path: '/api/v1/wallet/transactions', auth: true },
  { method: 'POST', path: '/api/v1/wallet/deposits', auth: true },
  { method: 'GET', path: '/api/v1/wallet/reconciliation', auth: true },
  { method: 'POST', path: '/api/v1/wallet/reconciliation', auth: true },
];

/** Routes under /internal/v1, for other services only (a service token; never routed by the gateway). */
export const internalRoutes: { method: 'GET' | 'POST'; path: string }[] = [
  { method: 'POST', path: '/internal/v1/bets' },
  { method: 'POST', path: '/internal/v1/payouts' },
  { method: 'POST', path: '/internal/v1/refunds' },
  { method: 'GET', path: '/internal/v1/transactions/:key' },
  { method: 'GET', path: '/internal/v1/balances/:playerId' },
];
