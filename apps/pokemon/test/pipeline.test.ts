// battle.finished from the pokemon service's outbox through a real Kafka broker into the
// leaderboard: battle statistics, the battle-rating boards (daily, weekly, all-time), the AI kept
// out of both, and a duplicated delivery that changes a rating once.
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { eventually, request, startKafka, startService } from '@gameday/testing';
import type { ServiceProcess, TestKafka } from '@gameday/testing';
import { DEAD_LETTER_TOPIC, EVENTS_TOPIC } from '@gameday/outbox';
import type { Json, PokemonUnderTest } from './support';
import { Player, playOut, startPokemonUnderTest } from './support';

let kafka: TestKafka;
let t: PokemonUnderTest;
let leaderboard: ServiceProcess;
let lb: Client;

beforeAll(async () => {
  kafka = await startKafka();
  await kafka.createTopics([
    { topic: EVENTS_TOPIC, partitions: 3 },
    { topic: DEAD_LETTER_TOPIC, partitions: 1 },
  ]);
  t = await startPokemonUnderTest({ KAFKA_BROKERS: kafka.brokers, POKEMON_TURN_SECONDS: '3600' });
  await t.pg.createDatabase('leaderboard');
  leaderboard = await startService('leaderboard', {
    env: { DATABASE_URL: t.pg.url('leaderboard'), KAFKA_BROKERS: kafka.brokers },
  });
  lb = new Client({ connectionString: t.pg.url('leaderboard') });
  await lb.connect();
});

afterAll(async () => {
  await lb?.end();
  await leaderboard?.stop();
  await t?.stop();
  await kafka?.stop();
});

const board = (p: Player, query: string) =>
  request<Json>(`${leaderboard.url}/api/v1/leaderboards/battle-rating?${query}`, {
    headers: { 'x-player-id': p.id, 'x-player-role': 'player' },
  });

const stats = async (id: string) =>
  (await lb.query('SELECT battles, battles_won FROM player_stats WHERE player_id = $1', [id])).rows[0] as
    { battles: string; battles_won: string } | undefined;

describe('battle.finished through Kafka to the leaderboard', () => {
  it('puts both trainers of a rated battle on the battle-rating boards with their new ratings', async () => {
    const a = new Player(t.service);
    const b = new Player(t.service);
    const [ta, tb] = [await a.team(3), await b.team(3)];
    await b.call('GET', '/trainers/me');
    const id = String(
      (await a.call('POST', '/battles', { mode: 'pvp', team_id: ta.id, opponent_id: b.id })).body.id,
    );
    await b.call('POST', `/battles/${id}/accept`, { team_id: tb.id });
    await playOut(a, b, id);
    const ratings = await t.db.query('SELECT trainer_id, rating FROM ratings WHERE trainer_id = ANY($1)', [
      [a.id, b.id],
    ]);
    const expected = new Map(ratings.rows.map((r: Json) => [r.trainer_id, Math.round(Number(r.rating))]));

    for (const period of ['daily', 'weekly', 'all-time']) {
      const res = await eventually(async () => {
        const r = await board(a, `period=${period}&format=gen9ou&limit=100`);
        const entries = r.body.entries as Json[];
        return entries.some((e) => e.player_id === a.id) && entries.some((e) => e.player_id === b.id)
          ? r
          : undefined;
      });
      expect(res.body).toMatchObject({ board: 'battle-rating', format: 'gen9ou', period });
      for (const e of res.body.entries as Json[]) {
        if (expected.has(e.player_id as string)) expect(e.rating).toBe(expected.get(e.player_id as string));
      }
    }
    expect(Number((await stats(a.id))!.battles)).toBe(1);
    expect(Number((await stats(b.id))!.battles)).toBe(1);
  });

  it('counts a duplicated delivery of battle.finished once: the rating and the statistics move once', async () => {
    const a = new Player(t.service);
    const b = new Player(t.service);
    const [ta, tb] = [await a.team(2), await b.team(2)];
    await b.call('GET', '/trainers/me');
    const id = String(
      (await a.call('POST', '/battles', { mode: 'pvp', team_id: ta.id, opponent_id: b.id })).body.id,
    );
    await b.call('POST', `/battles/${id}/accept`, { team_id: tb.id });
    await playOut(a, b, id);
    await eventually(async () => ((await stats(a.id)) ? true : undefined));
    const before = { a: await stats(a.id), b: await stats(b.id) };
    const scoresBefore = (
      await lb.query('SELECT board, period, score FROM board_scores WHERE player_id = $1 ORDER BY 1, 2', [
        a.id,
      ])
    ).rows;

    // The relay sends the same event again (as after a crash between its send and its mark).
    const { rows } = await t.db.query(
      "SELECT key, payload FROM outbox WHERE payload->'data'->>'battle_id' = $1",
      [id],
    );
    expect(rows).toHaveLength(1);
    const producer = new Kafka({ brokers: kafka.brokers.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({
      topic: EVENTS_TOPIC,
      messages: [
        { key: rows[0].key, value: JSON.stringify(rows[0].payload) },
        { key: rows[0].key, value: JSON.stringify(rows[0].payload) },
      ],
    });
    await producer.disconnect();
    // A marker event after the duplicates: once it is processed, so are they (same key, same partition).
    const marker = {
      ...rows[0].payload,
      id: crypto.randomUUID(),
      data: { ...rows[0].payload.data, battle_id: crypto.randomUUID(), rated: false },
    };
    const p2 = new Kafka({ brokers: kafka.brokers.split(','), logLevel: logLevel.NOTHING }).producer();
    await p2.connect();
    await p2.send({ topic: EVENTS_TOPIC, messages: [{ key: rows[0].key, value: JSON.stringify(marker) }] });
    await p2.disconnect();
    await eventually(async () =>
      Number((await stats(a.id))!.battles) === Number(before.a!.battles) + 1 ? true : undefined,
    );
    expect(Number((await stats(b.id))!.battles)).toBe(Number(before.b!.battles) + 1);
    const scoresAfter = (
      await lb.query('SELECT board, period, score FROM board_scores WHERE player_id = $1 ORDER BY 1, 2', [
        a.id,
      ])
    ).rows;
    expect(scoresAfter).toEqual(scoresBefore);
  });

  it('keeps the AI out of the statistics and the boards after a battle against it', async () => {
    const p = new Player(t.service);
    const team = await p.team(2);
    const res = await p.call('POST', '/battles', { mode: 'ai', team_id: team.id });
    expect(res.status).toBe(201);
    const mine = await eventually(async () => stats(p.id));
    expect(Number(mine.battles)).toBe(1);
    expect(Number(mine.battles_won)).toBe(res.body.winner === 'p1' ? 1 : 0);
    expect(await stats('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    const scores = await lb.query('SELECT count(*)::int AS n FROM board_scores WHERE player_id = $1', [p.id]);
    expect(scores.rows[0].n).toBe(0);
  });

  it('refuses a format on a board that has none, and a malformed format', async () => {
    const p = new Player(t.service);
    const wrong = await request<Json>(`${leaderboard.url}/api/v1/leaderboards/most-wagered?format=gen9ou`, {
      headers: { 'x-player-id': p.id, 'x-player-role': 'player' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'format' })]);
    expect((await board(p, 'format=Gen%209%20OU')).status).toBe(400);
  });
});
