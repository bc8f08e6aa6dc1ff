// The scheduler against a real PostgreSQL (its tables and pg-boss's) and a real pokemon service:
// a tournament of eight completes with a correct bracket while the scheduler is killed and restarted
// in the middle, no battle played twice; a Swiss tournament; matchmaking; daily challenges; dead jobs
// and their retry; bad input.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { OtlpReceiver, eventually, request, startService } from '@gameday/testing';
import type { HttpResponse, ServiceProcess } from '@gameday/testing';
import { Player, startPokemonUnderTest } from '../../pokemon/test/support';
import type { Json, PokemonUnderTest } from '../../pokemon/test/support';

const TOKEN = 'scheduler-token-for-the-tests';
let t: PokemonUnderTest;
let scheduler: ServiceProcess;
let db: Client;
const admin = randomUUID();

const schedulerEnv = () => ({
  DATABASE_URL: t.pg.url('scheduler'),
  POKEMON_URL: t.service.url,
  POKEMON_TOKEN: TOKEN,
  SCHEDULER_POLL_SECONDS: '0.5',
  SCHEDULER_SUPERVISE_SECONDS: '2',
  SCHEDULER_MATCHMAKING_SECONDS: '1',
  SCHEDULER_RETRY_DELAY_SECONDS: '1',
  SCHEDULER_ROUND_INTERVAL_SECONDS: '1',
});

beforeAll(async () => {
  t = await startPokemonUnderTest({
    POKEMON_SERVICE_TOKENS: `scheduler=${TOKEN}`,
    POKEMON_TURN_SECONDS: '3600',
  });
  await t.pg.createDatabase('scheduler');
  scheduler = await startService('scheduler', { env: schedulerEnv() });
  db = new Client({ connectionString: t.pg.url('scheduler') });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await scheduler?.stop().catch(() => undefined);
  await t?.stop();
});

function call(
  who: { id: string } | string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResponse<Json>> {
  const id = typeof who === 'string' ? who : who.id;
  return request<Json>(`${scheduler.url}${path}`, {
    method,
    body,
    headers: { 'x-player-id': id, 'x-player-role': id === admin ? 'admin' : 'player', ...headers },
  });
}

/** `n` trainers, each with a team, entered in a new tournament. */
async function tournament(kind: string, n: number, startsInSeconds = 2) {
  const created = await call(admin, 'POST', '/api/v1/tournaments', {
    name: `${kind} of ${n}`,
    kind,
    max_entrants: n,
    starts_at: new Date(Date.now() + startsInSeconds * 1000).toISOString(),
  });
  expect(created.status).toBe(201);
  const id = String(created.body.id);
  const trainers: { p: Player; team: Json }[] = [];
  for (let i = 0; i < n; i++) {
    const p = new Player(t.service);
    const team = await p.team(2);
    const joined = await call(p, 'POST', `/api/v1/tournaments/${id}/entries`, { team_id: team.id });
    expect(joined.status).toBe(201);
    trainers.push({ p, team });
  }
  return { id, trainers };
}

async function finished(id: string, timeoutMs = 60_000): Promise<Json> {
  return eventually(
    async () => {
      const res = await call(admin, 'GET', `/api/v1/tournaments/${id}`);
      return res.body.status === 'finished' ? res.body : undefined;
    },
    { timeoutMs },
  );
}

describe('a single-elimination tournament of eight', () => {
  it('completes with a correct bracket while the scheduler is killed mid-tournament, playing no battle twice', async () => {
    const { id, trainers } = await tournament('single-elimination', 8);
    // Kill the scheduler as soon as the first match has a result.
    await eventually(async () => {
      const { rows } = await db.query(
        'SELECT count(*)::int AS n FROM tournament_matches WHERE tournament_id = $1 AND played_at IS NOT NULL',
        [id],
      );
      return rows[0].n >= 1 ? true : undefined;
    });
    expect(await scheduler.stop('SIGKILL')).toBe('SIGKILL');
    scheduler = await startService('scheduler', { env: schedulerEnv() });

    const done = await finished(id, 90_000);
    const matches = done.matches as Json[];
    const byRound = (r: number) =>
      matches.filter((m) => m.round === r).sort((a, b) => Number(a.slot) - Number(b.slot));
    expect([1, 2, 3].map((r) => byRound(r).length)).toEqual([4, 2, 1]);
    // Each round's winners, in slot order, are the next round's players.
    for (const r of [1, 2]) {
      const winners = byRound(r).map((m) => m.winner_id ?? m.p1);
      expect(byRound(r + 1).flatMap((m) => [m.p1, m.p2])).toEqual(winners);
    }
    expect(done.winner_id).toBe(byRound(3)[0]!.winner_id ?? byRound(3)[0]!.p1);
    expect(trainers.map((x) => x.p.id)).toContain(done.winner_id);
    // Seven battles, each played once, each the one its match records.
    const { rows } = await t.db.query(
      "SELECT id, origin_ref FROM battles WHERE origin = 'tournament' AND origin_ref LIKE $1",
      [`${id}:%`],
    );
    expect(rows).toHaveLength(7);
    expect(new Set(rows.map((r: Json) => r.origin_ref)).size).toBe(7);
    expect(new Set(matches.map((m) => m.battle_id))).toEqual(new Set(rows.map((r: Json) => r.id)));
    const events = await db.query(
      "SELECT payload FROM outbox WHERE payload->>'type' = 'tournament.finished' AND payload->'data'->>'tournament_id' = $1",
      [id],
    );
    expect(events.rows).toHaveLength(1);
    expect(events.rows[0].payload).toMatchObject({
      player_id: done.winner_id,
      data: { entrants: 8, rounds: 3, battles: 7 },
    });
  });
});

describe('a Swiss tournament', () => {
  it('plays log2(n) rounds with a bye for the odd player and ranks by points', async () => {
    const { id } = await tournament('swiss', 5);
    const done = await finished(id);
    const matches = done.matches as Json[];
    expect(new Set(matches.map((m) => m.round))).toEqual(new Set([1, 2, 3]));
    expect(matches.filter((m) => m.p2 === null)).toHaveLength(3);
    const standings = done.standings as Json[];
    expect(standings).toHaveLength(5);
    expect(done.winner_id).toBe(standings[0]!.trainer_id);
  });
});

describe('entries', () => {
  it('refuses joining twice, a team not fit for the format, a full or started tournament', async () => {
    const created = await call(admin, 'POST', '/api/v1/tournaments', {
      name: 'Entries',
      max_entrants: 2,
      starts_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const id = String(created.body.id);
    const [a, b, c] = [new Player(t.service), new Player(t.service), new Player(t.service)];
    const [ta, tb, tc] = [await a.team(1), await b.team(1), await c.team(1)];
    const key = randomUUID();
    expect(
      (
        await call(
          a,
          'POST',
          `/api/v1/tournaments/${id}/entries`,
          { team_id: ta.id },
          { 'idempotency-key': key },
        )
      ).status,
    ).toBe(201);
    const replay = await call(
      a,
      'POST',
      `/api/v1/tournaments/${id}/entries`,
      { team_id: ta.id },
      { 'idempotency-key': key },
    );
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const twice = await call(a, 'POST', `/api/v1/tournaments/${id}/entries`, { team_id: ta.id });
    expect(twice.status).toBe(409);
    expect(twice.body.type).toMatch(/already-entered$/);
    const notMine = await call(b, 'POST', `/api/v1/tournaments/${id}/entries`, { team_id: ta.id });
    expect(notMine.status).toBe(400);
    expect(notMine.body.errors).toEqual([expect.objectContaining({ field: 'team_id' })]);
    expect((await call(b, 'POST', `/api/v1/tournaments/${id}/entries`, { team_id: tb.id })).status).toBe(201);
    expect(
      (await call(c, 'POST', `/api/v1/tournaments/${id}/entries`, { team_id: tc.id })).body.type,
    ).toMatch(/tournament-full$/);
    expect((await call(a, 'POST', '/api/v1/tournaments', { name: 'Mine' })).status).toBe(403);
    const bad = await call(admin, 'POST', '/api/v1/tournaments', {
      name: 'X',
      kind: 'round-robin',
      max_entrants: 65,
    });
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'name' }),
        expect.objectContaining({ field: 'kind' }),
        expect.objectContaining({ field: 'max_entrants' }),
      ]),
    );
    const { rows } = await db.query(
      'SELECT count(*)::int AS n FROM tournament_entries WHERE tournament_id = $1',
      [id],
    );
    expect(rows[0].n).toBe(2);
  });
});

describe('matchmaking', () => {
  it('pairs two queued trainers of similar rating into a live battle', async () => {
    const [a, b] = [new Player(t.service), new Player(t.service)];
    const [ta, tb] = [await a.team(2), await b.team(2)];
    await b.call('GET', '/trainers/me');
    const qa = await call(a, 'POST', '/api/v1/matchmaking/queue', { team_id: ta.id });
    expect(qa.status).toBe(201);
    expect(qa.body).toMatchObject({ status: 'waiting', rating: 1500, window: 50 });
    expect((await call(a, 'POST', '/api/v1/matchmaking/queue', { team_id: ta.id })).status).toBe(409);
    await call(b, 'POST', '/api/v1/matchmaking/queue', { team_id: tb.id });
    const matched = await eventually(async () => {
      const res = await call(a, 'GET', '/api/v1/matchmaking/queue/me');
      return res.body.status === 'matched' ? res.body : undefined;
    });
    expect(matched.opponent_id).toBe(b.id);
    const battle = await a.call('GET', `/battles/${String(matched.battle_id)}`);
    expect(battle.body).toMatchObject({ status: 'active', rated: true, mode: 'pvp' });
  });

  it('lets a trainer leave the queue, and refuses a bad team', async () => {
    const p = new Player(t.service);
    const team = await p.team(1);
    expect(
      (await call(p, 'POST', '/api/v1/matchmaking/queue', { format: 'gen9lc', team_id: team.id })).status,
    ).toBe(400);
    expect(
      (await call(p, 'POST', '/api/v1/matchmaking/queue', { format: 'gen10', team_id: team.id })).body.errors,
    ).toEqual([expect.objectContaining({ field: 'format' })]);
    await call(p, 'POST', '/api/v1/matchmaking/queue', { team_id: team.id });
    expect((await call(p, 'DELETE', '/api/v1/matchmaking/queue/me')).status).toBe(204);
    expect((await call(p, 'GET', '/api/v1/matchmaking/queue/me')).body.status).toBe('left');
  });
});

describe('daily challenges', () => {
  it('draws three a day, and a claim counts only what was done', async () => {
    const p = new Player(t.service);
    const list = await call(p, 'GET', '/api/v1/challenges/today');
    expect((list.body.items as Json[]).map((c) => c.difficulty).sort()).toEqual(['easy', 'hard', 'medium']);
    const hard = (list.body.items as Json[]).find((c) => c.difficulty === 'hard')!;
    const early = await call(
      p,
      'POST',
      `/api/v1/challenges/${String(list.body.day)}/${String(hard.key)}/claim`,
    );
    expect(early.status).toBe(422);
    expect((await call(p, 'POST', '/api/v1/challenges/2020-01-01/first-win/claim')).status).toBe(409);
    expect((await call(p, 'POST', '/api/v1/challenges/yesterday/first-win/claim')).status).toBe(400);
  });
});

describe('the job queues', () => {
  it('shows queue depths and the freshness histogram, and dead-letters a job whose retries are spent', async () => {
    const queues = await call(admin, 'GET', '/api/v1/scheduler/queues');
    expect((queues.body.items as Json[]).map((q) => q.name)).toEqual(
      expect.arrayContaining(['tournament-round', 'matchmaking-pass', 'dead-jobs']),
    );
    expect((await call(randomUUID(), 'GET', '/api/v1/scheduler/queues')).status).toBe(403);
    const metrics = await fetch(`${scheduler.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(
      /gameday_scheduler_job_start_delay_seconds_bucket\{le="30",queue="matchmaking-pass"\} [1-9]/,
    );
    expect(metrics).toMatch(/gameday_scheduler_queue_jobs\{queue="matchmaking-pass",state="deferred"\}/);

    // A scheduler whose pokemon service is gone: the fetcher refresh fails, is retried, then dies.
    await t.pg.createDatabase('scheduler_dead');
    const receiver = new OtlpReceiver();
    const endpoint = await receiver.start();
    const lonely = await startService('scheduler', {
      env: {
        ...schedulerEnv(),
        DATABASE_URL: t.pg.url('scheduler_dead'),
        POKEMON_URL: 'http://127.0.0.1:9',
        SCHEDULER_RETRY_LIMIT: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_TRACES_SAMPLER: 'always_on',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
    try {
      const asAdmin = (method: string, path: string) =>
        request<Json>(`${lonely.url}${path}`, {
          method,
          headers: { 'x-player-id': admin, 'x-player-role': 'admin' },
        });
      expect((await asAdmin('POST', '/api/v1/scheduler/queues/fetcher-refresh/run')).status).toBe(202);
      expect((await asAdmin('POST', '/api/v1/scheduler/queues/no-such-queue/run')).status).toBe(400);
      const dead = await eventually(
        async () => {
          const res = await asAdmin('GET', '/api/v1/scheduler/dead-jobs');
          const items = res.body.items as Json[];
          return items.some((j) => j.queue === 'fetcher-refresh') ? items : undefined;
        },
        { timeoutMs: 30_000 },
      );
      const job = dead.find((j) => j.queue === 'fetcher-refresh')!;
      const retried = await asAdmin('POST', `/api/v1/scheduler/dead-jobs/${String(job.id)}/retry`);
      expect(retried.status).toBe(202);
      expect(retried.body).toMatchObject({ queue: 'fetcher-refresh', job_id: expect.any(String) });
      const failed = await fetch(`${lonely.url}/metrics`).then((r) => r.text());
      expect(failed).toMatch(
        /gameday_scheduler_jobs_total\{queue="fetcher-refresh",outcome="failed"\} [2-9]/,
      );
      // Each run is a trace of its own: a failed one is an error span.
      const spans = await eventually(() => {
        const runs = receiver.spans.filter((s) => s.name === 'job fetcher-refresh');
        return runs.length >= 2 ? runs : undefined;
      });
      expect(spans.every((s) => s.statusCode === 2 && !s.parentSpanId)).toBe(true);
    } finally {
      await lonely.stop();
      await receiver.stop();
    }
  });
});
