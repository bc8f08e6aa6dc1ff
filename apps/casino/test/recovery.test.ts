// Crash recovery: a casino process dies in the middle of rounds (killed on purpose right after the
// debit or the payout, or SIGKILLed under load); the next process finishes every round it left, and
// the money adds up: no stake lost, no payout twice, the ledger balanced.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { freePort, request } from '@gameday/testing';
import type { ServiceProcess } from '@gameday/testing';
import type { CasinoUnderTest, Json } from './support';
import { WALLET_TOKEN, balance, deposit, eventually, play, reconcile, startCasinoUnderTest } from './support';

let t: CasinoUnderTest;
let db: Client;
const extra: ServiceProcess[] = [];

beforeAll(async () => {
  t = await startCasinoUnderTest({ RECOVERY_INTERVAL_SECONDS: '0' });
  db = new Client({ connectionString: t.pg.url('casino') });
  await db.connect();
});

// A restarted casino recovers every unfinished round with no grace: left running, it would void the
// next test's round between its debit and its crash. Each test's extra processes stop with it.
afterEach(async () => {
  for (const p of extra.splice(0)) await p.stop().catch(() => undefined);
});

afterAll(async () => {
  await db?.end();
  await t?.stop();
});

async function rounds(
  player: string,
): Promise<{ id: string; status: string; payout: string | null; stake: string }[]> {
  const { rows } = await db.query(
    'SELECT id, status, payout, stake FROM rounds WHERE player_id = $1 ORDER BY created_at',
    [player],
  );
  return rows;
}

/** A fresh casino process that recovers at start whatever is unfinished (no grace period). */
async function restart(): Promise<ServiceProcess> {
  const p = await t.startCasino({ RECOVERY_GRACE_SECONDS: '0', RECOVERY_INTERVAL_SECONDS: '1' });
  extra.push(p);
  return p;
}

async function crashingRound(point: 'debit' | 'payout', player: string, body: Json) {
  const crashing = await t.startCasino({ CASINO_CRASH_AFTER: point, RECOVERY_INTERVAL_SECONDS: '0' });
  extra.push(crashing);
  const res = await play(crashing, player, 'dice', body).then(
    (answer) => answer.text,
    () => 'connection broken',
  );
  // The process died mid-request: the client saw a broken connection, not an answer.
  expect(res).toBe('connection broken');
  expect(await crashing.exited()).toBe('SIGKILL');
}

describe('a casino killed mid-round', () => {
  it('settles on restart a round whose stake was taken before the crash', async () => {
    const player = randomUUID();
    await deposit(t.wallet, player, '10.00');
    // A bet that surely wins (97.5%).
    await crashingRound('debit', player, { stake: '1.00', bet: { target: 2.5, direction: 'over' } });
    expect((await rounds(player)).map((r) => r.status)).toEqual(['pending']);
    expect(await balance(t.wallet, player)).toBe(900);

    await restart();
    const settled = await eventually(async () => {
      const [r] = await rounds(player);
      return r?.status === 'settled' ? r : undefined;
    });
    expect(await balance(t.wallet, player)).toBe(900 + Number(settled.payout));
    expect(await reconcile(t.wallet)).toMatchObject({ ok: true, ledger_sum_cents: 0 });
  });

  it('does not pay twice when the crash came after the payout', async () => {
    const player = randomUUID();
    await deposit(t.wallet, player, '10.00');
    await crashingRound('payout', player, { stake: '1.00', bet: { target: 2.5, direction: 'over' } });
    const [pending] = await rounds(player);
    expect(pending!.status).toBe('pending');
    const afterCrash = await balance(t.wallet, player);
    await restart();
    const settled = await eventually(async () => {
      const [r] = await rounds(player);
      return r?.status === 'settled' ? r : undefined;
    });
    expect(afterCrash).toBe(900 + Number(settled.payout));
    expect(await balance(t.wallet, player)).toBe(afterCrash);
  });

  it('voids a round the wallet never took, and makes sure the stake can never be taken later', async () => {
    const player = randomUUID();
    await deposit(t.wallet, player, '10.00');
    const noWallet = await t.startCasino({
      WALLET_URL: `http://127.0.0.1:${await freePort()}`,
      RECOVERY_INTERVAL_SECONDS: '0',
    });
    extra.push(noWallet);
    const res = await play(noWallet, player, 'coin-flip', { stake: '2.00', bet: { side: 'heads' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    const roundId = res.body.round_id as string;
    expect((await rounds(player)).map((r) => r.status)).toEqual(['pending']);
    await noWallet.stop();

    await restart();
    await eventually(async () => ((await rounds(player))[0]?.status === 'void' ? true : undefined));
    // A debit still in flight from the dead process would now be refused.
    const late = await request(`${t.wallet.url}/internal/v1/bets`, {
      headers: { authorization: `Bearer ${WALLET_TOKEN}`, 'idempotency-key': `round:${roundId}:debit` },
      body: { player_id: player, amount_cents: 200, round_id: roundId, game: 'coin-flip' },
    });
    expect(late.status).toBe(409);
    expect(await balance(t.wallet, player)).toBe(1000);
  });

  it('finishes every round of a process SIGKILLed under load, and the money adds up', async () => {
    const player = randomUUID();
    await deposit(t.wallet, player, '100.00');
    const victim = await t.startCasino({ RECOVERY_INTERVAL_SECONDS: '0' });
    extra.push(victim);
    const inflight = Array.from({ length: 60 }, (_, i) =>
      play(victim, player, i % 2 ? 'coin-flip' : 'roulette', {
        stake: '1.00',
        bet: i % 2 ? { side: 'tails' } : { type: 'black' },
      }).catch(() => undefined),
    );
    // Kill it while rounds are mid-way: as soon as the database holds one that is not finished.
    await eventually(
      async () =>
        (await rounds(player)).some((r) => r.status !== 'settled' && r.status !== 'void') ? true : undefined,
      { intervalMs: 2, what: 'a round under way' },
    );
    victim.child.kill('SIGKILL');
    await Promise.all(inflight);
    await victim.exited();
    // What the crash left: rounds the next process has to finish (else this test proves nothing).
    const unfinished = (await rounds(player)).filter((r) => r.status !== 'settled' && r.status !== 'void');
    expect(unfinished.length).toBeGreaterThan(0);

    await restart();
    const all = await eventually(async () => {
      const rs = await rounds(player);
      return rs.every((r) => r.status === 'settled' || r.status === 'void') ? rs : undefined;
    });
    const settled = all.filter((r) => r.status === 'settled');
    const staked = settled.reduce((s, r) => s + Number(r.stake), 0);
    const paid = settled.reduce((s, r) => s + Number(r.payout), 0);
    expect(await balance(t.wallet, player)).toBe(10_000 - staked + paid);
    expect(await reconcile(t.wallet)).toMatchObject({ ok: true, ledger_sum_cents: 0 });
  });
});
