import type { Accounts } from './domain/accounts';
import { Router } from 'express';
import { playerRoutes } from './entry-points/http';
import { routes } from './routes';

describe('the route table', () => {
  it('lists exactly the player routes the service serves', () => {
    const router = playerRoutes(Router(), {} as Accounts);
    const served = router.stack
      .filter((layer) => layer.route)
      .flatMap((layer) => {
        const route = layer.route as unknown as { path: string; methods: Record<string, boolean> };
        return Object.keys(route.methods).map((m) => `${m.toUpperCase()} ${route.path}`);
      })
      .sort();
    expect(served).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });
});
