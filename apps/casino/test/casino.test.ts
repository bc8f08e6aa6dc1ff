// Component tests of the casino: real casino and wallet processes, a real PostgreSQL, real HTTP.
import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { request } from '@gameday/testing';
import { GAME_IDS, GAMES, REFERENCE_BETS } from '@gameday/casino';
import { FairRng } from '../src/domain/provably-fair';
import type { CasinoUnderTest, Json } from './support';
import { as, balance, cents, deposit, play, reconcile, startCasinoUnderTest } from './support';

let t: CasinoUnderTest;
let db: Client;

beforeAll(async () => {
  t = await startCasinoUnderTest();
  db = new Client({ connectionString: t.pg.url('casino') });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await t?.stop();
});

async function funded(amount = '100.00'): Promise<string> {
  const player = randomUUID();
  await deposit(t.wallet, player, amount);
  return player;
}

/** One valid bet per game: the reference bets the load scripts and the gateway's document use too. */
const BETS: Record<string, unknown> = REFERENCE_BETS;

describe('the game catalogue', () => {
  it('lists the ten games with their documented RTP and rules', async () => {
    const res = await request(`${t.casino.url}/api/v1/casino/games`, { headers: as(randomUUID()) });
    expect(res.status).toBe(200);
    const games = res.body.games as { id: string; rtp: number; rules: string }[];
    expect(games.map((g) => g.id)).toEqual([...GAME_IDS]);
    for (const g of games) {
      expect(g.rtp).toBeGreaterThan(0.8);
      expect(g.rtp).toBeLessThan(1);
      expect(g.rules.length).toBeGreaterThan(40);
    }
  });
});

describe('playing', () => {
  it.each(GAME_IDS.filter((g) => g !== 'blackjack'))(
    'settles a %s round: the wallet is debited the stake and credited floor(stake × multiplier)',
    async (game) => {
      const player = await funded('50.00');
      const res = await play(t.casino, player, game, { stake: '2.00', bet: BETS[game] });
      expect(res.status).toBe(201);
      const round = res.body;
      expect(round).toMatchObject({ game, status: 'settled', stake: '2.00', bet: BETS[game] });
      const multiplier = round.multiplier as number;
      const payout = cents(round.payout) - cents(round.jackpot_win ?? 0);
      expect(payout).toBe(Math.floor((200 * Math.round(multiplier * 10_000)) / 10_000));
      expect(round.outcome).toBe(multiplier > 1 ? 'win' : multiplier === 1 ? 'push' : 'lose');
      expect(cents(round.balance)).toBe(5000 - 200 + cents(round.payout) + cents(round.jackpot_win ?? 0));
      expect(await balance(t.wallet, player)).toBe(cents(round.balance));
      const stored = await request(`${t.casino.url}/api/v1/casino/rounds/${round.id as string}`, {
        headers: as(player),
      });
      expect(stored.body).toMatchObject({
        id: round.id,
        status: 'settled',
        multiplier,
        result: round.result,
      });
    },
  );

  it('plays a blackjack hand over several requests, and doubles with a second debit', async () => {
    const player = await funded('100.00');
    // Deal until a hand is open and can double (a natural blackjack settles at once).
    let round: Json | undefined;
    for (let i = 0; i < 20 && !round; i++) {
      const res = await play(t.casino, player, 'blackjack', { stake: '5.00', bet: {} });
      expect(res.status).toBe(201);
      if (res.body.status === 'open') round = res.body;
      else expect(res.body.status).toBe('settled');
    }
    expect(round).toBeDefined();
    expect(round!.actions).toEqual(['hit', 'stand', 'double']);
    const before = await balance(t.wallet, player);
    const doubled = await request(`${t.casino.url}/api/v1/casino/rounds/${round!.id as string}/actions`, {
      headers: as(player),
      body: { action: 'double' },
    });
    expect(doubled.status).toBe(200);
    expect(doubled.body).toMatchObject({
      status: 'settled',
      total_staked: '10.00',
      player_actions: ['double'],
    });
    expect(await balance(t.wallet, player)).toBe(before - 500 + cents(doubled.body.payout));
    // The hand is over: no more actions.
    const again = await request(`${t.casino.url}/api/v1/casino/rounds/${round!.id as string}/actions`, {
      headers: as(player),
      body: { action: 'hit' },
    });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('https://gameday.dev/problems/round-not-open');
  });

  it('hides another player’s hand (404) and leaves both balances alone', async () => {
    const owner = await funded('100.00');
    let open: Json | undefined;
    for (let i = 0; i < 20 && !open; i++) {
      const res = await play(t.casino, owner, 'blackjack', { stake: '1.00', bet: {} });
      if (res.body.status === 'open') open = res.body;
    }
    const intruder = await funded('10.00');
    const [ownerBefore, intruderBefore] = [await balance(t.wallet, owner), await balance(t.wallet, intruder)];
    for (const action of ['hit', 'stand', 'double']) {
      const res = await request(`${t.casino.url}/api/v1/casino/rounds/${open!.id as string}/actions`, {
        headers: as(intruder),
        body: { action },
      });
      expect(res.status).toBe(404);
    }
    const peek = await request(`${t.casino.url}/api/v1/casino/rounds/${open!.id as string}`, {
      headers: as(intruder),
    });
    expect(peek.status).toBe(404);
    expect([await balance(t.wallet, owner), await balance(t.wallet, intruder)]).toEqual([
      ownerBefore,
      intruderBefore,
    ]);
    // The hole card stays hidden from the owner too while the hand is open.
    const own = await request(`${t.casino.url}/api/v1/casino/rounds/${open!.id as string}`, {
      headers: as(owner),
    });
    expect(JSON.stringify(own.body.hand)).not.toContain(
      JSON.stringify((open!.result as unknown) ?? 'no-result'),
    );
    expect(own.body.status).toBe('open');
  });

  it('returns the first round for a replayed Idempotency-Key and takes the stake once', async () => {
    const player = await funded('10.00');
    const key = randomUUID();
    const first = await play(t.casino, player, 'dice', { stake: '1.00', bet: BETS.dice }, key);
    const again = await play(t.casino, player, 'dice', { stake: '1.00', bet: BETS.dice }, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(await balance(t.wallet, player)).toBe(1000 - 100 + cents(first.body.payout));
  });

  it('answers 422 when the balance does not cover the stake, voids the round, and moves nothing', async () => {
    const player = await funded('1.00');
    const res = await play(t.casino, player, 'coin-flip', { stake: '1.50', bet: { side: 'tails' } });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('https://gameday.dev/problems/insufficient-funds');
    expect(await balance(t.wallet, player)).toBe(100);
    const { rows } = await db.query(`SELECT status FROM rounds WHERE player_id = $1`, [player]);
    expect(rows).toEqual([{ status: 'void' }]);
  });

  // The wallet's own test shows exactly 100 of 200 concurrent 1.00 bets taken on 100.00; here wins
  // pay back into the balance while bets are in flight, so more may be covered: the books must agree.
  it('keeps the books exact under 200 concurrent bets against a balance that covers 100', async () => {
    const player = await funded('100.00');
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        play(t.casino, player, 'coin-flip', { stake: '1.00', bet: { side: 'heads' } }),
      ),
    );
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 422);
    expect(results.filter((r) => r.status !== 201 && r.status !== 422).map((r) => r.text)).toEqual([]);
    // Without wins exactly 100 would be taken; each win pays 1.98 back and may fund one more bet.
    const paid = ok.reduce((sum, r) => sum + cents(r.body.payout), 0);
    expect(ok.length).toBeGreaterThanOrEqual(100);
    expect(await balance(t.wallet, player)).toBe(10_000 - ok.length * 100 + paid);
    expect(refused.every((r) => r.body.type === 'https://gameday.dev/problems/insufficient-funds')).toBe(
      true,
    );
    const report = await reconcile(t.wallet);
    expect(report).toMatchObject({ ok: true, ledger_sum_cents: 0 });
    const { rows } = await db.query(
      `SELECT status, count(*)::int AS n FROM rounds WHERE player_id = $1 GROUP BY 1 ORDER BY 1`,
      [player],
    );
    expect(rows).toEqual(
      [
        { status: 'settled', n: ok.length },
        { status: 'void', n: refused.length },
      ].filter((r) => r.n > 0),
    );
  });
});

describe('bad input changes nothing', () => {
  const cases: [string, string, unknown, number, string][] = [
    ['a zero stake', 'coin-flip', { stake: 0, bet: { side: 'heads' } }, 400, '/stake'],
    ['a negative stake', 'coin-flip', { stake: '-1.00', bet: { side: 'heads' } }, 400, '/stake'],
    ['a NaN stake', 'coin-flip', { stake: 'NaN', bet: { side: 'heads' } }, 400, '/stake'],
    ['a fractional-cent stake', 'coin-flip', { stake: '1.005', bet: { side: 'heads' } }, 400, '/stake'],
    ['a huge stake', 'coin-flip', { stake: '1e308', bet: { side: 'heads' } }, 400, '/stake'],
    [
      'a stake above the table limit',
      'coin-flip',
      { stake: '1000.01', bet: { side: 'heads' } },
      400,
      '/stake',
    ],
    [
      'a stake below the table minimum',
      'coin-flip',
      { stake: '0.05', bet: { side: 'heads' } },
      400,
      '/stake',
    ],
    ['an unknown coin side', 'coin-flip', { stake: '1.00', bet: { side: 'edge' } }, 400, '/bet/side'],
    [
      'a roulette split of non-adjacent numbers',
      'roulette',
      { stake: '1.00', bet: { type: 'split', numbers: [1, 5] } },
      400,
      '/bet',
    ],
    ['an unknown roulette bet type', 'roulette', { stake: '1.00', bet: { type: 'neighbours' } }, 400, '/bet'],
    [
      'a dice target outside the range',
      'dice',
      { stake: '1.00', bet: { target: 99.5, direction: 'over' } },
      400,
      '/bet',
    ],
    ['duplicate keno picks', 'keno', { stake: '1.00', bet: { picks: [5, 5, 9] } }, 400, '/bet/picks'],
    ['an extra field', 'coin-flip', { stake: '1.00', bet: { side: 'heads' }, bonus: 1 }, 400, '/bonus'],
    ['an unknown game', 'poker', { stake: '1.00', bet: {} }, 404, ''],
  ];
  it.each(cases)('refuses %s', async (_name, game, body, status, pointer) => {
    const player = await funded('20.00');
    const res = await play(t.casino, player, game, body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    if (pointer) {
      const pointers = (res.body.errors as { pointer: string }[]).map((e) => e.pointer);
      expect(pointers.some((p) => p === pointer || p.startsWith(`${pointer}/`))).toBe(true);
    }
    expect(await balance(t.wallet, player)).toBe(2000);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM rounds WHERE player_id = $1', [player]);
    expect(rows[0].n).toBe(0);
  });

  it('refuses a replayed Idempotency-Key with a different bet (409)', async () => {
    const player = await funded('20.00');
    const key = randomUUID();
    const first = await play(t.casino, player, 'coin-flip', { stake: '1.00', bet: { side: 'heads' } }, key);
    const after = await balance(t.wallet, player);
    const res = await play(t.casino, player, 'coin-flip', { stake: '2.00', bet: { side: 'heads' } }, key);
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('https://gameday.dev/problems/idempotency-key-reused');
    expect(await balance(t.wallet, player)).toBe(after);
    expect(first.status).toBe(201);
  });
});

describe('provable fairness', () => {
  it('commits to the server seed before play, reveals it on rotation, and re-verifies the round', async () => {
    const player = await funded('20.00');
    const seeds = await request(`${t.casino.url}/api/v1/casino/seeds`, { headers: as(player) });
    const hash = seeds.body.server_seed_hash as string;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const round = (await play(t.casino, player, 'roulette', { stake: '1.00', bet: { type: 'red' } })).body;
    expect(round.fairness).toMatchObject({ server_seed_hash: hash, server_seed: null, nonce: 0 });

    const early = await request(`${t.casino.url}/api/v1/casino/rounds/${round.id as string}/verification`, {
      headers: as(player),
    });
    expect(early.status).toBe(409);
    expect(early.body.type).toBe('https://gameday.dev/problems/seed-not-revealed');

    const rotated = await request(`${t.casino.url}/api/v1/casino/seeds/rotate`, {
      headers: as(player),
      body: { client_seed: 'my-own-seed' },
    });
    expect(rotated.status).toBe(200);
    const revealed = (rotated.body.previous as Json).server_seed as string;
    expect(createHash('sha256').update(revealed).digest('hex')).toBe(hash);
    expect(rotated.body.current).toMatchObject({ client_seed: 'my-own-seed', next_nonce: 0 });
    expect((rotated.body.current as Json).server_seed_hash).not.toBe(hash);

    const verified = await request(
      `${t.casino.url}/api/v1/casino/rounds/${round.id as string}/verification`,
      {
        headers: as(player),
      },
    );
    expect([verified.body, round]).toMatchObject([{ verified: true, commitment_matches: true }, {}]);

    // Anyone can recompute it from the revealed seed.
    const fairness = round.fairness as Json;
    const recomputed = await request(`${t.casino.url}/api/v1/casino/verify`, {
      headers: as(randomUUID()),
      body: {
        game: 'roulette',
        server_seed: revealed,
        server_seed_hash: hash,
        client_seed: fairness.client_seed,
        nonce: fairness.nonce,
        bet: { type: 'red' },
      },
    });
    expect(recomputed.body).toMatchObject({
      commitment_matches: true,
      multiplier: round.multiplier,
      result: round.result,
    });

    // A different nonce gives another outcome stream; a wrong seed breaks the commitment.
    const wrongSeed = await request(`${t.casino.url}/api/v1/casino/verify`, {
      headers: as(randomUUID()),
      body: {
        game: 'roulette',
        server_seed: 'f'.repeat(64),
        server_seed_hash: hash,
        client_seed: 'x',
        nonce: 0,
        bet: { type: 'red' },
      },
    });
    expect(wrongSeed.body.commitment_matches).toBe(false);
  });

  it('does not verify a round whose recorded result was tampered with', async () => {
    const player = await funded('20.00');
    const round = (await play(t.casino, player, 'dice', { stake: '1.00', bet: BETS.dice })).body;
    await request(`${t.casino.url}/api/v1/casino/seeds/rotate`, { headers: as(player), body: {} });
    const url = `${t.casino.url}/api/v1/casino/rounds/${round.id as string}/verification`;
    expect((await request(url, { headers: as(player) })).body.verified).toBe(true);
    await db.query(`UPDATE rounds SET result = jsonb_set(result, '{roll}', '100') WHERE id = $1`, [round.id]);
    expect((await request(url, { headers: as(player) })).body.verified).toBe(false);
    await db.query(`UPDATE rounds SET result = $2, multiplier = 0 WHERE id = $1`, [
      round.id,
      JSON.stringify(round.result),
    ]);
    expect((await request(url, { headers: as(player) })).body.verified).toBe(round.multiplier === 0);
  });

  it('refuses to rotate while a hand on the seed pair is open', async () => {
    const player = await funded('50.00');
    let open: Json | undefined;
    for (let i = 0; i < 20 && !open; i++) {
      const res = await play(t.casino, player, 'blackjack', { stake: '1.00', bet: {} });
      if (res.body.status === 'open') open = res.body;
    }
    const res = await request(`${t.casino.url}/api/v1/casino/seeds/rotate`, {
      headers: as(player),
      body: {},
    });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('https://gameday.dev/problems/rounds-unfinished');
  });
});

describe('the progressive jackpot', () => {
  /** A seed pair and nonce whose slot spin lands three jackpot symbols on the middle line. */
  function jackpotSeeds(): { serverSeed: string; clientSeed: string; nonce: number } {
    const serverSeed = 'a'.repeat(64);
    const clientSeed = 'jackpot-hunter';
    for (let nonce = 0; nonce < 2_000_000; nonce++) {
      const r =
        GAMES.slots.kind === 'instant' &&
        GAMES.slots.resolve({ lines: 1 }, new FairRng({ serverSeed, clientSeed, nonce }));
      if (r && r.jackpot) return { serverSeed, clientSeed, nonce };
    }
    throw new Error('no jackpot in 2,000,000 spins');
  }

  it('is fed by slot bets and won exactly once: the pool is paid, reset to its seed, and a replay pays nothing', async () => {
    const player = await funded('20.00');
    await request(`${t.casino.url}/api/v1/casino/seeds`, { headers: as(player) });
    const seeds = jackpotSeeds();
    await db.query(
      `UPDATE seeds SET server_seed = $2, server_seed_hash = $3, client_seed = $4, next_nonce = $5 WHERE player_id = $1 AND active`,
      [
        player,
        seeds.serverSeed,
        createHash('sha256').update(seeds.serverSeed).digest('hex'),
        seeds.clientSeed,
        seeds.nonce,
      ],
    );
    const jackpot = async () =>
      (await request(`${t.casino.url}/api/v1/casino/jackpot`, { headers: as(player) })).body;
    const before = await jackpot();
    const key = randomUUID();
    const round = await play(t.casino, player, 'slots', { stake: '5.00', bet: { lines: 1 } }, key);
    expect(round.status).toBe(201);
    // The pool as it stood, plus this bet's 1% contribution.
    expect(cents(round.body.jackpot_win)).toBe(cents(before.pool) + 5);
    const after = await jackpot();
    expect(after).toMatchObject({ pool: after.seed, wins: (before.wins as number) + 1 });
    const balanceAfter = await balance(t.wallet, player);
    expect(balanceAfter).toBe(2000 - 500 + cents(round.body.payout) + cents(round.body.jackpot_win));

    const replay = await play(t.casino, player, 'slots', { stake: '5.00', bet: { lines: 1 } }, key);
    expect(replay.body.id).toBe(round.body.id);
    expect(await balance(t.wallet, player)).toBe(balanceAfter);
    expect((await jackpot()).wins).toBe(after.wins);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM jackpot_wins WHERE round_id = $1', [
      round.body.id,
    ]);
    expect(rows[0].n).toBe(1);
  });
});

describe('history and telemetry', () => {
  it('lists a player’s rounds newest first, in pages, filtered by game', async () => {
    const player = await funded('20.00');
    for (const game of ['coin-flip', 'dice', 'coin-flip'])
      await play(t.casino, player, game, { stake: '1.00', bet: BETS[game] });
    const page1 = await request(`${t.casino.url}/api/v1/casino/rounds?limit=2`, { headers: as(player) });
    expect((page1.body.items as Json[]).map((r) => r.game)).toEqual(['coin-flip', 'dice']);
    const page2 = await request(
      `${t.casino.url}/api/v1/casino/rounds?limit=2&cursor=${page1.body.next_cursor as string}`,
      {
        headers: as(player),
      },
    );
    expect((page2.body.items as Json[]).map((r) => r.game)).toEqual(['coin-flip']);
    expect(page2.body.next_cursor).toBeNull();
    const dice = await request(`${t.casino.url}/api/v1/casino/rounds?game=dice`, { headers: as(player) });
    expect((dice.body.items as Json[]).map((r) => r.game)).toEqual(['dice']);
    const bad = await request(`${t.casino.url}/api/v1/casino/rounds?game=poker&cursor=zzz`, {
      headers: as(player),
    });
    expect(bad.status).toBe(400);
  });

  it('counts bets, wagers and payouts per game', async () => {
    const player = await funded('20.00');
    await play(t.casino, player, 'plinko', { stake: '3.00', bet: BETS.plinko });
    const text = (await request(`${t.casino.url}/metrics`)).text;
    expect(text).toMatch(/^gameday_bets_total\{game="plinko",outcome="(win|lose|push)"\} [1-9]/m);
    expect(text).toMatch(/^gameday_casino_wagered_cents_total\{game="plinko"\} [1-9]\d*/m);
    expect(text).toMatch(/^gameday_casino_realised_rtp_ratio\{game="plinko"\} /m);
    expect(text).toMatch(/^gameday_casino_jackpot_pool_cents \d+/m);
  });
});
