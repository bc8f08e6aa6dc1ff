// Component tests of the wallet: the real process, a real PostgreSQL, real HTTP.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { request, startPostgres, startService } from '@gameday/testing';
import type { ServiceProcess, TestPostgres } from '@gameday/testing';

const CASINO_TOKEN = 'casino-test-token-0123456789';
let pg: TestPostgres;
let wallet: ServiceProcess;
let db: Client;

beforeAll(async () => {
  pg = await startPostgres();
  await pg.createDatabase('wallet');
  wallet = await startService('wallet', {
    env: {
      DATABASE_URL: pg.url('wallet'),
      WALLET_SERVICE_TOKENS: `casino=${CASINO_TOKEN}`,
      RECONCILE_INTERVAL_SECONDS: '0',
    },
  });
  db = new Client({ connectionString: pg.url('wallet') });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await wallet?.stop();
  await pg?.destroy();
});

const admin = randomUUID();
const as = (id: string, role = 'player') => ({ 'x-player-id': id, 'x-player-role': role });
const asAdmin = as(admin, 'admin');

async function deposit(player: string, amount: unknown, key: string = randomUUID(), headers = asAdmin) {
  return request(`${wallet.url}/api/v1/wallet/deposits`, {
    headers: { ...headers, 'idempotency-key': key },
    body: { player_id: player, amount },
  });
}

async function balance(player: string): Promise<number> {
  const res = await request(`${wallet.url}/api/v1/wallet`, { headers: as(player) });
  expect(res.status).toBe(200);
  return Number(res.body.balance_cents);
}

function internal(path: string, key: string | undefined, body: unknown, token = CASINO_TOKEN) {
  return request(`${wallet.url}/internal/v1/${path}`, {
    headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
    body,
  });
}

const bet = (player: string, cents: number, key: string = randomUUID(), round: string = randomUUID()) =>
  internal('bets', key, { player_id: player, amount_cents: cents, round_id: round, game: 'coin-flip' });

async function reconcile() {
  const res = await request(`${wallet.url}/api/v1/wallet/reconciliation`, {
    method: 'POST',
    headers: asAdmin,
  });
  expect(res.status).toBe(200);
  return res.body;
}

describe('deposits', () => {
  it('credits the player: an admin deposits with an idempotency key, the balance is the sum', async () => {
    const player = randomUUID();
    expect(await balance(player)).toBe(0);
    const res = await deposit(player, '12.50');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'deposit',
      player_id: player,
      amount: '12.50',
      amount_cents: 1250,
      balance: '12.50',
      currency: 'GDC',
    });
    await deposit(player, 7.5);
    expect(await balance(player)).toBe(2000);
  });

  it('returns the first result for a replayed key and moves no money twice', async () => {
    const player = randomUUID();
    const key = randomUUID();
    const first = await deposit(player, '5.00', key);
    const again = await deposit(player, '5.00', key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await balance(player)).toBe(500);
  });

  it('refuses a replayed key with a different payload (409) and changes nothing', async () => {
    const player = randomUUID();
    const key = randomUUID();
    await deposit(player, '5.00', key);
    const res = await deposit(player, '6.00', key);
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('https://gameday.dev/problems/idempotency-key-reused');
    expect(await balance(player)).toBe(500);
  });

  it.each([
    [0, 'must be greater than 0'],
    [-5, 'must be a positive amount like "10.00"'],
    ['NaN', 'must be a positive amount like "10.00"'],
    ['1.005', 'must have at most 2 decimals (whole cents)'],
    ['100000000.00', 'must be at most 1000000.00'],
    [1e300, 'must be a positive amount like "10.00"'],
  ])('refuses the amount %p with a 400 naming /amount, and changes nothing', async (amount, detail) => {
    const player = randomUUID();
    const res = await deposit(player, amount);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([{ pointer: '/amount', field: 'amount', detail }]);
    expect(await balance(player)).toBe(0);
  });

  it('needs an Idempotency-Key, the admin role and a known shape', async () => {
    const player = randomUUID();
    const noKey = await request(`${wallet.url}/api/v1/wallet/deposits`, {
      headers: asAdmin,
      body: { player_id: player, amount: '1.00' },
    });
    expect(noKey.status).toBe(400);
    expect((noKey.body.errors as { field: string }[])[0]!.field).toBe('Idempotency-Key');
    expect((await deposit(player, '1.00', randomUUID(), as(player))).status).toBe(403);
    const unauthenticated = await request(`${wallet.url}/api/v1/wallet/deposits`, {
      headers: { 'idempotency-key': 'k1' },
      body: { player_id: player, amount: '1.00' },
    });
    expect(unauthenticated.status).toBe(401);
    const extra = await request(`${wallet.url}/api/v1/wallet/deposits`, {
      headers: { ...asAdmin, 'idempotency-key': randomUUID() },
      body: { player_id: 'nobody', amount: '1.00', bonus: true },
    });
    expect(extra.status).toBe(400);
    expect((extra.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'bonus',
      'player_id',
    ]);
    expect(await balance(player)).toBe(0);
  });
});

describe('bets, payouts and refunds (the internal API)', () => {
  it('needs a valid service token', async () => {
    const player = randomUUID();
    expect((await internal('bets', 'k', {}, '')).status).toBe(401);
    const wrong = await internal('bets', 'k', { player_id: player }, 'not-the-casino-token-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.body.type).toBe('https://gameday.dev/problems/service-token-invalid');
  });

  it('debits a bet, refuses one the balance does not cover (422), and credits a payout', async () => {
    const player = randomUUID();
    await deposit(player, '10.00');
    const round = randomUUID();
    const debit = await bet(player, 400, `round:${round}:debit`, round);
    expect(debit.status).toBe(201);
    expect(debit.body).toMatchObject({ kind: 'bet', amount_cents: 400, balance_cents: 600, round_id: round });
    const tooMuch = await bet(player, 601);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.type).toBe('https://gameday.dev/problems/insufficient-funds');
    const payout = await internal('payouts', `round:${round}:payout`, {
      player_id: player,
      amount_cents: 792,
      round_id: round,
      game: 'coin-flip',
    });
    expect(payout.status).toBe(201);
    expect(payout.body.balance_cents).toBe(1392);
    expect(await balance(player)).toBe(1392);
    const found = await request(
      `${wallet.url}/internal/v1/transactions/${encodeURIComponent(`round:${round}:debit`)}`,
      {
        headers: { authorization: `Bearer ${CASINO_TOKEN}` },
      },
    );
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ kind: 'bet', amount_cents: -400, round_id: round });
  });

  it('refunds a bet once; a refund that arrives before its bet cancels the bet', async () => {
    const player = randomUUID();
    await deposit(player, '10.00');
    const key = `round:${randomUUID()}:debit`;
    await bet(player, 300, key);
    const refund = await internal('refunds', `${key}:refund`, { player_id: player, bet_key: key });
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ kind: 'refund', amount_cents: 300, balance_cents: 1000 });
    const second = await internal('refunds', `${key}:refund-again`, { player_id: player, bet_key: key });
    expect(second.status).toBe(409);
    expect(second.body.type).toBe('https://gameday.dev/problems/already-refunded');

    const late = `round:${randomUUID()}:debit`;
    const early = await internal('refunds', `${late}:refund`, { player_id: player, bet_key: late });
    expect(early.status).toBe(404);
    const lateBet = await bet(player, 100, late);
    expect(lateBet.status).toBe(409);
    expect(lateBet.body.type).toBe('https://gameday.dev/problems/bet-cancelled');
    expect(await balance(player)).toBe(1000);
  });

  it('takes exactly 100 of 200 concurrent 1.00 bets against a 100.00 balance, and the ledger sums to zero', async () => {
    const player = randomUUID();
    await deposit(player, '100.00');
    const results = await Promise.all(Array.from({ length: 200 }, () => bet(player, 100)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(100);
    expect(statuses.filter((s) => s === 422)).toHaveLength(100);
    expect(await balance(player)).toBe(0);
    const report = await reconcile();
    expect(report).toMatchObject({ ok: true, ledger_sum_cents: 0, mismatched_accounts: [] });
  });

  it('moves the money of concurrent retries of one bet once', async () => {
    const player = randomUUID();
    await deposit(player, '10.00');
    const key = `round:${randomUUID()}:debit`;
    const round = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => bet(player, 100, key, round)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
    expect(await balance(player)).toBe(900);
  });

  it.each([
    [{ amount_cents: 0 }, 'amount_cents'],
    [{ amount_cents: 1.5 }, 'amount_cents'],
    [{ amount_cents: -100 }, 'amount_cents'],
    [{ amount_cents: 1e15 }, 'amount_cents'],
    [{ game: 'Coin Flip!' }, 'game'],
    [{ round_id: 'r1' }, 'round_id'],
  ])('refuses the bet %p (400 naming %s) and changes nothing', async (override, field) => {
    const player = randomUUID();
    await deposit(player, '10.00');
    const res = await internal('bets', randomUUID(), {
      player_id: player,
      amount_cents: 100,
      round_id: randomUUID(),
      game: 'dice',
      ...override,
    });
    expect(res.status).toBe(400);
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toEqual([field]);
    expect(await balance(player)).toBe(1000);
  });
});

describe('history', () => {
  it('lists a player’s transactions newest first, in pages', async () => {
    const player = randomUUID();
    await deposit(player, '10.00');
    for (let i = 0; i < 4; i++) await bet(player, 100 + i);
    const page1 = await request(`${wallet.url}/api/v1/wallet/transactions?limit=3`, { headers: as(player) });
    expect(page1.status).toBe(200);
    const items1 = page1.body.items as { kind: string; amount_cents: number }[];
    expect(items1.map((i) => i.amount_cents)).toEqual([-103, -102, -101]);
    const page2 = await request(
      `${wallet.url}/api/v1/wallet/transactions?limit=3&cursor=${page1.body.next_cursor}`,
      {
        headers: as(player),
      },
    );
    expect((page2.body.items as { amount_cents: number }[]).map((i) => i.amount_cents)).toEqual([-100, 1000]);
    expect(page2.body.next_cursor).toBeNull();
    const bad = await request(`${wallet.url}/api/v1/wallet/transactions?limit=0&cursor=abc`, {
      headers: as(player),
    });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['cursor', 'limit']);
    // Another player sees none of them.
    const other = await request(`${wallet.url}/api/v1/wallet/transactions`, { headers: as(randomUUID()) });
    expect(other.body.items).toEqual([]);
  });
});

describe('reconciliation', () => {
  it('finds a cached balance that differs from the ledger, and exports the result', async () => {
    expect((await reconcile()).ok).toBe(true);
    const player = randomUUID();
    await deposit(player, '3.00');
    await db.query(`UPDATE ledger_accounts SET balance = balance + 1 WHERE id = $1`, [`player:${player}`]);
    try {
      const report = await reconcile();
      expect(report.ok).toBe(false);
      expect(report.mismatched_accounts).toEqual([{ account: `player:${player}`, cached: 301, ledger: 300 }]);
      const metrics = (await request(`${wallet.url}/metrics`)).text;
      expect(metrics).toMatch(/^gameday_wallet_reconciliation_healthy 0$/m);
      expect(metrics).toMatch(/^gameday_wallet_reconciliation_runs_total\{result="mismatch"\} 1$/m);
      const last = await request(`${wallet.url}/api/v1/wallet/reconciliation`, { headers: asAdmin });
      expect(last.body.ok).toBe(false);
    } finally {
      await db.query(`UPDATE ledger_accounts SET balance = balance - 1 WHERE id = $1`, [`player:${player}`]);
    }
    expect((await reconcile()).ok).toBe(true);
    const metrics = (await request(`${wallet.url}/metrics`)).text;
    expect(metrics).toMatch(/^gameday_wallet_reconciliation_healthy 1$/m);
    expect(metrics).toMatch(
      /^gameday_wallet_transactions_total\{kind="bet",outcome="insufficient_funds"\} \d+$/m,
    );
  });

  it('is for admins only', async () => {
    const res = await request(`${wallet.url}/api/v1/wallet/reconciliation`, {
      method: 'POST',
      headers: as(randomUUID()),
    });
    expect(res.status).toBe(403);
  });
});
