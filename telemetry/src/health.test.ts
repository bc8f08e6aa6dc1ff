import { Health } from './health';

describe('readiness', () => {
  it('is ready when every check passes', async () => {
    const h = new Health();
    h.register('db', async () => undefined);
    expect((await h.readiness()).ready).toBe(true);
  });

  it('fails a check that throws or outlives its timeout, naming it', async () => {
    const h = new Health();
    h.register('db', async () => undefined);
    h.register('kafka', () => new Promise(() => undefined), 50);
    h.register('cache', async () => {
      throw new Error('connection refused');
    });
    const r = await h.readiness();
    expect(r.ready).toBe(false);
    expect(r.checks.kafka).toMatchObject({ status: 'down', error: 'timed out after 50 ms' });
    expect(r.checks.cache).toMatchObject({ status: 'down', error: 'connection refused' });
    expect(r.checks.db?.status).toBe('up');
  });

  it('is not ready while draining', async () => {
    const h = new Health();
    h.setDraining();
    expect(await h.readiness()).toMatchObject({ ready: false, draining: true });
  });
});
