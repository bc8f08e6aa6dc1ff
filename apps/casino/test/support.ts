// Test support for the casino: a PostgreSQL, the wallet and the casino as real processes, and
// helpers that act as the gateway would (identity headers) or as an admin depositing money.
import { randomUUID } from 'node:crypto';
import { request, startPostgres, startService } from '@gameday/testing';
import type { HttpResponse, ServiceProcess, TestPostgres } from '@gameday/testing';

export const WALLET_TOKEN = 'casino-test-token-0123456789';
export const ADMIN = randomUUID();

export interface CasinoUnderTest {
  pg: TestPostgres;
  wallet: ServiceProcess;
  casino: ServiceProcess;
  casinoDatabase: string;
  startCasino(env?: Record<string, string | undefined>, waitFor?: 'ready' | 'none'): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export async function startCasinoUnderTest(casinoEnv: Record<string, string> = {}): Promise<CasinoUnderTest> {
  const pg = await startPostgres();
  await pg.createDatabase('wallet');
  await pg.createDatabase('casino');
  const wallet = await startService('wallet', {
    env: {
      DATABASE_URL: pg.url('wallet'),
      WALLET_SERVICE_TOKENS: `casino=${WALLET_TOKEN}`,
      RECONCILE_INTERVAL_SECONDS: '0',
    },
  });
  const startCasino = (env: Record<string, string | undefined> = {}, waitFor: 'ready' | 'none' = 'ready') =>
    startService('casino', {
      waitFor,
      env: {
        DATABASE_URL: pg.url('casino'),
        WALLET_URL: wallet.url,
        WALLET_TOKEN,
        WALLET_TIMEOUT_MS: '5000',
        ...casinoEnv,
        ...env,
      },
    });
  const casino = await startCasino();
  return {
    pg,
    wallet,
    casino,
    casinoDatabase: 'casino',
    startCasino,
    async stop() {
      await casino.stop();
      await wallet.stop();
      await pg.destroy();
    },
  };
}

export const as = (id: string, role = 'player') => ({ 'x-player-id': id, 'x-player-role': role });

export async function deposit(wallet: ServiceProcess, player: string, amount: string): Promise<void> {
  const res = await request(`${wallet.url}/api/v1/wallet/deposits`, {
    headers: { ...as(ADMIN, 'admin'), 'idempotency-key': randomUUID() },
    body: { player_id: player, amount },
  });
  if (res.status !== 201) throw new Error(`deposit failed: ${res.status} ${res.text}`);
}

export async function balance(wallet: ServiceProcess, player: string): Promise<number> {
  const res = await request(`${wallet.url}/api/v1/wallet`, { headers: as(player) });
  return Number(res.body.balance_cents);
}

export async function reconcile(wallet: ServiceProcess): Promise<Record<string, unknown>> {
  const res = await request(`${wallet.url}/api/v1/wallet/reconciliation`, {
    method: 'POST',
    headers: as(ADMIN, 'admin'),
  });
  return res.body;
}

export type Json = Record<string, unknown>;

export function play(
  casino: ServiceProcess,
  player: string,
  game: string,
  body: unknown,
  key?: string,
): Promise<HttpResponse<Json>> {
  return request(`${casino.url}/api/v1/casino/games/${game}/rounds`, {
    headers: { ...as(player), ...(key ? { 'idempotency-key': key } : {}) },
    body,
  });
}

/** Cents of a decimal string ("12.34" → 1234). */
export const cents = (amount: unknown) => Math.round(Number(amount) * 100);

/** Polls until `check` returns a value (or the deadline passes): the shared helper. */
export { eventually } from '@gameday/testing';
