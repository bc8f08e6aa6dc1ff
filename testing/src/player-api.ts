// The player API as the tests and benchmarks run it: a real PostgreSQL, accounts and the gateway,
// sharing one freshly generated Ed25519 key pair.
import { generateKeyPairSync } from 'node:crypto';
import { startPostgres } from './postgres';
import type { TestPostgres } from './postgres';
import { startService } from './process';
import type { ServiceProcess, StartOptions } from './process';

export interface PlayerApi {
  pg: TestPostgres;
  accounts: ServiceProcess;
  gateway: ServiceProcess;
  keys: { privatePem: string; publicPem: string };
  /** Stops the gateway, then accounts, then PostgreSQL (and deletes its data). */
  stop(): Promise<void>;
}

export interface PlayerApiOptions {
  /** Environment for both services (e.g. OpenTelemetry settings). */
  env?: Record<string, string | undefined>;
  accountsEnv?: Record<string, string | undefined>;
  gatewayEnv?: Record<string, string | undefined>;
  /** Passed to both startService calls (log files, node arguments). */
  accountsOptions?: Omit<StartOptions, 'env'>;
  gatewayOptions?: Omit<StartOptions, 'env'>;
  /** Reuse a running PostgreSQL instead of starting one (it is then not stopped by `stop`). */
  pg?: TestPostgres;
  /** The key pair (PEM) to sign and verify tokens with; generated when absent. */
  keys?: { privatePem: string; publicPem: string };
}

function generatedKeys(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export async function startPlayerApi(options: PlayerApiOptions = {}): Promise<PlayerApi> {
  const ownPg = options.pg === undefined;
  const pg = options.pg ?? (await startPostgres());
  const database = `accounts_${Math.random().toString(36).slice(2, 10)}`;
  const keys = options.keys ?? generatedKeys();
  const stopPg = async () => {
    if (ownPg) await pg.destroy();
  };
  let accounts: ServiceProcess | undefined;
  try {
    await pg.createDatabase(database);
    accounts = await startService('accounts', {
      ...options.accountsOptions,
      env: {
        ...options.env,
        DATABASE_URL: pg.url(database),
        JWT_PRIVATE_KEY: keys.privatePem,
        ...options.accountsEnv,
      },
    });
    const gateway = await startService('gateway', {
      ...options.gatewayOptions,
      env: {
        ...options.env,
        ACCOUNTS_URL: accounts.url,
        JWT_PUBLIC_KEY: keys.publicPem,
        ...options.gatewayEnv,
      },
    });
    const running = accounts;
    return {
      pg,
      accounts: running,
      gateway,
      keys,
      async stop() {
        await gateway.stop();
        await running.stop();
        await stopPg();
      },
    };
  } catch (err) {
    await accounts?.stop();
    await stopPg();
    throw err;
  }
}
