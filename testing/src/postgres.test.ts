import { Client } from 'pg';
import { startPostgres } from './postgres';

describe('startPostgres', () => {
  it('runs a real server whose data survives a stop and start', async () => {
    const pg = await startPostgres();
    try {
      await pg.createDatabase('kept');
      const c1 = new Client({ connectionString: pg.url('kept') });
      await c1.connect();
      await c1.query('CREATE TABLE t (v int); INSERT INTO t VALUES (42)');
      await c1.end();

      await pg.stop();
      const refused = new Client({ connectionString: pg.url('kept') });
      await expect(refused.connect()).rejects.toThrow();

      await pg.start();
      const c2 = new Client({ connectionString: pg.url('kept') });
      await c2.connect();
      const { rows } = await c2.query('SELECT v FROM t');
      await c2.end();
      expect(rows).toEqual([{ v: 42 }]);
    } finally {
      await pg.destroy();
    }
  });
});
