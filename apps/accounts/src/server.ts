// Wires the accounts service: configuration, database pool and migrations, token issuer, routes.
import { createService } from '@gameday/telemetry';
import { installFaultSwitches, openDatabase } from '@gameday/platform';
import { relayOutbox } from '@gameday/outbox';
import type { Service } from '@gameday/telemetry';
import { accountsConfig } from './config';
import type { AccountsConfig } from './config';
import { Accounts } from './domain/accounts';
import { LoginThrottle } from './domain/login-throttle';
import { TokenIssuer } from './domain/tokens';
import { MIGRATIONS, MIGRATION_LOCK_KEY } from './data-access/migrations';
import { PgPlayersRepository } from './data-access/players-repository';
import { jwksRoute, playerRoutes } from './entry-points/http';

/** pg_advisory_lock key of the outbox relay: one relay per database publishes. */
const OUTBOX_LOCK_KEY = 0x6f75_7401;

export interface AccountsServer {
  service: Service<AccountsConfig>;
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<AccountsServer> {
  const service = createService({ name: 'accounts', config: accountsConfig, env });
  const { config, logger } = service;
  // Before any route: the chaos harness's fault switches (only with CHAOS_FAULTS_TOKEN).
  installFaultSwitches(service);
  // The gateway on loopback (or the cluster's ingress) sets X-Forwarded-For: trust it for req.ip.
  service.app.set('trust proxy', 'loopback, linklocal, uniquelocal');

  const pool = await openDatabase(service, {
    url: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    migrations: MIGRATIONS,
    lockKey: MIGRATION_LOCK_KEY,
  });

  if (config.NODE_ENV === 'production' && !config.JWT_PRIVATE_KEY) {
    throw new Error('JWT_PRIVATE_KEY: required when NODE_ENV=production (a PKCS8 PEM Ed25519 key)');
  }
  const tokens = await TokenIssuer.create({
    privateKeyPem: config.JWT_PRIVATE_KEY,
    ttlSeconds: config.JWT_TTL_SECONDS,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  if (tokens.generated) logger.warn('JWT_PRIVATE_KEY not set: generated a signing key for this process only');

  const throttle = new LoginThrottle({
    maxFailures: config.LOGIN_MAX_FAILURES,
    windowMs: config.LOGIN_FAILURE_WINDOW_SECONDS * 1000,
  });
  const admins = new Set(
    config.ACCOUNTS_ADMIN_EMAILS.split(',')
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean),
  );
  const accounts = new Accounts(new PgPlayersRepository(pool), tokens, throttle, admins);

  // Shutdown hooks run in reverse: the relay stops before the pool it reads from closes.
  relayOutbox({
    service,
    pool,
    brokers: config.KAFKA_BROKERS,
    lockKey: OUTBOX_LOCK_KEY,
    clientId: 'gameday-accounts',
  });

  jwksRoute(service.app, tokens);
  playerRoutes(service.app, accounts);
  const { url, port } = await service.listen();
  return { service, url, port, stop: () => service.stop() };
}
