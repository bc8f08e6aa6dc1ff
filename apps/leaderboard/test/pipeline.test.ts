// The event pipeline against a real Kafka broker and PostgreSQL: events in through the gateway
// (and bets through the casino's outbox), the leaderboard's consumer group, duplicates, a broker
// killed mid-stream, a consumer restart, a poison message, and bad input.
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import {
  eventually,
  OtlpReceiver,
  request,
  startKafka,
  startPlayerApi,
  startService,
} from '@gameday/testing';
import type { PlayerApi, ServiceProcess, TestKafka } from '@gameday/testing';
import { DEAD_LETTER_TOPIC, EVENTS_TOPIC } from '@gameday/outbox';

let kafka: TestKafka;
let receiver: OtlpReceiver;
// Every trace is recorded and exported to the receiver: the bet's trace must reach the leaderboard.
const otel = () => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
  OTEL_TRACES_SAMPLER: 'always_on',
  OTEL_BSP_SCHEDULE_DELAY: '100',
});
let api: PlayerApi;
let events: ServiceProcess;
let leaderboard: ServiceProcess;
let gateway: ServiceProcess;
let admin = '';
let player = '';
let playerId = '';
const password = 'a long enough password';

async function startLeaderboard(): Promise<ServiceProcess> {
  return startService('leaderboard', {
    env: {
      ...otel(),
      DATABASE_URL: api.pg.url('leaderboard'),
      KAFKA_BROKERS: kafka.brokers,
      LAG_INTERVAL_SECONDS: '1',
    },
  });
}

beforeAll(async () => {
  receiver = new OtlpReceiver();
  await receiver.start();
  kafka = await startKafka();
  await kafka.createTopics([
    { topic: EVENTS_TOPIC, partitions: 3 },
    { topic: DEAD_LETTER_TOPIC, partitions: 1 },
  ]);
  api = await startPlayerApi({
    env: otel(),
    accountsEnv: { ACCOUNTS_ADMIN_EMAILS: 'boss@example.com', KAFKA_BROKERS: kafka.brokers },
    casino: { casinoEnv: { KAFKA_BROKERS: kafka.brokers, CASINO_GAMES: 'coin-flip' } },
  });
  await api.pg.createDatabase('leaderboard');
  events = await startService('events', {
    env: { ...otel(), KAFKA_BROKERS: kafka.brokers, EVENTS_PRODUCE_TIMEOUT_MS: '3000' },
  });
  leaderboard = await startLeaderboard();
  // A gateway that routes every area (the one startPlayerApi made knows accounts, wallet and casino).
  gateway = await startService('gateway', {
    env: {
      ...otel(),
      ACCOUNTS_URL: api.accounts.url,
      WALLET_URL: api.wallet!.url,
      CASINO_URL: api.casino!.url,
      EVENTS_URL: events.url,
      LEADERBOARD_URL: leaderboard.url,
      JWT_PUBLIC_KEY: api.keys.publicPem,
    },
  });
  const login = async (email: string, display_name: string) => {
    const created = await request(`${gateway.url}/api/v1/players`, {
      body: { email, display_name, password },
    });
    const res = await request(`${gateway.url}/api/v1/players/login`, { body: { email, password } });
    return { token: String(res.body.access_token), id: String(created.body.id) };
  };
  admin = (await login('boss@example.com', 'Boss')).token;
  ({ token: player, id: playerId } = await login('ada@example.com', 'Ada'));
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  await leaderboard?.stop();
  await events?.stop();
  await api?.stop();
  await kafka?.destroy();
  await receiver?.stop();
});

const gw = (path: string) => `${gateway.url}/api/v1${path}`;

function bet(player: string, stakeCents: number, payoutCents: number, id = randomUUID()) {
  return {
    id,
    type: 'bet.settled',
    player_id: player,
    data: {
      round_id: randomUUID(),
      game: 'dice',
      stake_cents: stakeCents,
      payout_cents: payoutCents,
      multiplier: payoutCents / stakeCents,
      outcome: payoutCents > stakeCents ? 'win' : 'lose',
    },
  };
}

async function stats(id: string, token = player) {
  const res = await request(gw(`/leaderboards/players/${id}`), { token });
  return res.status === 200 ? res.body : undefined;
}

async function processed(ids: string[]): Promise<number> {
  const db = new Client({ connectionString: api.pg.url('leaderboard') });
  await db.connect();
  try {
    const { rows } = await db.query(
      'SELECT count(*)::int AS n FROM processed_events WHERE event_id = ANY($1::uuid[])',
      [ids],
    );
    return rows[0].n as number;
  } finally {
    await db.end();
  }
}

async function highWatermarks(topic: string): Promise<number> {
  const admin = new Kafka({ brokers: [kafka.brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('the event pipeline', () => {
  it('turns a bet played through the gateway into leaderboard statistics (casino outbox → Kafka → consumer)', async () => {
    await request(gw('/wallet/deposits'), {
      token: admin,
      headers: { 'idempotency-key': randomUUID() },
      body: { player_id: playerId, amount: '50.00' },
    });
    const round = await request(gw('/casino/games/coin-flip/rounds'), {
      token: player,
      body: { stake: '3.00', bet: { side: 'heads' } },
    });
    expect(round.status).toBe(201);
    const s = await eventually(
      async () => {
        const body = await stats(playerId);
        return body && (body.bets as number) >= 1 ? body : undefined;
      },
      { timeoutMs: 30_000, what: 'the bet in the player statistics' },
    );
    expect(s).toMatchObject({ display_name: 'Ada', bets: 1, wagered: '3.00' });
    expect((s.achievements as { id: string }[]).map((a) => a.id)).toContain('first-bet');
    const board = await request(gw('/leaderboards/most-wagered?period=daily'), { token: player });
    expect(board.status).toBe(200);
    expect(board.body.entries).toContainEqual(
      expect.objectContaining({ player_id: playerId, score: '3.00' }),
    );
  });

  it('puts the leaderboard update in the same trace as the bet that caused it (through the outbox and Kafka)', async () => {
    const traceId = randomBytes(16).toString('hex');
    const round = await request(gw('/casino/games/coin-flip/rounds'), {
      token: player,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: { stake: '1.00', bet: { side: 'tails' } },
    });
    expect(round.status).toBe(201);
    const update = await receiver.waitFor(
      (s) =>
        s.traceId === traceId && s.service === 'leaderboard' && s.name === 'leaderboard update bet.settled',
      30_000,
    );
    const betSpan = await receiver.waitFor((s) => s.traceId === traceId && s.name === 'coin-flip round');
    expect(update.parentSpanId).toBe(betSpan.spanId);
    expect(update.attributes['gameday.event.type']).toBe('bet.settled');
  });

  it('puts the leaderboard update of a posted event in the trace of the POST (each message carries its own)', async () => {
    const traceId = randomBytes(16).toString('hex');
    const event = bet(randomUUID(), 300, 0);
    const posted = await request(gw('/events'), {
      token: admin,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: event,
    });
    expect(posted.status).toBe(202);
    const update = await receiver.waitFor(
      (s) =>
        s.traceId === traceId && s.service === 'leaderboard' && s.name === 'leaderboard update bet.settled',
      30_000,
    );
    const eventsServer = await receiver.waitFor(
      (s) => s.traceId === traceId && s.service === 'events' && s.kind === 2,
    );
    expect(update.parentSpanId).toBe(eventsServer.spanId);
  });

  it('accepts events posted through the gateway and counts a duplicated delivery once', async () => {
    const someone = randomUUID();
    const event = bet(someone, 500, 2500);
    const first = await request(gw('/events'), { token: admin, body: event });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ accepted: 1, ids: [event.id] });
    const again = await request(gw('/events'), { token: admin, body: { events: [event, event] } });
    expect(again.status).toBe(202);
    await eventually(async () => ((await processed([event.id])) === 1 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the event processed',
    });
    // Give the duplicates time to arrive, then check nothing was counted twice.
    const marker = bet(someone, 100, 0);
    await request(gw('/events'), { token: admin, body: marker });
    const s = await eventually(
      async () => {
        const body = await stats(someone, admin);
        return body && (body.bets as number) >= 2 ? body : undefined;
      },
      { timeoutMs: 30_000, what: 'both bets in the statistics' },
    );
    expect(s).toMatchObject({ bets: 2, wagered: '6.00', biggest_win: '20.00' });
  });

  it('loses and doubles nothing when the broker is killed and restarted mid-stream', async () => {
    const who = randomUUID();
    const acknowledged: string[] = [];
    let refused = 0;
    const post = async (i: number) => {
      const e = bet(who, 100 + i, 0);
      const res = await request(gw('/events'), { token: admin, body: e }).catch(() => undefined);
      if (res?.status === 202) acknowledged.push(e.id);
      else {
        refused += 1;
        expect(res?.status).toBe(503);
        expect(res?.headers.get('retry-after')).toBe('5');
      }
    };
    for (let i = 0; i < 20; i++) await post(i);
    const betsBefore = ((await stats(playerId)) as { bets: number }).bets;
    await kafka.kill();
    for (let i = 20; i < 30; i++) await post(i);
    // A bet while the broker is down: the casino does not need Kafka, its outbox keeps the event.
    const round = await request(gw('/casino/games/coin-flip/rounds'), {
      token: player,
      body: { stake: '1.00', bet: { side: 'heads' } },
    });
    expect(round.status).toBe(201);
    await kafka.start();
    for (let i = 30; i < 50; i++) await post(i);
    expect(refused).toBeGreaterThan(0);
    await eventually(
      async () => ((await processed(acknowledged)) === acknowledged.length ? true : undefined),
      { timeoutMs: 60_000, what: 'every acknowledged event processed' },
    );
    const s = await eventually(
      async () => {
        const body = await stats(who, admin);
        return body && body.bets === acknowledged.length ? body : undefined;
      },
      { timeoutMs: 60_000, what: 'every acknowledged event in the statistics' },
    );
    expect(s.bets).toBe(acknowledged.length);
    // The outbox relay published the bet once the broker was back.
    await eventually(
      async () => {
        const body = (await stats(playerId)) as { bets: number } | undefined;
        return body && body.bets === betsBefore + 1 ? true : undefined;
      },
      { timeoutMs: 60_000, what: 'the bet made while the broker was down in the statistics' },
    );
  }, 150_000);

  it('resumes from committed offsets after a consumer restart, and dead-letters a poison message', async () => {
    await leaderboard.stop();
    const who = randomUUID();
    const posted = [bet(who, 200, 0), bet(who, 300, 0)];
    expect(
      (
        await request(`${events.url}/api/v1/events`, {
          headers: { 'x-player-id': randomUUID(), 'x-player-role': 'admin' },
          body: { events: posted },
        })
      ).status,
    ).toBe(202);
    const producer = new Kafka({ brokers: [kafka.brokers], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: EVENTS_TOPIC, messages: [{ key: who, value: 'this is not json' }] });
    await producer.disconnect();
    const dlqBefore = await highWatermarks(DEAD_LETTER_TOPIC);

    leaderboard = await startLeaderboard();
    const s = await eventually(
      async () => {
        const body = await request(`${leaderboard.url}/api/v1/leaderboards/players/${who}`, {
          headers: { 'x-player-id': who, 'x-player-role': 'player' },
        });
        return body.status === 200 && body.body.bets === 2 ? body.body : undefined;
      },
      { timeoutMs: 30_000, what: 'both events posted before the restart in the statistics' },
    );
    expect(s.wagered).toBe('5.00');
    await eventually(async () => ((await highWatermarks(DEAD_LETTER_TOPIC)) > dlqBefore ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the poison message on the dead-letter topic',
    });
    const lagLine =
      /^gameday_consumer_lag\{topic="gameday.events",partition="0",group="gameday-leaderboard"\} \d+/m;
    const metrics = await eventually(
      async () => {
        const text = (await request(`${leaderboard.url}/metrics`)).text;
        return lagLine.test(text) ? text : undefined;
      },
      { timeoutMs: 30_000, what: 'the consumer lag in /metrics' },
    );
    expect(metrics).toMatch(/^gameday_leaderboard_dead_lettered_total\{reason="not-json"\} [1-9]/m);
    // The events processed before the restart were not processed again.
    expect(metrics).not.toMatch(/result="duplicate"\} [1-9]/);
  });

  it.each([
    ['an unknown type', { type: 'bet.cancelled', data: {} }, '/type'],
    [
      'missing fields',
      { type: 'bet.settled', player_id: randomUUID(), data: { game: 'dice' } },
      '/data/round_id',
    ],
    [
      'wrong types',
      { ...bet(randomUUID(), 100, 0), data: { ...bet(randomUUID(), 100, 0).data, stake_cents: 'lots' } },
      '/data/stake_cents',
    ],
    [
      'a timestamp too far in the past',
      { type: 'session.started', occurred_at: '2020-01-01T00:00:00Z', data: { client: 'web' } },
      '/occurred_at',
    ],
    [
      'a timestamp in the future',
      { type: 'session.started', occurred_at: '2999-01-01T00:00:00Z', data: { client: 'web' } },
      '/occurred_at',
    ],
    [
      'an oversize batch',
      { events: Array.from({ length: 101 }, () => ({ type: 'session.started', data: { client: 'web' } })) },
      '/events',
    ],
  ])('refuses %s with a problem naming the field, and produces nothing', async (_name, body, pointer) => {
    const before = await highWatermarks(EVENTS_TOPIC);
    const res = await request(gw('/events'), { token: admin, body });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((res.body.errors as { pointer: string }[]).map((e) => e.pointer)).toContain(pointer);
    expect(await highWatermarks(EVENTS_TOPIC)).toBe(before);
  });

  it('lets players post their own session events but not bets', async () => {
    const ok = await request(gw('/events'), {
      token: player,
      body: { type: 'session.started', data: { client: 'web' } },
    });
    expect(ok.status).toBe(202);
    const forged = await request(gw('/events'), { token: player, body: bet(playerId, 100, 100_000) });
    expect(forged.status).toBe(403);
  });
});
