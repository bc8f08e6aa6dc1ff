// The casino as players reach it: through the gateway with their JWT, real accounts, wallet and
// casino processes, and one trace from the gateway down to the wallet's ledger query.
import { randomBytes, randomUUID } from 'node:crypto';
import { OtlpReceiver, request, startPlayerApi } from '@gameday/testing';
import type { PlayerApi, ReceivedSpan } from '@gameday/testing';

let api: PlayerApi;
let receiver: OtlpReceiver;
let admin = '';
let player = '';
let playerId = '';
const password = 'a long enough password';

beforeAll(async () => {
  receiver = new OtlpReceiver();
  await receiver.start();
  api = await startPlayerApi({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
    accountsEnv: { ACCOUNTS_ADMIN_EMAILS: 'boss@example.com' },
    casino: {},
  });
  const gw = api.gateway.url;
  const login = async (email: string, display_name: string) => {
    const created = await request(`${gw}/api/v1/players`, { body: { email, display_name, password } });
    const res = await request(`${gw}/api/v1/players/login`, { body: { email, password } });
    return { token: String(res.body.access_token), id: String(created.body.id) };
  };
  admin = (await login('boss@example.com', 'Boss')).token;
  ({ token: player, id: playerId } = await login('punter@example.com', 'Punter'));
});

afterAll(async () => {
  await api?.stop();
  await receiver?.stop();
});

const gw = (path: string) => `${api.gateway.url}/api/v1${path}`;

describe('through the gateway', () => {
  it('needs a token for the casino and the wallet, and the admin role to deposit', async () => {
    expect((await request(gw('/casino/games'))).status).toBe(401);
    expect((await request(gw('/wallet'))).status).toBe(401);
    const asPlayer = await request(gw('/wallet/deposits'), {
      token: player,
      headers: { 'idempotency-key': randomUUID() },
      body: { player_id: playerId, amount: '10.00' },
    });
    expect(asPlayer.status).toBe(403);
    // X-Player-Role sent by a client is not believed: the gateway sets it from the token.
    const forged = await request(gw('/wallet/deposits'), {
      token: player,
      headers: { 'idempotency-key': randomUUID(), 'x-player-role': 'admin', 'x-player-id': playerId },
      body: { player_id: playerId, amount: '10.00' },
    });
    expect(forged.status).toBe(403);
  });

  it('plays a round in one trace: gateway → casino (a span named after the game) → wallet → PostgreSQL', async () => {
    const deposit = await request(gw('/wallet/deposits'), {
      token: admin,
      headers: { 'idempotency-key': randomUUID() },
      body: { player_id: playerId, amount: '25.00' },
    });
    expect(deposit.status).toBe(201);
    const traceId = randomBytes(16).toString('hex');
    const res = await request(gw('/casino/games/coin-flip/rounds'), {
      token: player,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: { stake: '2.00', bet: { side: 'tails' } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ game: 'coin-flip', status: 'settled', stake: '2.00' });

    const inTrace = (pred: (s: ReceivedSpan) => boolean) =>
      receiver.waitFor((s) => s.traceId === traceId && pred(s));
    const round = await inTrace((s) => s.service === 'casino' && s.name === 'coin-flip round');
    expect(round.attributes).toMatchObject({ 'casino.game': 'coin-flip', 'casino.round_id': res.body.id });
    const walletServer = await inTrace((s) => s.service === 'wallet' && s.kind === 2);
    // The wallet's only client spans are its queries.
    const walletQuery = await inTrace((s) => s.service === 'wallet' && s.kind === 3);
    const gatewayServer = await inTrace((s) => s.service === 'gateway' && s.kind === 2);
    expect(gatewayServer.parentSpanId).not.toBe('');
    expect(walletQuery.parentSpanId).toBe(walletServer.spanId);
    // The wallet call hangs off the round span.
    const spans = receiver.spans.filter((s) => s.traceId === traceId);
    const ancestors = (s: ReceivedSpan): string[] => {
      const parent = spans.find((p) => p.spanId === s.parentSpanId);
      return parent ? [parent.spanId, ...ancestors(parent)] : [];
    };
    expect(ancestors(walletServer)).toContain(round.spanId);
  });

  it('answers a bet on an unknown game, or with a bad stake, as a problem and moves nothing', async () => {
    const before = (await request(gw('/wallet'), { token: player })).body.balance;
    const unknown = await request(gw('/casino/games/poker/rounds'), {
      token: player,
      body: { stake: '1.00', bet: {} },
    });
    expect(unknown.status).toBe(404);
    const bad = await request(gw('/casino/games/dice/rounds'), {
      token: player,
      body: { stake: '-1', bet: { target: 50, direction: 'over' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await request(gw('/wallet'), { token: player })).body.balance).toBe(before);
  });
});
