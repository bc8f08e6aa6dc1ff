// Keeps the OpenAPI document true. Every operation is exercised through the real gateway against
// real accounts and PostgreSQL: each answer's status must be listed for its operation, its body
// must validate against the documented schema, and documented headers must be there. Every route
// served under /api/v1 must be in the document, and the document must describe nothing else.
import { randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { eventually, request, startKafka, startPlayerApi } from '@gameday/testing';
import type { HttpResponse, PlayerApi, RequestOptions, ServiceProcess, TestKafka } from '@gameday/testing';
import { routes as accountsRoutes } from '@gameday/accounts';
import { routes as walletRoutes } from '@gameday/wallet';
import { routes as casinoRoutes } from '@gameday/casino';
import { routes as eventsRoutes } from '@gameday/events';
import { routes as leaderboardRoutes } from '@gameday/leaderboard';
import { DEAD_LETTER_TOPIC, EVENTS_TOPIC } from '@gameday/outbox';
import { GATEWAY_ROUTES, PUBLIC_ROUTES, openApiDocument } from '@gameday/gateway';
import { claims, ed25519, eddsaToken } from './support';

interface Operation {
  operationId: string;
  security?: unknown[];
  responses: Record<string, { $ref?: string }>;
}
interface ResponseObject {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: object }>;
}

const doc = openApiDocument as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, ResponseObject>; schemas: Record<string, object> };
};
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
);

// The whole document is the root of the schemas, so `#/components/schemas/...` refs resolve as written.
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(openApiDocument, 'openapi');

function resolveResponse(response: { $ref?: string } | ResponseObject): ResponseObject {
  if ('$ref' in response && response.$ref) {
    const name = response.$ref.replace('#/components/responses/', '');
    const resolved = doc.components.responses[name];
    if (!resolved) throw new Error(`unresolved response ${response.$ref}`);
    return resolved;
  }
  return response as ResponseObject;
}

/** The documented operation for a concrete request: literal paths win over templated ones. */
function operationFor(method: string, url: string) {
  const path = url.split('?')[0]!;
  const candidates = operations
    .filter((o) => o.method === method)
    .filter((o) => new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path))
    .sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0));
  return candidates[0];
}

const exercised = new Set<string>();
const successes = new Set<string>();

/** Asserts that `res` (to `method url`) is an answer the document describes. */
function expectDocumented(method: string, url: string, res: HttpResponse<unknown>): void {
  const found = operationFor(method, url);
  if (!found) throw new Error(`${method} ${url} has no operation in the document`);
  const key = `${found.method} ${found.path}`;
  const listed = found.op.responses[String(res.status)];
  if (!listed) {
    throw new Error(
      `${key} answered ${res.status}, which the document does not list (${Object.keys(found.op.responses).join(', ')}): ${res.text}`,
    );
  }
  const response = resolveResponse(listed);
  for (const header of Object.keys(response.headers ?? {})) {
    if (res.headers.get(header) === null)
      throw new Error(`${key} ${res.status} lacks the documented ${header} header`);
  }
  const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (response.content) {
    const media = response.content[contentType];
    if (!media) {
      throw new Error(
        `${key} ${res.status} answered ${contentType}, documented: ${Object.keys(response.content).join(', ')}`,
      );
    }
    // Refs in the document are relative to it (the schema added as "openapi").
    const schema = media.schema as { $ref?: string };
    const validate = schema.$ref ? ajv.compile({ $ref: `openapi${schema.$ref}` }) : ajv.compile(schema);
    if (!validate(res.body)) {
      throw new Error(
        `${key} ${res.status} body does not match the document: ${ajv.errorsText(validate.errors)}\n${res.text}`,
      );
    }
  }
  exercised.add(`${key} ${res.status}`);
  if (res.status < 300) successes.add(key);
}

const keys = ed25519();
let api: PlayerApi;
let kafka: TestKafka;
let accounts: ServiceProcess;
let gateway: ServiceProcess;

beforeAll(async () => {
  kafka = await startKafka();
  await kafka.createTopics([
    { topic: EVENTS_TOPIC, partitions: 2 },
    { topic: DEAD_LETTER_TOPIC, partitions: 1 },
  ]);
  api = await startPlayerApi({
    keys,
    accountsEnv: { ACCOUNTS_ADMIN_EMAILS: 'admin@example.com', LOGIN_MAX_FAILURES: '3' },
    casino: { walletEnv: { RECONCILE_INTERVAL_SECONDS: '0' } },
    events: { kafkaBrokers: kafka.brokers },
  });
  ({ accounts, gateway } = api);
});

afterAll(async () => {
  await api?.stop();
  await kafka?.destroy();
});

/** Calls the gateway, expects `status`, and checks the answer against the document. */
async function call(
  method: string,
  path: string,
  status: number,
  options: RequestOptions = {},
): Promise<HttpResponse<Record<string, unknown>>> {
  const res = await request(`${gateway.url}${path}`, { ...options, method });
  if (res.status !== status)
    throw new Error(`${method} ${path}: expected ${status}, got ${res.status}: ${res.text}`);
  expectDocumented(method, path, res);
  return res;
}

const password = 'a long enough password';
let playerToken = '';
let adminToken = '';
let playerId = '';

describe('the OpenAPI document', () => {
  it('is an OpenAPI 3.1 document whose schemas are valid JSON Schema 2020-12', () => {
    expect(openApiDocument.openapi).toMatch(/^3\.1\./);
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect([name, ajv.validateSchema(schema)]).toEqual([name, true]);
    }
    // The validator used below really checks bodies against these schemas.
    expect(ajv.validate('openapi#/components/schemas/Player', { id: 'x', role: 'player' })).toBe(false);
    expect(ajv.validate('openapi#/components/schemas/Problem', { type: 'https://e.x/p', title: 't' })).toBe(
      false,
    );
    // Every $ref points at something that exists.
    const refs = JSON.stringify(openApiDocument).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const pointer = ref.slice(8, -1).replace(/^#\//, '').split('/');
      let node: unknown = openApiDocument;
      for (const part of pointer) node = (node as Record<string, unknown> | undefined)?.[part];
      expect([ref, node !== undefined]).toEqual([ref, true]);
    }
  });

  it('describes exactly the routes served under /api/v1 (accounts’, wallet’s, casino’s and the gateway’s own)', () => {
    const served = [
      ...accountsRoutes,
      ...walletRoutes,
      ...casinoRoutes,
      ...eventsRoutes,
      ...leaderboardRoutes,
      ...GATEWAY_ROUTES,
    ]
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    const documented = operations.map((o) => `${o.method} ${o.path}`).sort();
    expect(documented).toEqual(served);
  });

  it('marks exactly the public routes as needing no token', () => {
    const open = operations
      .filter((o) => Array.isArray(o.op.security) && o.op.security.length === 0)
      .map((o) => `${o.method} ${o.path}`)
      .sort();
    expect(open).toEqual(PUBLIC_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    // What accounts serves without identity is what the gateway lets through without a token.
    const accountsPublic = accountsRoutes.filter((r) => !r.auth).map((r) => `${r.method} ${r.path}`);
    expect(open).toEqual(expect.arrayContaining(accountsPublic));
  });

  it('is served by the gateway, unchanged', async () => {
    const res = await call('GET', '/api/v1/openapi.json', 200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
  });
});

describe('every operation answers as documented', () => {
  it('POST /api/v1/players: 201, 400, 409, 413, 415', async () => {
    const created = await call('POST', '/api/v1/players', 201, {
      body: { email: 'player@example.com', display_name: 'Player One', password },
    });
    playerId = String(created.body.id);
    await call('POST', '/api/v1/players', 201, {
      body: { email: 'admin@example.com', display_name: 'The Admin', password },
    });
    await call('POST', '/api/v1/players', 409, {
      body: { email: 'player@example.com', display_name: 'Player Two', password },
    });
    await call('POST', '/api/v1/players', 400, {
      body: { email: 'not-an-email', display_name: 'x', password: 'short', extra: 1 },
    });
    await call('POST', '/api/v1/players', 400, { body: '{"email": ' });
    // Wrong content type: the gateway passes it on, accounts refuses it.
    await call('POST', '/api/v1/players', 415, {
      body: 'email=a@example.com',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    // Over the gateway's 64kb BODY_LIMIT.
    await call('POST', '/api/v1/players', 413, {
      body: { email: 'big@example.com', display_name: 'x'.repeat(70_000), password },
    });
  });

  it('POST /api/v1/players/login: 200, 400, 401', async () => {
    const login = await call('POST', '/api/v1/players/login', 200, {
      body: { email: 'player@example.com', password },
    });
    playerToken = String(login.body.access_token);
    const admin = await call('POST', '/api/v1/players/login', 200, {
      body: { email: 'admin@example.com', password },
    });
    adminToken = String(admin.body.access_token);
    await call('POST', '/api/v1/players/login', 400, { body: { email: 'player@example.com' } });
    await call('POST', '/api/v1/players/login', 401, {
      body: { email: 'player@example.com', password: 'the wrong password' },
    });
  });

  it('GET /api/v1/players/me: 200, 401, 404', async () => {
    const me = await call('GET', '/api/v1/players/me', 200, { token: playerToken });
    expect(me.body).toMatchObject({ id: playerId, role: 'player' });
    await call('GET', '/api/v1/players/me', 401);
    await call('GET', '/api/v1/players/me', 401, { token: 'not-a-token' });
    // A valid token for a player that does not exist (any more).
    await call('GET', '/api/v1/players/me', 404, { token: eddsaToken(keys.privateKey, claims()) });
  });

  it('PATCH /api/v1/players/me: 200, 400, 401, 413, 415', async () => {
    const updated = await call('PATCH', '/api/v1/players/me', 200, {
      token: playerToken,
      body: { display_name: 'Renamed One' },
    });
    expect(updated.body.display_name).toBe('Renamed One');
    await call('PATCH', '/api/v1/players/me', 400, {
      token: playerToken,
      body: { display_name: '<script>' },
    });
    await call('PATCH', '/api/v1/players/me', 400, { token: playerToken, body: { role: 'admin' } });
    await call('PATCH', '/api/v1/players/me', 401, { body: { display_name: 'Nobody' } });
    await call('PATCH', '/api/v1/players/me', 415, {
      token: playerToken,
      body: 'display_name=x',
      headers: { 'content-type': 'text/plain' },
    });
    await call('PATCH', '/api/v1/players/me', 413, {
      token: playerToken,
      body: { display_name: 'y'.repeat(70_000) },
    });
  });

  it('GET /api/v1/players/{id}: 200, 400, 401, 403, 404', async () => {
    const player = await call('GET', `/api/v1/players/${playerId}`, 200, { token: adminToken });
    expect(player.body.id).toBe(playerId);
    await call('GET', '/api/v1/players/not-a-uuid', 400, { token: adminToken });
    await call('GET', `/api/v1/players/${playerId}`, 401);
    await call('GET', `/api/v1/players/${playerId}`, 403, { token: playerToken });
    await call('GET', `/api/v1/players/${randomUUID()}`, 404, { token: adminToken });
  });

  it('PUT /api/v1/players/{id}/role: 200, 400, 401, 403, 404', async () => {
    const promoted = await call('PUT', `/api/v1/players/${playerId}/role`, 200, {
      token: adminToken,
      body: { role: 'admin' },
    });
    expect(promoted.body.role).toBe('admin');
    await call('PUT', `/api/v1/players/${playerId}/role`, 400, { token: adminToken, body: { role: 'root' } });
    await call('PUT', `/api/v1/players/${playerId}/role`, 401, { body: { role: 'player' } });
    // The player's token still says "player" (tokens are not revoked): 403.
    await call('PUT', `/api/v1/players/${playerId}/role`, 403, {
      token: playerToken,
      body: { role: 'player' },
    });
    await call('PUT', `/api/v1/players/${randomUUID()}/role`, 404, {
      token: adminToken,
      body: { role: 'player' },
    });
  });

  it('the wallet: balance, deposits, history and reconciliation', async () => {
    await call('GET', '/api/v1/wallet', 200, { token: playerToken });
    await call('GET', '/api/v1/wallet', 401, {});
    const key = randomUUID();
    const deposit = { player_id: playerId, amount: '50.00' };
    await call('POST', '/api/v1/wallet/deposits', 201, {
      token: adminToken,
      headers: { 'idempotency-key': key },
      body: deposit,
    });
    await call('POST', '/api/v1/wallet/deposits', 409, {
      token: adminToken,
      headers: { 'idempotency-key': key },
      body: { ...deposit, amount: '51.00' },
    });
    await call('POST', '/api/v1/wallet/deposits', 403, {
      token: playerToken,
      headers: { 'idempotency-key': key },
      body: deposit,
    });
    await call('POST', '/api/v1/wallet/deposits', 400, {
      token: adminToken,
      headers: { 'idempotency-key': key },
      body: { amount: 0 },
    });
    await call('GET', '/api/v1/wallet/transactions?limit=5', 200, { token: playerToken });
    await call('GET', '/api/v1/wallet/transactions?limit=0', 400, { token: playerToken });
    await call('POST', '/api/v1/wallet/reconciliation', 200, { token: adminToken });
    await call('GET', '/api/v1/wallet/reconciliation', 200, { token: adminToken });
    await call('GET', '/api/v1/wallet/reconciliation', 403, { token: playerToken });
  });

  it('the casino: games, rounds, blackjack actions, seeds, verification and the jackpot', async () => {
    await call('GET', '/api/v1/casino/games', 200, { token: playerToken });
    await call('GET', '/api/v1/casino/jackpot', 200, { token: playerToken });
    await call('GET', '/api/v1/casino/seeds', 200, { token: playerToken });
    const flip = await call('POST', '/api/v1/casino/games/coin-flip/rounds', 201, {
      token: playerToken,
      headers: { 'idempotency-key': randomUUID() },
      body: { stake: '1.00', bet: { side: 'heads' } },
    });
    await call('POST', '/api/v1/casino/games/coin-flip/rounds', 400, {
      token: playerToken,
      body: { stake: '1.001', bet: {} },
    });
    await call('POST', '/api/v1/casino/games/poker/rounds', 404, {
      token: playerToken,
      body: { stake: '1.00', bet: {} },
    });
    await call('POST', '/api/v1/casino/games/coin-flip/rounds', 422, {
      token: playerToken,
      body: { stake: '999.00', bet: { side: 'heads' } },
    });
    await call('GET', `/api/v1/casino/rounds/${String(flip.body.id)}`, 200, { token: playerToken });
    await call('GET', `/api/v1/casino/rounds/${randomUUID()}`, 404, { token: playerToken });
    await call('GET', '/api/v1/casino/rounds/not-a-uuid', 400, { token: playerToken });
    await call('GET', '/api/v1/casino/rounds?limit=2&game=coin-flip', 200, { token: playerToken });
    await call('GET', '/api/v1/casino/rounds?limit=1000', 400, { token: playerToken });
    await call('GET', `/api/v1/casino/rounds/${String(flip.body.id)}/verification`, 409, {
      token: playerToken,
    });

    let open: Record<string, unknown> | undefined;
    for (let i = 0; i < 20 && !open; i++) {
      const dealt = await call('POST', '/api/v1/casino/games/blackjack/rounds', 201, {
        token: playerToken,
        body: { stake: '1.00', bet: {} },
      });
      if (dealt.body.status === 'open') open = dealt.body;
    }
    const actions = `/api/v1/casino/rounds/${String(open!.id)}/actions`;
    await call('POST', '/api/v1/casino/seeds/rotate', 409, { token: playerToken, body: {} });
    await call('POST', actions, 400, { token: playerToken, body: { action: 'split' } });
    await call('POST', actions, 200, { token: playerToken, body: { action: 'stand' } });
    await call('POST', actions, 409, { token: playerToken, body: { action: 'hit' } });

    const rotated = await call('POST', '/api/v1/casino/seeds/rotate', 200, {
      token: playerToken,
      body: { client_seed: 'openapi-test' },
    });
    await call('POST', '/api/v1/casino/seeds/rotate', 400, {
      token: playerToken,
      body: { client_seed: 'has:colon' },
    });
    await call('GET', `/api/v1/casino/rounds/${String(flip.body.id)}/verification`, 200, {
      token: playerToken,
    });
    const fairness = flip.body.fairness as Record<string, unknown>;
    await call('POST', '/api/v1/casino/verify', 200, {
      token: playerToken,
      body: {
        game: 'coin-flip',
        server_seed: (rotated.body.previous as Record<string, unknown>).server_seed,
        client_seed: fairness.client_seed,
        nonce: fairness.nonce,
        bet: { side: 'heads' },
      },
    });
    await call('POST', '/api/v1/casino/verify', 400, { token: playerToken, body: { game: 'coin-flip' } });
  });

  it('events and leaderboards: post, read boards and statistics', async () => {
    await call('GET', `/api/v1/leaderboards/players/me`, 404, { token: playerToken });
    await call('POST', '/api/v1/events', 202, {
      token: playerToken,
      body: { type: 'session.started', data: { client: 'openapi' } },
    });
    await call('POST', '/api/v1/events', 202, {
      token: adminToken,
      body: {
        events: [
          {
            type: 'bet.settled',
            player_id: playerId,
            data: {
              round_id: randomUUID(),
              game: 'dice',
              stake_cents: 100,
              payout_cents: 300,
              multiplier: 3,
              outcome: 'win',
            },
          },
        ],
      },
    });
    await call('POST', '/api/v1/events', 400, { token: playerToken, body: { type: 'no.such.type' } });
    await call('POST', '/api/v1/events', 403, {
      token: playerToken,
      body: {
        type: 'bet.settled',
        data: {
          round_id: randomUUID(),
          game: 'dice',
          stake_cents: 1,
          payout_cents: 1,
          multiplier: 1,
          outcome: 'push',
        },
      },
    });
    // The consumer applies them within moments.
    const statistics = `${gateway.url}/api/v1/leaderboards/players/${playerId}`;
    await eventually(
      async () => ((await request(statistics, { token: playerToken })).status === 200 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 200, what: 'the events reaching the leaderboard' },
    );
    await call('GET', '/api/v1/leaderboards/players/me', 200, { token: playerToken });
    await call('GET', `/api/v1/leaderboards/players/${playerId}`, 200, { token: playerToken });
    await call('GET', `/api/v1/leaderboards/players/${randomUUID()}`, 404, { token: playerToken });
    await call('GET', '/api/v1/leaderboards/players/nobody', 400, { token: playerToken });
    await call('GET', '/api/v1/leaderboards/most-wagered?period=daily&limit=5', 200, { token: playerToken });
    await call('GET', '/api/v1/leaderboards/biggest-win', 200, { token: playerToken });
    await call('GET', '/api/v1/leaderboards/most-wagered?period=hourly', 400, { token: playerToken });
  });

  it('429 after repeated failed logins, with Retry-After', async () => {
    for (let i = 0; i < 3; i++) {
      await request(`${gateway.url}/api/v1/players/login`, {
        body: { email: 'player@example.com', password: `wrong password ${i}` },
      });
    }
    await call('POST', '/api/v1/players/login', 429, { body: { email: 'player@example.com', password } });
  });

  it('503 with Retry-After when accounts is down', async () => {
    await accounts.stop();
    await call('GET', '/api/v1/players/me', 503, { token: playerToken });
    await call('POST', '/api/v1/players/login', 503, { body: { email: 'player@example.com', password } });
  });

  it('exercised every operation with a successful answer', () => {
    expect([...successes].sort()).toEqual(operations.map((o) => `${o.method} ${o.path}`).sort());
  });
});
