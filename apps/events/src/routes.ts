// Every route the events service serves under /api/v1 (the gateway's OpenAPI test checks it).
export interface RouteSpec {
  method: 'POST';
  path: string;
  auth: boolean;
}

export const routes: RouteSpec[] = [{ method: 'POST', path: '/api/v1/events', auth: true }];
