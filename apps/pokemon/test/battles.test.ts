// The Battle Manager against a real PostgreSQL and real processes: instant battles against the AI,
// battles between two players turn by turn, determinism and replay verification, a battle that
// survives its process being killed, the turn timer, ratings and the outbox event, idempotency.
import { randomUUID } from 'node:crypto';
import { LiveBattle, logHash } from '../src/domain/engine';
import type { BattleSetup, RecordedChoice } from '../src/domain/engine';
import type { Json, PokemonUnderTest } from './support';
import { OtlpReceiver, eventually, request } from '@gameday/testing';
import { Player, playOut, startPokemonUnderTest } from './support';

let t: PokemonUnderTest;
const TOKEN = 'a-scheduler-token-for-tests';
const internal = (method: string, path: string, body?: unknown, token = TOKEN) =>
  request<Json>(`${t.service.url}${path}`, { method, body, headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  t = await startPokemonUnderTest({
    POKEMON_TURN_SECONDS: '3600',
    POKEMON_SERVICE_TOKENS: `scheduler=${TOKEN}`,
  });
});

afterAll(async () => {
  await t?.stop();
});

async function stored(id: string) {
  const { rows } = await t.db.query('SELECT * FROM battles WHERE id = $1', [id]);
  const choices = await t.db.query(
    'SELECT side, choice FROM battle_choices WHERE battle_id = $1 ORDER BY seq',
    [id],
  );
  return { battle: rows[0], choices: choices.rows as RecordedChoice[] };
}

async function events(battleId: string): Promise<Json[]> {
  const { rows } = await t.db.query(
    "SELECT payload FROM outbox WHERE payload->>'type' = 'battle.finished' AND payload->'data'->>'battle_id' = $1",
    [battleId],
  );
  return rows.map((r: { payload: Json }) => r.payload);
}

/** Two trainers with teams, and a challenge accepted: an active battle between them. */
async function pvp(rated = true): Promise<{ a: Player; b: Player; id: string }> {
  const a = new Player(t.service);
  const b = new Player(t.service);
  const [ta, tb] = [await a.team(3), await b.team(3)];
  await b.call('PUT', '/trainers/me', { name: 'Rival' });
  const challenge = await a.call('POST', '/battles', {
    mode: 'pvp',
    team_id: ta.id,
    opponent_id: b.id,
    rated,
  });
  expect(challenge.status).toBe(201);
  expect(challenge.body).toMatchObject({ status: 'pending', mode: 'pvp' });
  const id = String(challenge.body.id);
  const accepted = await b.call('POST', `/battles/${id}/accept`, { team_id: tb.id });
  expect(accepted.status).toBe(200);
  expect(accepted.body).toMatchObject({
    status: 'active',
    your_side: 'p2',
    request: { kind: 'teampreview' },
  });
  return { a, b, id };
}

describe('an instant battle against the AI', () => {
  it('is simulated to the end, stored with its seed, choices and log, and replays to the same log', async () => {
    const p = new Player(t.service);
    const team = await p.team(3);
    const res = await p.call('POST', '/battles', { mode: 'ai', team_id: team.id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      mode: 'ai',
      status: 'finished',
      format: 'gen9ou',
      winner: expect.stringMatching(/^(p1|p2|tie)$/),
      players: { p2: { ai: true, name: 'Gameday AI' } },
      seed: expect.stringMatching(/^sodium,[0-9a-f]{64}$/),
      log_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(Number(res.body.turn)).toBeGreaterThan(0);
    expect((res.body.log as string[]).some((l) => l.startsWith('|win|') || l === '|tie')).toBe(true);

    const replay = await p.call('GET', `/battles/${String(res.body.id)}/replay`);
    expect(replay.body).toMatchObject({ verified: true, replayed_log_hash: res.body.log_hash });
    const { battle, choices } = await stored(String(res.body.id));
    expect(choices.length).toBe(battle.choice_count);
    expect(await events(String(res.body.id))).toEqual([
      expect.objectContaining({
        type: 'battle.finished',
        player_id: p.id,
        data: expect.objectContaining({ mode: 'ai', rated: false, format: 'gen9ou' }),
      }),
    ]);
  });

  it('answers a retry with the same Idempotency-Key with the first battle, and a different body with 409', async () => {
    const p = new Player(t.service);
    const team = await p.team(2);
    const key = randomUUID();
    const first = await p.call(
      'POST',
      '/battles',
      { mode: 'ai', team_id: team.id },
      { 'idempotency-key': key },
    );
    const again = await p.call(
      'POST',
      '/battles',
      { mode: 'ai', team_id: team.id },
      { 'idempotency-key': key },
    );
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const other = await p.call(
      'POST',
      '/battles',
      { mode: 'ai', format: 'gen9anythinggoes', team_id: team.id },
      { 'idempotency-key': key },
    );
    expect(other.status).toBe(409);
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM battles WHERE p1_trainer = $1', [p.id]);
    expect(rows[0].n).toBe(1);
  });

  it('refuses a team of another format or of another trainer', async () => {
    const p = new Player(t.service);
    const team = await p.team(2);
    const wrong = await p.call('POST', '/battles', { mode: 'ai', format: 'gen9lc', team_id: team.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'team_id' })]);
    const theirs = await new Player(t.service).call('POST', '/battles', { mode: 'ai', team_id: team.id });
    expect(theirs.body.errors).toEqual([expect.objectContaining({ field: 'team_id' })]);
    // A member replaced by an Uber after the team was built: the team no longer fits OU.
    const member = String((team.pokemon as string[])[0]);
    const swapped = await p.call(
      'PUT',
      `/trainers/me/pokemon/${member}`,
      {
        species: 'Koraidon',
        ability: 'Orichalcum Pulse',
        level: 72,
        moves: ['Flare Blitz', 'Collision Course'],
      },
      { 'if-match': '*' },
    );
    expect(swapped.status).toBe(200);
    const unfit = await p.call('POST', '/battles', { mode: 'ai', team_id: team.id });
    expect(unfit.status).toBe(400);
    expect(unfit.body.errors).toEqual([
      expect.objectContaining({ field: 'team_id', detail: expect.stringContaining('Uber') }),
    ]);
    expect((await p.call('POST', '/battles', { mode: 'duel', team_id: team.id })).body.errors).toEqual([
      expect.objectContaining({ field: 'mode' }),
    ]);
  });
});

describe('a battle between two players', () => {
  it('is played turn by turn; bad, early and foreign choices are refused and change nothing', async () => {
    const { a, b, id } = await pvp();
    const outsider = new Player(t.service);
    expect((await outsider.call('POST', `/battles/${id}/choices`, { choice: 'default' })).status).toBe(403);
    expect((await outsider.call('GET', `/battles/${id}`)).status).toBe(403);
    const before = await stored(id);
    const illegal = await a.call('POST', `/battles/${id}/choices`, { choice: 'move 9' });
    expect(illegal.status).toBe(400);
    expect(illegal.body.errors).toEqual([expect.objectContaining({ field: 'choice' })]);
    expect((await a.call('POST', `/battles/${id}/choices`, { choice: 'undo' })).status).toBe(400);
    const key = randomUUID();
    expect(
      (await a.call('POST', `/battles/${id}/choices`, { choice: 'default' }, { 'idempotency-key': key }))
        .status,
    ).toBe(200);
    // The same choice retried (its answer was lost): answered again, not applied to the next turn.
    const retried = await a.call(
      'POST',
      `/battles/${id}/choices`,
      { choice: 'default' },
      { 'idempotency-key': key },
    );
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    // a has chosen for this turn: a second choice is out of turn.
    const early = await a.call('POST', `/battles/${id}/choices`, { choice: 'default' });
    expect(early.status).toBe(409);
    expect(early.body.type).toMatch(/not-your-turn$/);
    expect((await stored(id)).choices).toHaveLength(before.choices.length + 1);
    const finished = await playOut(a, b, id);
    expect(finished).toMatchObject({ status: 'finished', end_reason: 'normal' });
    const after = await a.call('POST', `/battles/${id}/choices`, { choice: 'default' });
    expect(after.status).toBe(409);
    expect(after.body.type).toMatch(/battle-ended$/);
    expect((await a.call('GET', `/battles/${id}/replay`)).body).toMatchObject({ verified: true });
  });

  it('updates both Glicko-2 ratings exactly once and writes one battle.finished event', async () => {
    const { a, b, id } = await pvp();
    const finished = await playOut(a, b, id);
    const [event] = await events(id);
    expect(await events(id)).toHaveLength(1);
    const { rows } = await t.db.query(
      'SELECT trainer_id, rating, rd, battles FROM ratings WHERE trainer_id = ANY($1)',
      [[a.id, b.id]],
    );
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.battles).toBe(1);
    if (finished.winner !== 'tie') {
      const winner = finished.winner === 'p1' ? a.id : b.id;
      const w = rows.find((r: Json) => r.trainer_id === winner);
      const l = rows.find((r: Json) => r.trainer_id !== winner);
      expect(w.rating).toBeGreaterThan(1500);
      expect(l.rating).toBeLessThan(1500);
      expect(event!.data).toMatchObject({ winner_id: winner, rated: true, winner_rating: w.rating });
    }
    const profile = await a.call('GET', '/trainers/me');
    expect(profile.body.ratings).toEqual([expect.objectContaining({ format: 'gen9ou', battles: 1 })]);
    const board = await a.call('GET', '/ratings/gen9ou');
    expect((board.body.items as Json[]).map((r) => r.trainer_id)).toEqual(
      expect.arrayContaining([a.id, b.id]),
    );
  });

  it('resumes after its process is killed mid-battle, and gives the log the same seed and choices give', async () => {
    const { a, b, id } = await pvp(false);
    for (let i = 0; i < 3; i++) {
      for (const who of [a, b]) await who.call('POST', `/battles/${id}/choices`, { choice: 'default' });
    }
    const mid = await stored(id);
    expect(mid.battle.status).toBe('active');
    // Kill the process between turns; a new one takes over the same database.
    const killed = t.service;
    expect(await killed.stop('SIGKILL')).toBe('SIGKILL');
    const next = await t.start();
    t.service = next;
    a.service = next;
    b.service = next;
    const view = await a.call('GET', `/battles/${id}`);
    expect(view.body).toMatchObject({ status: 'active', turn: mid.battle.turn });
    await playOut(a, b, id);
    const end = await stored(id);
    expect(end.battle.status).toBe('finished');
    expect(await events(id)).toHaveLength(1);
    // The same seed and choices, simulated here from scratch, give the stored log.
    const setup: BattleSetup = {
      format: end.battle.format,
      seed: end.battle.seed,
      p1: { name: end.battle.p1_name, team: end.battle.p1_team },
      p2: { name: end.battle.p2_name, team: end.battle.p2_team },
    };
    const again = LiveBattle.replay(setup, end.choices);
    expect(logHash(again.log)).toBe(end.battle.log_hash);
    expect(logHash(String(end.battle.log).split('\n'))).toBe(end.battle.log_hash);
    expect((await a.call('GET', `/battles/${id}/replay`)).body).toMatchObject({ verified: true });
  });

  it('fails replay verification when the stored log was tampered with', async () => {
    const p = new Player(t.service);
    const team = await p.team(2);
    const res = await p.call('POST', '/battles', { mode: 'ai', team_id: team.id });
    await t.db.query("UPDATE battles SET log = replace(log, '|turn|2', '|turn|3') WHERE id = $1", [
      res.body.id,
    ]);
    const replay = await p.call('GET', `/battles/${String(res.body.id)}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ verified: false });
    expect(replay.body.replayed_log_hash).toBe(res.body.log_hash);
  });

  it('refuses to accept someone else’s challenge, or a challenge twice, or a choice before it starts', async () => {
    const a = new Player(t.service);
    const b = new Player(t.service);
    const [ta, tb] = [await a.team(2), await b.team(2)];
    await b.call('GET', '/trainers/me');
    const c = await a.call('POST', '/battles', { mode: 'pvp', team_id: ta.id, opponent_id: b.id });
    const id = String(c.body.id);
    expect((await a.call('POST', `/battles/${id}/choices`, { choice: 'default' })).status).toBe(409);
    expect((await a.call('POST', `/battles/${id}/accept`, { team_id: ta.id })).status).toBe(409);
    expect(
      (await new Player(t.service).call('POST', `/battles/${id}/accept`, { team_id: tb.id })).status,
    ).toBe(403);
    expect((await b.call('POST', `/battles/${id}/accept`, { team_id: tb.id })).status).toBe(200);
    expect((await b.call('POST', `/battles/${id}/accept`, { team_id: tb.id })).status).toBe(409);
    expect(
      (await a.call('POST', '/battles', { mode: 'pvp', team_id: ta.id, opponent_id: a.id })).body.errors,
    ).toEqual([expect.objectContaining({ field: 'opponent_id' })]);
    expect((await a.call('POST', `/battles/${id}/forfeit`)).body).toMatchObject({
      status: 'finished',
      winner: 'p2',
    });
  });
});

describe('the turn timer', () => {
  it('lets the AI choose for a player whose time ran out', async () => {
    const fast = await t.start({ POKEMON_TURN_SECONDS: '1', POKEMON_TURN_SWEEP_MS: '200' });
    try {
      const a = new Player(fast);
      const b = new Player(fast);
      const [ta, tb] = [await a.team(2), await b.team(2)];
      await b.call('GET', '/trainers/me');
      const id = String(
        (await a.call('POST', '/battles', { mode: 'pvp', team_id: ta.id, opponent_id: b.id })).body.id,
      );
      await b.call('POST', `/battles/${id}/accept`, { team_id: tb.id });
      await a.call('POST', `/battles/${id}/choices`, { choice: 'default' });
      // b never chooses: after a second the AI does, and the battle goes on.
      const deadline = Date.now() + 10_000;
      let ai = 0;
      while (Date.now() < deadline && ai === 0) {
        await new Promise((r) => setTimeout(r, 200));
        const { rows } = await t.db.query(
          "SELECT count(*)::int AS n FROM battle_choices WHERE battle_id = $1 AND side = 'p2' AND by_ai",
          [id],
        );
        ai = rows[0].n;
      }
      expect(ai).toBeGreaterThan(0);
    } finally {
      await fast.stop();
    }
  });
});

describe('battles other services arrange (the internal API)', () => {
  async function pair() {
    const a = new Player(t.service);
    const b = new Player(t.service);
    const [ta, tb] = [await a.team(2), await b.team(2)];
    await b.call('GET', '/trainers/me');
    return { a, b, ta, tb };
  }

  it('plays a tournament match to the end once per origin, however often it is asked', async () => {
    const { a, b, ta, tb } = await pair();
    const ref = `tournament-${randomUUID()}:1:0`;
    const body = {
      format: 'gen9ou',
      mode: 'auto',
      p1: { trainer_id: a.id, team_id: ta.id },
      p2: { trainer_id: b.id, team_id: tb.id },
      origin: 'tournament',
      origin_ref: ref,
    };
    const [first, second] = await Promise.all([
      internal('POST', '/internal/battles', body),
      internal('POST', '/internal/battles', body),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    expect(first.body.id).toBe(second.body.id);
    expect(first.body).toMatchObject({ status: 'finished', origin_ref: ref });
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM battles WHERE origin_ref = $1', [ref]);
    expect(rows[0].n).toBe(1);
    expect(await events(String(first.body.id))).toHaveLength(1);
  });

  it('starts a matchmaking battle live, for the players to play', async () => {
    const { a, b, ta, tb } = await pair();
    const res = await internal('POST', '/internal/battles', {
      format: 'gen9ou',
      mode: 'live',
      rated: true,
      p1: { trainer_id: a.id, team_id: ta.id },
      p2: { trainer_id: b.id, team_id: tb.id },
      origin: 'matchmaking',
      origin_ref: randomUUID(),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'active', rated: true });
    const done = await playOut(a, b, String(res.body.id));
    expect(done.status).toBe('finished');
  });

  it('checks a team for a format and answers the trainer’s rating', async () => {
    const { a, ta } = await pair();
    const res = await internal('GET', `/internal/trainers/${a.id}/teams/${String(ta.id)}?format=gen9ou`);
    expect(res.body).toMatchObject({ trainer_id: a.id, rating: 1500, format: 'gen9ou' });
    const wrong = await internal('GET', `/internal/trainers/${a.id}/teams/${String(ta.id)}?format=gen9lc`);
    expect(wrong.status).toBe(400);
  });

  it('refuses callers without a valid service token', async () => {
    expect(
      (await internal('POST', '/internal/retention', { battle_log_days: 30 }, 'wrong-token-wrong')).status,
    ).toBe(401);
    expect(
      (await request(`${t.service.url}/internal/retention`, { body: { battle_log_days: 30 } })).status,
    ).toBe(401);
  });

  it('purges old battle logs by retention: the result stays, replay answers 410', async () => {
    const p = new Player(t.service);
    const team = await p.team(2);
    const res = await p.call('POST', '/battles', { mode: 'ai', team_id: team.id });
    const id = String(res.body.id);
    await t.db.query("UPDATE battles SET finished_at = now() - interval '40 days' WHERE id = $1", [id]);
    const purged = await internal('POST', '/internal/retention', { battle_log_days: 30 });
    expect(Number(purged.body.purged_battle_logs)).toBeGreaterThanOrEqual(1);
    const after = await stored(id);
    expect(after.battle).toMatchObject({ status: 'finished', log: '', log_hash: res.body.log_hash });
    expect(after.choices).toEqual([]);
    expect((await p.call('GET', `/battles/${id}/replay`)).status).toBe(410);
    expect((await internal('POST', '/internal/retention', { battle_log_days: 0 })).status).toBe(400);
  });
});

describe('what a battle leaves behind', () => {
  it('a battle span with a span per turn (instant), a battle span when a PvP battle ends, and a forfeit on timeout', async () => {
    const receiver = new OtlpReceiver();
    const endpoint = await receiver.start();
    // The only instance left (the last test): its turn timer, and no other, acts on the battle below.
    await t.service.stop();
    const traced = await t.start({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      POKEMON_TURN_SECONDS: '1',
      POKEMON_TURN_SWEEP_MS: '200',
      POKEMON_TURN_TIMEOUT_ACTION: 'forfeit',
    });
    try {
      const p = new Player(traced);
      const team = await p.team(2);
      const res = await p.call('POST', '/battles', { mode: 'ai', team_id: team.id });
      const battle = await eventually(() =>
        receiver.spans.find(
          (s) => s.name === 'battle ai' && s.attributes['gameday.battle.id'] === res.body.id,
        ),
      );
      const turns = receiver.spans.filter(
        (s) => s.name === 'battle.turn' && s.parentSpanId === battle.spanId,
      );
      expect(turns.length).toBe(Number(res.body.turn) + 1);
      expect(battle.attributes['gameday.battle.turns']).toBe(res.body.turn);

      // A PvP battle where p2 never chooses: after a second p2 forfeits, and the battle's span is made.
      const b = new Player(traced);
      const tb = await b.team(2);
      await b.call('GET', '/trainers/me');
      const id = String(
        (await p.call('POST', '/battles', { mode: 'pvp', team_id: team.id, opponent_id: b.id })).body.id,
      );
      await b.call('POST', `/battles/${id}/accept`, { team_id: tb.id });
      await p.call('POST', `/battles/${id}/choices`, { choice: 'default' });
      const ended = await eventually(async () => {
        const v = await p.call('GET', `/battles/${id}`);
        return v.body.status === 'finished' ? v.body : undefined;
      });
      expect(ended).toMatchObject({ winner: 'p1', end_reason: 'timeout' });
      await new Promise((r) => setTimeout(r, 2000));
      console.log(
        [...new Set(receiver.spans.map((s) => s.name))].join(','),
        traced.logs.filter((l) => l.level !== 'info').slice(-5),
      );
      const pvp = await eventually(() =>
        receiver.spans.find((s) => s.name === 'battle pvp' && s.attributes['gameday.battle.id'] === id),
      );
      expect(pvp.attributes['gameday.battle.end_reason']).toBe('timeout');
    } finally {
      await traced.stop();
      await receiver.stop();
    }
  });
});
