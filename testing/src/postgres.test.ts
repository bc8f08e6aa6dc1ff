import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('startPostgres, run as root from a folder the postgres user cannot enter', () => {
  it('names the folder and says what to do, instead of "initdb failed: null"', async () => {
    // As root PostgreSQL runs as the user postgres, who cannot enter the folder; anyone else runs
    // it as themselves, and the (empty, not executable) initdb then fails with its reason.
    const root = process.getuid?.() === 0;
    const closed = mkdtempSync(join(tmpdir(), 'gameday-closed-'));
    try {
      const bin = join(closed, 'bin');
      mkdirSync(bin);
      for (const f of ['initdb', 'postgres']) writeFileSync(join(bin, f), '');
      chmodSync(closed, 0o700);
      await expect(startPostgres({ binDir: bin })).rejects.toThrow(
        root
          ? `PostgreSQL runs as the user postgres, which cannot enter ${closed} (mode 700). Run \`chmod o+x ${closed}\`, or run the tests from a clone the postgres user can reach.`
          : /initdb failed: spawnSync .*EACCES/,
      );
    } finally {
      rmSync(closed, { recursive: true, force: true });
    }
  });
});
