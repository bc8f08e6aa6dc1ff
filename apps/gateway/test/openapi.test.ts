// Keeps the OpenAPI document true. Every operation is exercised through the real gateway against
// real services and PostgreSQL: each answer's status must be listed for its operation, its body
// must validate against the documented schema, and documented headers must be there and valid.
// Every route served under /api/v1 must be in the document, and the document must describe nothing else.
// Every rule a service checks is stated too: what a service accepts the document accepts, and what
// breaks a rule is refused by both; and a documented path called with another method is a 405.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ValidationError } from '@gameday/telemetry';
import { money } from '@gameday/platform';
import { eventually, request, startKafka, startPlayerApi } from '@gameday/testing';
import type { HttpResponse, PlayerApi, RequestOptions, ServiceProcess, TestKafka } from '@gameday/testing';
import { routes as accountsRoutes } from '@gameday/accounts';
import { routes as walletRoutes } from '@gameday/wallet';
import { GAMES, routes as casinoRoutes } from '@gameday/casino';
import { parseEvents, routes as eventsRoutes } from '@gameday/events';
import { DEFAULT_FORMAT, FORMATS, REFERENCE_SETS, routes as pokemonRoutes } from '@gameday/pokemon';
import { routes as leaderboardRoutes } from '@gameday/leaderboard';
import { CATALOGUE, TOURNAMENT_KINDS, routes as schedulerRoutes } from '@gameday/scheduler';
import { DEAD_LETTER_TOPIC, EVENTS_TOPIC } from '@gameday/outbox';
import { GATEWAY_ROUTES, PUBLIC_ROUTES, openApiDocument } from '@gameday/gateway';
import { claims, ed25519, eddsaToken } from './support';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: { type?: string };
}
interface Operation {
  operationId: string;
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { $ref?: string }>;
}
interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject | { $ref: string }>;
  content?: Record<string, { schema: object }>;
}
interface HeaderObject {
  required?: boolean;
  schema: { type?: string };
}

const doc = openApiDocument as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: {
    responses: Record<string, ResponseObject>;
    headers: Record<string, HeaderObject>;
    schemas: Record<string, object>;
  };
};
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

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

function resolveHeader(header: HeaderObject | { $ref: string }): HeaderObject {
  if ('$ref' in header) {
    const resolved = doc.components.headers[header.$ref.replace('#/components/headers/', '')];
    if (!resolved) throw new Error(`unresolved header ${header.$ref}`);
    return resolved;
  }
  return header;
}

/** Whether a header's or parameter's text is valid against its schema (numbers read from the text). */
function validText(schema: { type?: string }, text: string): boolean {
  const numeric = (schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(text);
  return ajv.validate(schema, numeric ? Number(text) : text);
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

/**
 * Why the document refuses a request (its first reason), or undefined if it accepts it: the path,
 * query and header parameters against their schemas (numbers read from the text, as the services
 * read them), and the JSON body against the request body's schema.
 */
function refusal(method: string, url: string, options: RequestOptions = {}): string | undefined {
  const found = operationFor(method, url);
  if (!found) return `${method} ${url} has no operation in the document`;
  const [path, search] = url.split('?') as [string, string | undefined];
  const names = [...found.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const values = new RegExp(`^${found.path.replace(/\{[^}]+\}/g, '([^/]+)')}$`).exec(path)!.slice(1);
  const query = new URLSearchParams(search ?? '');
  const headers = new Headers(options.headers);
  for (const parameter of found.op.parameters ?? []) {
    const text =
      parameter.in === 'path'
        ? decodeURIComponent(values[names.indexOf(parameter.name)]!)
        : parameter.in === 'query'
          ? query.get(parameter.name)
          : headers.get(parameter.name);
    if (text === null) {
      if (parameter.required) return `the ${parameter.in} parameter ${parameter.name} is missing`;
      continue;
    }
    if (!validText(parameter.schema, text))
      return `the ${parameter.in} parameter ${parameter.name}: ${ajv.errorsText(ajv.errors)}`;
  }
  const body = found.op.requestBody;
  if (body) {
    if (options.body === undefined) return body.required ? 'the body is missing' : undefined;
    const value: unknown = typeof options.body === 'string' ? JSON.parse(options.body) : options.body;
    const validate = ajv.getSchema(`openapi${body.content['application/json']!.schema.$ref!}`)!;
    if (!validate(value)) return `the body: ${ajv.errorsText(validate.errors)}`;
  }
  return undefined;
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
  for (const [header, spec] of Object.entries(response.headers ?? {})) {
    const { required, schema } = resolveHeader(spec);
    const value = res.headers.get(header);
    // A header documented as `required: false` is sent only sometimes (Idempotent-Replayed).
    if (value === null) {
      if (required === false) continue;
      throw new Error(`${key} ${res.status} lacks the documented ${header} header`);
    }
    if (!validText(schema, value))
      throw new Error(`${key} ${res.status} ${header}: ${value} does not match the document`);
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
    // Every operation of every service is called from this one address: more than the default
    // 600 requests a minute.
    gatewayEnv: { RATE_LIMIT_IP_PER_MINUTE: '10000' },
    casino: { walletEnv: { RECONCILE_INTERVAL_SECONDS: '0' } },
    pokemon: {},
    scheduler: {
      schedulerEnv: {
        // Tournaments start, rounds run and the queue is paired within moments.
        SCHEDULER_POLL_SECONDS: '0.5',
        SCHEDULER_MATCHMAKING_SECONDS: '1',
        SCHEDULER_SUPERVISE_SECONDS: '1',
        // A job that fails is retried once, a second later, then it is a dead job.
        SCHEDULER_RETRY_LIMIT: '1',
        SCHEDULER_RETRY_DELAY_SECONDS: '1',
        // A paused pokemon service (the dead-job test) is given up on quickly.
        POKEMON_TIMEOUT_MS: '500',
        // Wide enough to pair the player and the admin at once (their rated battle set their ratings apart).
        MATCHMAKING_WINDOW: '1000',
        MATCHMAKING_WINDOW_MAX: '1000',
      },
    },
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
  // What a service accepted, the document must accept too.
  const why = status < 300 ? refusal(method, path, options) : undefined;
  if (why) throw new Error(`${method} ${path} answered ${status}, but the document refuses it: ${why}`);
  return res;
}

/** A request breaking one of the services' rules: the service answers 400, and the document refuses it. */
async function refused(method: string, path: string, options: RequestOptions = {}): Promise<void> {
  await call(method, path, 400, options);
  if (refusal(method, path, options) === undefined) {
    const body = JSON.stringify(options.body ?? null);
    throw new Error(`${method} ${path} ${body}: the service refuses it (400), but the document accepts it`);
  }
}

/** A request with node:http, which sends any method (fetch refuses TRACE). */
function send(
  method: string,
  path: string,
  token: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(gateway.url);
    const headers = { authorization: `Bearer ${token}` };
    const req = http.request({ hostname, port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const password = 'a long enough password';
let playerToken = '';
let adminToken = '';
let playerId = '';
let adminId = '';
/** The player's Pokémon (from SETS) and their gen9ou team of the first three. */
const myPokemon: string[] = [];
let myTeam = '';
/** The admin's gen9ou team (the scheduler's tests: tournaments and matchmaking). */
let adminTeam = '';
/** A tournament whose match cannot be played (a team deleted after entering): a walkover. */
let brokenCup = '';

/** Sets legal in gen9lc (Little Cup): a daily challenge may ask for a Little Cup win. */
const LC_SETS: Record<string, unknown>[] = [
  {
    species: 'Foongus',
    level: 5,
    ability: 'Regenerator',
    item: 'Eviolite',
    nature: 'Bold',
    evs: { hp: 236, defense: 236, special_defense: 36 },
    moves: ['Spore', 'Giga Drain', 'Sludge Bomb', 'Clear Smog'],
  },
  {
    species: 'Mudbray',
    level: 5,
    ability: 'Stamina',
    item: 'Eviolite',
    nature: 'Impish',
    evs: { hp: 36, attack: 196, defense: 196 },
    moves: ['Earthquake', 'Rock Slide', 'Stealth Rock', 'Rest'],
  },
];

const POKEMON = '/api/v1/pokemon';
/** Sets legal in gen9ou: the pokemon contract's reference sets. */
const SETS = REFERENCE_SETS.map((set) => ({ ...set }) as Record<string, unknown>);

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

  it('describes exactly the routes served under /api/v1 (each service’s and the gateway’s own)', () => {
    const served = [
      ...accountsRoutes,
      ...walletRoutes,
      ...casinoRoutes,
      ...pokemonRoutes,
      ...schedulerRoutes,
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

  it('states the money rules of the services: amounts as money() of @gameday/platform reads them', () => {
    const deposit = ajv.getSchema('openapi#/components/schemas/DepositRequest')!;
    const bet = ajv.getSchema('openapi#/components/schemas/BetRequest')!;
    // Left out: padded strings (" 1.00", which money() trims and the document refuses) and numbers
    // with 3 or more decimals (which JSON Schema cannot reliably refuse, see `amount`).
    const amounts: unknown[] = [
      ...['0', '0.00', '0.001', '0.01', '0.05', '0.09', '0.1', '0.10', '0.5', '1', '1.5', '1.50', '1.505'],
      ...['001.00', '00.5', '.5', '1.', '-1.00', '+1', '1e3', '', 'abc', '999.99', '1000', '1000.00'],
      ...['1000.01', '999999.99', '1000000', '1000000.00', '1000000.01', '99999999999999'],
      ...[0, 0.01, 0.09, 0.1, 1, 1000, 1000.01, 1000000, 1000000.01, -1, null, true],
    ];
    const disagreements: unknown[] = [];
    for (const amount of amounts) {
      // The wallet's deposit limits, and the casino's default table limits (0.10 to 1000.00).
      const deposited = money({ maxCents: 100_000_000 }).safeParse(amount).success;
      const staked = money({ minCents: 10, maxCents: 100_000 }).safeParse(amount).success;
      if (deposit({ player_id: randomUUID(), amount }) !== deposited) disagreements.push(['deposit', amount]);
      if (bet({ stake: amount, bet: { side: 'heads' } }) !== staked) disagreements.push(['stake', amount]);
    }
    expect(disagreements).toEqual([]);
  });

  it('states the bet of every game as the casino checks it', () => {
    type Game = keyof typeof GAMES;
    // VerifyRequest links each game to its bet schema (BetRequest offers them all).
    const verify = doc.components.schemas.VerifyRequest as {
      allOf: {
        if: { properties: { game: { const: string } } };
        then: { properties: { bet: { $ref: string } } };
      }[];
    };
    const validators = new Map(
      verify.allOf.map(
        (link) =>
          [link.if.properties.game.const, ajv.getSchema(`openapi${link.then.properties.bet.$ref}`)!] as const,
      ),
    );
    const disagreements: unknown[] = [];
    const compare = (game: Game, bet: unknown) => {
      const documented = validators.get(game)!(bet);
      const served = GAMES[game].params.safeParse(bet).success;
      if (documented !== served) disagreements.push({ game, bet, documented, served });
    };
    const samples: Record<Game, unknown[]> = {
      'coin-flip': [{ side: 'edge' }, {}, { side: 'heads', extra: 1 }, 'heads'],
      dice: [
        { target: 1.99, direction: 'over' },
        { target: 2, direction: 'over' },
        { target: 98.99, direction: 'over' },
        { target: 99, direction: 'over' },
        { target: 1, direction: 'under' },
        { target: 1.01, direction: 'under' },
        { target: 98, direction: 'under' },
        { target: 98.01, direction: 'under' },
        { target: 50, direction: 'sideways' },
        { target: '50', direction: 'over' },
        { target: 50 },
      ],
      roulette: [
        { type: 'straight', numbers: [37] },
        { type: 'straight', numbers: [1, 2] },
        { type: 'line', numbers: [31, 32, 33, 34, 35, 36] },
        { type: 'line', numbers: [32, 33, 34, 35, 36, 37] },
        { type: 'line', numbers: [1, 2, 3, 7, 8, 9] },
        { type: 'first_four' },
        { type: 'first_four', numbers: [0, 1, 2, 3] },
        { type: 'dozen', dozen: 3 },
        { type: 'dozen', dozen: 4 },
        { type: 'column' },
        { type: 'green' },
        { type: 'odd', numbers: [1] },
      ],
      slots: [{ lines: 0 }, { lines: 6 }, { lines: 2.5 }, {}],
      blackjack: [{ insurance: true }, []],
      baccarat: [{ on: 'dragon' }, {}],
      keno: [
        { picks: [1, 80] },
        { picks: [] },
        { picks: [0] },
        { picks: [81] },
        { picks: [5, 5] },
        { picks: [1.5] },
        { picks: range(1, 10) },
        { picks: range(1, 11) },
      ],
      plinko: [{ rows: 10, risk: 'low' }, { rows: 8, risk: 'extreme' }, { rows: 8 }],
      crash: [{ cash_out: 1 }, { cash_out: 1000 }, { cash_out: 1000.01 }, { cash_out: '2' }],
      wheel: [
        { risk: 'low', segments: 15 },
        { risk: 'max', segments: 10 },
      ],
    };
    for (const game of Object.keys(GAMES) as Game[]) {
      for (const bet of [...GAMES[game].rtpCases, ...samples[game]]) compare(game, bet);
    }
    // Every roulette bet on 1 to 3 numbers, and every corner and line with one number changed: the
    // document takes exactly the sets the casino takes.
    const combinations = (k: number, from = 0): number[][] =>
      k === 0
        ? [[]]
        : range(from, 37 - from).flatMap((n) => combinations(k - 1, n + 1).map((c) => [n, ...c]));
    const inside: [number, string][] = [
      [1, 'straight'],
      [2, 'split'],
      [3, 'street'],
      [3, 'trio'],
    ];
    for (const [count, type] of inside) {
      for (const numbers of combinations(count)) compare('roulette', { type, numbers });
    }
    const corners = range(1, 32)
      .filter((n) => n % 3 !== 0)
      .map((n) => ({ type: 'corner', numbers: [n, n + 1, n + 3, n + 4] }));
    const lines = range(0, 11).map((i) => ({ type: 'line', numbers: range(1 + 3 * i, 6) }));
    for (const { type, numbers } of [...corners, ...lines]) {
      for (const [i, pocket] of numbers.flatMap((_, at) => range(0, 37).map((p) => [at, p] as const))) {
        compare('roulette', { type, numbers: numbers.map((n, j) => (j === i ? pocket : n)) });
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('states the event rules of the events service', () => {
    const events = ajv.getSchema('openapi#/components/schemas/EventsRequest')!;
    const admin = { playerId: randomUUID(), role: 'admin' as const };
    const limits = { maxBatch: 100, maxAgeSeconds: 86_400, maxFutureSeconds: 300 };
    const served = (body: unknown) => {
      try {
        parseEvents(body, admin, limits);
        return true;
      } catch (err) {
        if (err instanceof ValidationError) return false;
        throw err;
      }
    };
    const now = new Date().toISOString();
    const tap = { type: 'client.tap' };
    const settled = {
      round_id: randomUUID(),
      game: 'dice',
      stake_cents: 100,
      payout_cents: 0,
      multiplier: 0,
      outcome: 'lose',
    };
    const battle = { battle_id: randomUUID(), winner_id: randomUUID(), loser_id: randomUUID(), turns: 0 };
    const cup = {
      tournament_id: randomUUID(),
      name: 'Scheduler Cup',
      format: 'gen9ou',
      kind: 'swiss',
      winner_id: randomUUID(),
      entrants: 2,
      rounds: 1,
      battles: 1,
    };
    const trophy = '\u{1F3C6}';
    const completed = {
      day: '2026-12-07',
      challenge: 'first-win',
      category: 'battle',
      difficulty: 'easy',
      reward_points: 10,
    };
    const bodies: unknown[] = [
      tap,
      { type: '' },
      { type: 'constructor' },
      { type: 'toString' },
      { type: 'client.' },
      { type: 'client.a.b_c' },
      { type: `client.${'a'.repeat(48)}` },
      { type: `client.${'a'.repeat(49)}` },
      { type: 'Client.tap' },
      { type: 'no.such.type' },
      { ...tap, id: randomUUID() },
      { ...tap, id: '00000000-0000-0000-0000-000000000001' },
      { ...tap, player_id: 'nobody' },
      { ...tap, occurred_at: now },
      { ...tap, occurred_at: now.replace('Z', '+00:00') },
      { ...tap, occurred_at: now.replace('T', ' ') },
      { ...tap, occurred_at: now.replace('T', 't') },
      { ...tap, occurred_at: `${now.slice(0, 16)}Z` },
      { ...tap, data: { count: 1, label: 'x'.repeat(200), on: true, none: null } },
      { ...tap, data: { Count: 1 } },
      { ...tap, data: { label: 'x'.repeat(201) } },
      { ...tap, data: { nested: {} } },
      { ...tap, data: Object.fromEntries(range(1, 21).map((i) => [`f${i}`, i])) },
      { ...tap, data: [] },
      { ...tap, extra: 1 },
      { type: 'session.started', data: { client: 'web', platform: 'ios' } },
      { type: 'session.started' },
      { type: 'session.started', data: { client: '' } },
      { type: 'session.started', data: { client: 'web', platform: 'tv' } },
      { type: 'bet.settled', data: settled },
      { type: 'bet.settled', data: { ...settled, stake_cents: 0 } },
      { type: 'bet.settled', data: { ...settled, game: 'Dice' } },
      { type: 'bet.settled', data: { ...settled, outcome: 'draw' } },
      { type: 'battle.finished', data: battle },
      { type: 'battle.finished', data: { ...battle, turns: 10 } },
      {
        type: 'battle.finished',
        data: { ...battle, format: 'gen9ou', mode: 'pvp', rated: true, draw: false },
      },
      { type: 'battle.finished', data: { ...battle, winner_rating: 1662.31, loser_rating: 1337.5 } },
      { type: 'battle.finished', data: { ...battle, format: 'Gen 9 OU' } },
      { type: 'battle.finished', data: { ...battle, mode: 'tournament' } },
      { type: 'battle.finished', data: { ...battle, winner_rating: -1 } },
      { type: 'tournament.finished', data: cup },
      { type: 'tournament.finished', data: { ...cup, kind: 'single-elimination', entrants: 64, rounds: 6 } },
      { type: 'tournament.finished', data: { ...cup, name: 'x'.repeat(60), battles: 0 } },
      { type: 'tournament.finished', data: { ...cup, name: 'x'.repeat(61) } },
      { type: 'tournament.finished', data: { ...cup, name: '' } },
      // At most 60 characters (code points, as zod counts them): a trophy counts once.
      { type: 'tournament.finished', data: { ...cup, name: trophy.repeat(60) } },
      { type: 'tournament.finished', data: { ...cup, name: trophy.repeat(61) } },
      { type: 'tournament.finished', data: { ...cup, name: `${'x'.repeat(59)}${trophy}` } },
      { type: 'tournament.finished', data: { ...cup, format: 'Gen 9 OU' } },
      { type: 'tournament.finished', data: { ...cup, kind: 'round-robin' } },
      { type: 'tournament.finished', data: { ...cup, winner_id: 'nobody' } },
      { type: 'tournament.finished', data: { ...cup, entrants: 1 } },
      { type: 'tournament.finished', data: { ...cup, entrants: 65 } },
      { type: 'tournament.finished', data: { ...cup, rounds: 0 } },
      { type: 'tournament.finished', data: { ...cup, rounds: 1.5 } },
      { type: 'tournament.finished', data: { ...cup, battles: -1 } },
      { type: 'tournament.finished', data: { ...cup, battles: 10_001 } },
      { type: 'tournament.finished', data: { ...cup, prize: 100 } },
      { type: 'tournament.finished', data: { ...cup, battles: undefined } },
      { type: 'tournament.finished' },
      { type: 'challenge.completed', data: completed },
      { type: 'challenge.completed', data: { ...completed, day: '2028-02-29', reward_points: 0 } },
      { type: 'challenge.completed', data: { ...completed, day: '2026-02-29' } },
      { type: 'challenge.completed', data: { ...completed, day: '2026-12-7' } },
      { type: 'challenge.completed', data: { ...completed, day: '2026-12-07T00:00:00Z' } },
      { type: 'challenge.completed', data: { ...completed, challenge: 'First-Win' } },
      { type: 'challenge.completed', data: { ...completed, challenge: 'a'.repeat(41) } },
      { type: 'challenge.completed', data: { ...completed, category: 'pvp-battle' } },
      { type: 'challenge.completed', data: { ...completed, category: 'battle_2' } },
      { type: 'challenge.completed', data: { ...completed, difficulty: 'legendary' } },
      { type: 'challenge.completed', data: { ...completed, reward_points: -1 } },
      { type: 'challenge.completed', data: { ...completed, reward_points: 2.5 } },
      { type: 'challenge.completed', data: { ...completed, reward_points: 1_000_001 } },
      { type: 'challenge.completed', data: { ...completed, title: 'Win a battle' } },
      { type: 'challenge.completed', data: { ...completed, difficulty: undefined } },
      { type: 'player.registered', data: { display_name: 'x'.repeat(65) } },
      { events: [tap, { type: 'session.started', data: { client: 'web' } }] },
      { events: [] },
      { events: [tap], more: 1 },
      { events: Array(101).fill(tap) },
      { events: [{ type: '' }] },
    ];
    expect(bodies.filter((body) => events(body) !== served(body))).toEqual([]);
  });

  it('names the formats the pokemon service serves, and its default', () => {
    // The document takes them from @gameday/pokemon/contract; the service from its own domain/sets.ts.
    const format = doc.components.schemas.Format as { enum: string[]; description: string };
    expect(format.enum).toEqual([...FORMATS]);
    expect(format.description).toContain(DEFAULT_FORMAT);
    const inputs = ['TeamInput', 'TeamImport', 'AiBattleInput', 'PvpBattleInput'];
    for (const name of [...inputs, 'TournamentInput', 'MatchmakingInput']) {
      const input = doc.components.schemas[name] as { properties: { format: { default: string } } };
      expect([name, input.properties.format.default]).toEqual([name, DEFAULT_FORMAT]);
    }
  });

  it('names the tournament kinds and the daily challenges the scheduler has', () => {
    const input = doc.components.schemas.TournamentInput as { properties: { kind: { enum: string[] } } };
    expect(input.properties.kind.enum).toEqual([...TOURNAMENT_KINDS]);
    // Every challenge of the catalogue (its category, difficulty and goal) is one the document describes.
    const today = {
      day: new Date().toISOString().slice(0, 10),
      items: CATALOGUE.map((c) => ({ ...c, completed_at: null })),
    };
    const validate = ajv.getSchema('openapi#/components/schemas/DailyChallenges')!;
    expect([validate(today), ajv.errorsText(validate.errors)]).toEqual([true, 'No errors']);
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

  it('the pokédex: species, moves, abilities, types, natures and formats', async () => {
    const player = { token: playerToken };
    const first = await call('GET', `${POKEMON}/species?limit=2`, 200, player);
    expect(first.body.items).toHaveLength(2);
    await call('GET', `${POKEMON}/species?limit=2&cursor=${String(first.body.next_cursor)}`, 200, player);
    const filtered = await call(
      'GET',
      `${POKEMON}/species?q=chu&type=electric&ability=static&move=thunderbolt&generation=1&tier=ZU&limit=10`,
      200,
      player,
    );
    expect(filtered.body.next_cursor).toBeNull();
    await call('GET', `${POKEMON}/species?type=plasma`, 400, player);
    await call('GET', `${POKEMON}/species?cursor=nonsense`, 400, player);
    await call('GET', `${POKEMON}/species`, 401);
    const pikachu = await call('GET', `${POKEMON}/species/pikachu`, 200, player);
    // POKEAPI_URL is off in the test: the bundled data alone.
    expect(pikachu.body).toMatchObject({
      national_number: 25,
      enrichment: null,
      enrichment_status: 'disabled',
    });
    expect((await call('GET', `${POKEMON}/species/25`, 200, player)).body.id).toBe('pikachu');
    await call('GET', `${POKEMON}/species/missingno`, 404, player);
    const moves = await call('GET', `${POKEMON}/moves?category=special&type=electric&limit=3`, 200, player);
    await call('GET', `${POKEMON}/moves?limit=3&cursor=${String(moves.body.next_cursor)}`, 200, player);
    await call('GET', `${POKEMON}/moves?type=plasma`, 400, player);
    await call('GET', `${POKEMON}/moves/thunderbolt`, 200, player);
    await call('GET', `${POKEMON}/moves/notamove`, 404, player);
    await call('GET', `${POKEMON}/moves/notamove`, 401);
    await call('GET', `${POKEMON}/abilities`, 200, player);
    await call('GET', `${POKEMON}/types`, 200, player);
    await call('GET', `${POKEMON}/natures`, 200, player);
    const formats = await call('GET', `${POKEMON}/formats`, 200, player);
    expect(formats.body.default).toBe(DEFAULT_FORMAT);
    expect((formats.body.items as { id: string }[]).map((f) => f.id)).toEqual([...FORMATS]);
  });

  it('the pokemon trainers: profiles, Pokémon and teams, with ETags and If-Match (412, 428)', async () => {
    const player = { token: playerToken };
    const admin = { token: adminToken };
    adminId = String((await call('GET', '/api/v1/players/me', 200, admin)).body.id);
    // The admin's trainer is created by naming it (201); the player's on first read, then renamed (200).
    await call('PUT', `${POKEMON}/trainers/me`, 201, { ...admin, body: { name: 'Gym Leader' } });
    expect((await call('GET', `${POKEMON}/trainers/me`, 200, player)).body).toMatchObject({ ratings: [] });
    await call('PUT', `${POKEMON}/trainers/me`, 200, { ...player, body: { name: "Ash O'Brien" } });
    await call('PUT', `${POKEMON}/trainers/me`, 400, { ...player, body: { name: '-Ash' } });
    await call('PUT', `${POKEMON}/trainers/me`, 401, { body: { name: 'Nobody' } });
    await call('GET', `${POKEMON}/trainers/me`, 401);
    await call('GET', `${POKEMON}/trainers/${adminId}`, 200, player);
    await call('GET', `${POKEMON}/trainers/${randomUUID()}`, 404, player);
    await call('GET', `${POKEMON}/trainers/nobody`, 400, player);

    const mine = `${POKEMON}/trainers/me/pokemon`;
    for (const set of SETS) {
      const made = await call('POST', mine, 201, { ...player, body: set });
      expect(made.headers.get('etag')).toBe('"v1"');
      myPokemon.push(String(made.body.id));
    }
    await call('POST', mine, 400, { ...player, body: { ...SETS[0], species: 'Missingno' } });
    await call('POST', mine, 400, { ...player, body: { ...SETS[0], moves: ['Thunderbolt'] } });
    await call('POST', mine, 401, { body: SETS[0] });
    await call('POST', mine, 413, { ...player, body: { ...SETS[0], nickname: 'x'.repeat(70_000) } });
    await call('POST', mine, 415, {
      ...player,
      body: 'species=Pikachu',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const page = await call('GET', `${mine}?limit=2`, 200, player);
    await call('GET', `${mine}?limit=2&cursor=${String(page.body.next_cursor)}`, 200, player);
    await call('GET', `${mine}?cursor=nonsense`, 400, player);

    // Pikachu, in no team: changed with the ETag it was read with, then with a stale one, then without.
    const pikachu = `${mine}/${myPokemon[3]}`;
    const read = await call('GET', pikachu, 200, player);
    const renamed = await call('PUT', pikachu, 200, {
      ...player,
      headers: { 'if-match': read.headers.get('etag')! },
      body: { ...SETS[3], nickname: 'Volt' },
    });
    expect(renamed.headers.get('etag')).toBe('"v2"');
    const stale = await call('PUT', pikachu, 412, {
      ...player,
      headers: { 'if-match': '"v1"' },
      body: SETS[3],
    });
    expect(stale.body.current_etag).toBe('"v2"');
    await call('PUT', pikachu, 428, { ...player, body: SETS[3] });
    await call('PUT', pikachu, 200, { ...player, headers: { 'if-match': '*' }, body: SETS[3] });
    await call('PUT', pikachu, 400, {
      ...player,
      headers: { 'if-match': '*' },
      body: { ...SETS[3], level: 0 },
    });
    const anywhere = { ...player, headers: { 'if-match': '*' } };
    await call('PUT', `${mine}/${randomUUID()}`, 404, { ...anywhere, body: SETS[3] });
    await call('GET', `${mine}/${randomUUID()}`, 404, player);
    await call('GET', `${mine}/not-a-uuid`, 400, player);

    const teams = `${POKEMON}/trainers/me/teams`;
    const members = myPokemon.slice(0, 3);
    const team = await call('POST', teams, 201, {
      ...player,
      body: { name: 'Main', format: 'gen9ou', pokemon: members },
    });
    myTeam = String(team.body.id);
    await call('POST', teams, 400, { ...player, body: { name: 'Theirs', pokemon: [randomUUID()] } });
    await call('GET', teams, 200, player);
    const teamPath = `${teams}/${myTeam}`;
    const teamRead = await call('GET', teamPath, 200, player);
    await call('GET', `${teams}/${randomUUID()}`, 404, player);
    const exported = await call('GET', `${teamPath}/export`, 200, player);
    expect(exported.text).toContain('Garchomp @ Leftovers');
    await call('GET', `${teams}/${randomUUID()}/export`, 404, player);
    const imported = await call('POST', `${teams}/import`, 201, {
      ...player,
      body: { name: 'Imported', text: exported.text },
    });
    expect(imported.body.members).toHaveLength(3);
    await call('POST', `${teams}/import`, 400, { ...player, body: { name: 'Nothing', text: 'not a team' } });
    const reordered = { name: 'Main', pokemon: [...members].reverse() };
    await call('PUT', teamPath, 200, {
      ...player,
      headers: { 'if-match': teamRead.headers.get('etag')! },
      body: reordered,
    });
    await call('PUT', teamPath, 412, { ...player, headers: { 'if-match': '"v1"' }, body: reordered });
    await call('PUT', teamPath, 428, { ...player, body: reordered });
    await call('PUT', teamPath, 400, { ...anywhere, body: { ...reordered, format: 'gen9lc' } });
    await call('PUT', `${teams}/${randomUUID()}`, 404, { ...anywhere, body: reordered });

    // A team member is not released (409); Pikachu, in no team, is.
    await call('DELETE', `${mine}/${myPokemon[0]}`, 409, anywhere);
    await call('DELETE', pikachu, 428, player);
    await call('DELETE', pikachu, 412, { ...player, headers: { 'if-match': '"v1"' } });
    await call('DELETE', pikachu, 204, { ...player, headers: { 'if-match': '"v3"' } });
    await call('DELETE', pikachu, 404, anywhere);
    const importedPath = `${teams}/${String(imported.body.id)}`;
    await call('DELETE', importedPath, 428, player);
    await call('DELETE', importedPath, 412, { ...player, headers: { 'if-match': '"v9"' } });
    await call('DELETE', importedPath, 204, { ...player, headers: { 'if-match': '"v1"' } });
    await call('DELETE', importedPath, 404, anywhere);
  });

  it('states the rules of a Pokémon as the pokemon service checks them', async () => {
    const base = { species: 'Pikachu', ability: 'Static', moves: ['Thunderbolt'] };
    const emoji = '\u{1F525}';
    // Left out: EVs adding up to more than 510 (which the service refuses and JSON Schema cannot add up).
    const changes: Record<string, unknown>[] = [
      {},
      { nickname: 'a'.repeat(18) },
      { nickname: 'a'.repeat(19) },
      { nickname: 'é'.repeat(18) },
      { nickname: emoji.repeat(9) },
      { nickname: emoji.repeat(10) },
      { nickname: `${'a'.repeat(17)}${emoji}` },
      { nickname: '' },
      { nickname: '   ' },
      { nickname: null },
      { nickname: 'Spa\u0007rky' },
      { nickname: 'Spa\u202erky' },
      { level: 1 },
      { level: 100 },
      { level: 0 },
      { level: 101 },
      { level: 50.5 },
      { level: '50' },
      { level: null },
      { item: 'Light Ball' },
      { item: null },
      { item: '' },
      { item: 'x'.repeat(41) },
      { nature: 'Timid' },
      { nature: '' },
      { gender: 'F' },
      { gender: null },
      { gender: 'N' },
      { evs: {} },
      { evs: { special_attack: 252, speed: 252, hp: 6 } },
      { evs: { hp: 253 } },
      { evs: { hp: -1 } },
      { evs: { hp: 1.5 } },
      { evs: { HP: 4 } },
      { evs: null },
      { ivs: { attack: 0 } },
      { ivs: { speed: 31 } },
      { ivs: { speed: 32 } },
      { ivs: { speed: '31' } },
      { moves: ['Thunderbolt', 'Volt Switch', 'Surf', 'Grass Knot'] },
      { moves: [] },
      { moves: ['Thunderbolt', 'Volt Switch', 'Surf', 'Grass Knot', 'Quick Attack'] },
      { moves: ['x'.repeat(41)] },
      { moves: ['Thunderbolt', 'Thunderbolt'] },
      { moves: 'Thunderbolt' },
      { tera_type: 'Stellar' },
      { tera_type: null },
      { tera_type: '' },
      { shiny: true },
      { shiny: 'yes' },
      { hp: 1 },
      { species: undefined },
    ];
    const disagreements: unknown[] = [];
    for (const change of changes) {
      const body = { ...base, ...change };
      const path = `${POKEMON}/trainers/me/pokemon`;
      const res = await request(`${gateway.url}${path}`, { method: 'POST', token: playerToken, body });
      expectDocumented('POST', path, res);
      const documented = refusal('POST', path, { body }) === undefined;
      if (![201, 400].includes(res.status) || documented !== (res.status === 201))
        disagreements.push({ change, status: res.status, documented });
    }
    expect(disagreements).toEqual([]);
  });

  it('pokemon battles: the AI (idempotent), a challenge played, forfeited, replayed; ratings', async () => {
    const player = { token: playerToken };
    const admin = { token: adminToken };
    // A valid token for a player who is in neither battle.
    const outsider = { token: eddsaToken(keys.privateKey, claims()) };
    const battles = `${POKEMON}/battles`;
    const key = { 'idempotency-key': randomUUID() };
    const ai = { mode: 'ai', team_id: myTeam };
    const instant = await call('POST', battles, 201, { ...player, headers: key, body: ai });
    expect(instant.body).toMatchObject({ mode: 'ai', status: 'finished', players: { p2: { ai: true } } });
    const again = await call('POST', battles, 201, { ...player, headers: key, body: ai });
    expect([again.body.id, again.headers.get('idempotent-replayed')]).toEqual([instant.body.id, 'true']);
    await call('POST', battles, 409, {
      ...player,
      headers: key,
      body: { ...ai, format: 'gen9anythinggoes' },
    });
    await call('POST', battles, 400, { ...player, body: { ...ai, format: 'gen9lc' } });
    await call('POST', battles, 400, { ...player, body: { mode: 'duel', team_id: myTeam } });
    await call('POST', battles, 401, { body: ai });
    const instantPath = `${battles}/${String(instant.body.id)}`;
    await call('GET', instantPath, 200, player);
    await call('GET', instantPath, 403, outsider);
    await call('GET', `${battles}/${randomUUID()}`, 404, player);
    await call('GET', `${battles}/not-a-uuid`, 400, player);
    expect((await call('GET', `${instantPath}/replay`, 200, player)).body.verified).toBe(true);

    // The admin builds a team and is challenged by the player.
    const adminPokemon: string[] = [];
    for (const set of SETS.slice(0, 3)) {
      const made = await call('POST', `${POKEMON}/trainers/me/pokemon`, 201, { ...admin, body: set });
      adminPokemon.push(String(made.body.id));
    }
    const adminTeam = await call('POST', `${POKEMON}/trainers/me/teams`, 201, {
      ...admin,
      body: { name: 'Gym', pokemon: adminPokemon },
    });
    const theirs = { team_id: String(adminTeam.body.id) };
    const challenge = await call('POST', battles, 201, {
      ...player,
      body: { mode: 'pvp', team_id: myTeam, opponent_id: adminId },
    });
    expect(challenge.body).toMatchObject({ status: 'pending', rated: true, your_side: 'p1' });
    await call('POST', battles, 400, {
      ...player,
      body: { mode: 'pvp', team_id: myTeam, opponent_id: playerId },
    });
    const pvp = `${battles}/${String(challenge.body.id)}`;
    await call('GET', `${pvp}/replay`, 409, player);
    await call('POST', `${pvp}/choices`, 409, { ...player, body: { choice: 'default' } });
    await call('POST', `${pvp}/forfeit`, 409, player);
    await call('POST', `${pvp}/accept`, 409, { ...player, body: { team_id: myTeam } });
    await call('POST', `${pvp}/accept`, 403, { ...outsider, body: theirs });
    await call('POST', `${battles}/${randomUUID()}/accept`, 404, { ...admin, body: theirs });
    await call('POST', `${pvp}/accept`, 400, { ...admin, body: { team_id: myTeam } });
    const started = await call('POST', `${pvp}/accept`, 200, { ...admin, body: theirs });
    expect(started.body).toMatchObject({
      status: 'active',
      your_side: 'p2',
      request: { kind: 'teampreview' },
    });
    await call('POST', `${pvp}/accept`, 409, { ...admin, body: theirs });

    // Team preview: an illegal choice, an undo, then each side's choice; a second one is out of turn.
    await call('POST', `${pvp}/choices`, 400, { ...player, body: { choice: 'move 9' } });
    await refused('POST', `${pvp}/choices`, { ...player, body: { choice: 'undo' } });
    await call('POST', `${pvp}/choices`, 200, { ...player, body: { choice: 'default' } });
    await call('POST', `${pvp}/choices`, 409, { ...player, body: { choice: 'default' } });
    await call('POST', `${pvp}/choices`, 403, { ...outsider, body: { choice: 'default' } });
    await call('POST', `${battles}/${randomUUID()}/choices`, 404, { ...player, body: { choice: 'default' } });
    const turn = await call('POST', `${pvp}/choices`, 200, { ...admin, body: { choice: 'default' } });
    expect(turn.body).toMatchObject({ turn: 1, waiting_for: ['p1', 'p2'], request: { kind: 'move' } });
    await call('GET', pvp, 200, player);
    await call('POST', `${pvp}/forfeit`, 403, outsider);
    await call('POST', `${battles}/${randomUUID()}/forfeit`, 404, player);
    const forfeited = await call('POST', `${pvp}/forfeit`, 200, player);
    expect(forfeited.body).toMatchObject({ status: 'finished', winner: 'p2', end_reason: 'forfeit' });
    await call('POST', `${pvp}/forfeit`, 409, player);
    await call('POST', `${pvp}/choices`, 409, { ...admin, body: { choice: 'default' } });
    expect((await call('GET', `${pvp}/replay`, 200, admin)).body.verified).toBe(true);
    await call('GET', `${pvp}/replay`, 403, outsider);
    await call('GET', `${battles}/${randomUUID()}/replay`, 404, player);

    const list = await call('GET', `${battles}?limit=1`, 200, player);
    await call('GET', `${battles}?limit=1&cursor=${String(list.body.next_cursor)}`, 200, player);
    await call('GET', `${battles}?limit=0`, 400, player);
    // The rated forfeit moved both ratings: the admin on top.
    const board = await call('GET', `${POKEMON}/ratings/gen9ou?limit=10`, 200, player);
    expect((board.body.items as { trainer_id: string }[]).map((r) => r.trainer_id)).toEqual([
      adminId,
      playerId,
    ]);
    await call('GET', `${POKEMON}/ratings/gen8ou`, 400, player);
    const me = await call('GET', `${POKEMON}/trainers/me`, 200, player);
    expect(me.body.ratings).toEqual([expect.objectContaining({ format: 'gen9ou', battles: 1, losses: 1 })]);
  });

  it('daily challenges: today’s three, claimed once done (422 before), and once (409)', async () => {
    const player = { token: playerToken };
    const challenges = '/api/v1/challenges';
    type Challenge = {
      key: string;
      difficulty: string;
      reward_points: number;
      goal: { wins: number; mode?: string; format?: string };
      completed_at: string | null;
    };
    const list = await call('GET', `${challenges}/today`, 200, player);
    const day = String(list.body.day);
    expect(day).toBe(new Date().toISOString().slice(0, 10));
    const items = list.body.items as Challenge[];
    expect(items.map((c) => c.difficulty).sort()).toEqual(['easy', 'hard', 'medium']);
    const easy = items.find((c) => c.difficulty === 'easy')!;
    const hard = items.find((c) => c.difficulty === 'hard')!;
    await call('GET', `${challenges}/today`, 401);
    // The player has won at most one battle today: the hard one (three wins or more) is not done.
    await call('POST', `${challenges}/${day}/${hard.key}/claim`, 422, player);
    await call('POST', `${challenges}/${day}/no-such-challenge/claim`, 404, player);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await call('POST', `${challenges}/${yesterday}/${easy.key}/claim`, 409, player);
    await call('POST', `${challenges}/${day}/Not_A_Key/claim`, 400, player);
    await call('POST', `${challenges}/${day}/${easy.key}/claim`, 401);

    // The easy one is a win against the AI, in OU or in Little Cup: battles against the AI until it is done.
    const lc: string[] = [];
    for (const set of LC_SETS) {
      const made = await call('POST', `${POKEMON}/trainers/me/pokemon`, 201, { ...player, body: set });
      lc.push(String(made.body.id));
    }
    const lcTeam = await call('POST', `${POKEMON}/trainers/me/teams`, 201, {
      ...player,
      body: { name: 'Little Cup', format: 'gen9lc', pokemon: lc },
    });
    const teams: Record<string, string> = { gen9ou: myTeam, gen9lc: String(lcTeam.body.id) };
    const format = easy.goal.format ?? DEFAULT_FORMAT;
    expect([easy.key, format in teams, easy.goal.mode ?? 'ai']).toEqual([easy.key, true, 'ai']);
    const claim = `${challenges}/${day}/${easy.key}/claim`;
    let claimed: HttpResponse<unknown> | undefined;
    for (let i = 0; i < 30 && !claimed; i++) {
      const res = await request(`${gateway.url}${claim}`, { method: 'POST', token: playerToken });
      expectDocumented('POST', claim, res);
      if (res.status === 201) claimed = res;
      else {
        expect([res.status, res.text]).toEqual([422, expect.stringContaining('challenge-not-done')]);
        await call('POST', `${POKEMON}/battles`, 201, {
          ...player,
          body: { mode: 'ai', format, team_id: teams[format] },
        });
      }
    }
    expect(claimed?.body).toEqual({ day, key: easy.key, reward_points: easy.reward_points });
    expect(refusal('POST', claim)).toBeUndefined();
    await call('POST', claim, 409, player);
    const after = await call('GET', `${challenges}/today`, 200, player);
    expect((after.body.items as Challenge[]).find((c) => c.key === easy.key)!.completed_at).not.toBeNull();
  });

  it('tournaments: created by an admin, entered with teams (idempotent), played to the end', async () => {
    const player = { token: playerToken };
    const admin = { token: adminToken };
    const tournaments = '/api/v1/tournaments';
    const teams = `${POKEMON}/trainers/me/teams`;
    // The admin's team; and a team of the player's, deleted once entered (its match is a walkover).
    const adminPokemon: string[] = [];
    for (const set of SETS.slice(0, 3)) {
      const made = await call('POST', `${POKEMON}/trainers/me/pokemon`, 201, { ...admin, body: set });
      adminPokemon.push(String(made.body.id));
    }
    const made = await call('POST', teams, 201, {
      ...admin,
      body: { name: 'Scheduled', pokemon: adminPokemon },
    });
    adminTeam = String(made.body.id);
    const doomed = await call('POST', teams, 201, {
      ...player,
      body: { name: 'Doomed', pokemon: myPokemon.slice(0, 3) },
    });

    // Three tournaments starting in a few seconds (entries are made before then), and one a minute on.
    const starts_at = new Date(Date.now() + 4000).toISOString();
    const create = async (body: object) => {
      const res = await call('POST', tournaments, 201, { ...admin, body: { starts_at, ...body } });
      const path = `${tournaments}/${String(res.body.id)}`;
      expect(res.headers.get('location')).toBe(path);
      expect(res.body).toMatchObject({ status: 'open', rounds: null, current_round: 0, winner_id: null });
      return path;
    };
    brokenCup = await create({ name: 'Broken Cup', max_entrants: 2 });
    const cup = await create({ name: 'Scheduler Cup', format: 'gen9ou', kind: 'single-elimination' });
    const swiss = await create({ name: '  Swiss Open  ', kind: 'swiss', max_entrants: 64 });
    const later = await call('POST', tournaments, 201, { ...admin, body: { name: 'Later Cup' } });
    expect(later.body).toMatchObject({ name: 'Later Cup', format: DEFAULT_FORMAT, max_entrants: 8 });
    const laterPath = `${tournaments}/${String(later.body.id)}`;

    const enter = (team: string) => ({ body: { team_id: team } });
    await call('POST', `${brokenCup}/entries`, 201, { ...player, ...enter(String(doomed.body.id)) });
    await call('POST', `${brokenCup}/entries`, 201, { ...admin, ...enter(adminTeam) });
    await call('DELETE', `${teams}/${String(doomed.body.id)}`, 204, {
      ...player,
      headers: { 'if-match': '*' },
    });
    const key = { 'idempotency-key': randomUUID() };
    const entry = await call('POST', `${cup}/entries`, 201, { ...player, headers: key, ...enter(myTeam) });
    expect(entry.body).toEqual({
      tournament_id: cup.split('/').pop(),
      trainer_id: playerId,
      team_id: myTeam,
    });
    const again = await call('POST', `${cup}/entries`, 201, { ...player, headers: key, ...enter(myTeam) });
    expect([again.body, again.headers.get('idempotent-replayed')]).toEqual([entry.body, 'true']);
    await call('POST', `${cup}/entries`, 201, { ...admin, ...enter(adminTeam) });
    await call('POST', `${swiss}/entries`, 201, { ...player, ...enter(myTeam) });
    await call('POST', `${swiss}/entries`, 201, { ...admin, ...enter(adminTeam) });
    // The same key for another tournament; entering twice; a team that is not yours or not a team.
    await call('POST', `${swiss}/entries`, 409, { ...player, headers: key, ...enter(myTeam) });
    await call('POST', `${cup}/entries`, 409, { ...player, ...enter(myTeam) });
    await call('POST', `${laterPath}/entries`, 400, { ...admin, ...enter(myTeam) });
    await call('POST', `${laterPath}/entries`, 400, { ...player, ...enter('mine') });
    await call('POST', `${laterPath}/entries`, 400, { ...player, ...enter(randomUUID()) });
    await call('POST', `${tournaments}/${randomUUID()}/entries`, 404, { ...player, ...enter(myTeam) });
    await call('POST', `${laterPath}/entries`, 401, enter(myTeam));
    await call('POST', `${laterPath}/entries`, 415, {
      ...player,
      body: `team_id=${myTeam}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    // Creating takes an admin and a valid body, starting neither in the past nor 30 days on.
    await call('POST', tournaments, 403, { ...player, body: { name: 'Not Mine' } });
    await call('POST', tournaments, 401, { body: { name: 'Nobody’s' } });
    await call('POST', tournaments, 400, { ...admin, body: { name: 'ab', kind: 'league' } });
    await call('POST', tournaments, 400, {
      ...admin,
      body: { name: 'Past', starts_at: '2020-01-01T00:00:00Z' },
    });
    const far = new Date(Date.now() + 31 * 86_400_000).toISOString();
    await call('POST', tournaments, 400, { ...admin, body: { name: 'Far Away', starts_at: far } });
    await call('POST', tournaments, 413, { ...admin, body: { name: 'x'.repeat(70_000) } });

    await call('GET', `${tournaments}?status=open&limit=100`, 200, player);
    await call('GET', `${tournaments}?status=paused`, 400, player);
    await call('GET', `${tournaments}?limit=0`, 400, player);
    await call('GET', tournaments, 401);
    expect((await call('GET', cup, 200, player)).body.entries).toHaveLength(2);
    await call('GET', `${tournaments}/${randomUUID()}`, 404, player);
    await call('GET', `${tournaments}/not-a-uuid`, 400, player);
    await call('GET', cup, 401);

    // At the start each is played as one round of one battle, and won.
    for (const path of [cup, swiss]) {
      await eventually(
        async () => {
          const res = await request(`${gateway.url}${path}`, { token: playerToken });
          return res.body.status === 'finished' ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 250, what: `${path} finished` },
      );
      const done = await call('GET', path, 200, player);
      expect(done.body).toMatchObject({ rounds: 1, current_round: 1 });
      expect([playerId, adminId]).toContain(done.body.winner_id);
      const matches = done.body.matches as { battle_id: string | null; played_at: string | null }[];
      expect(matches).toHaveLength(1);
      expect(matches[0]!.played_at).not.toBeNull();
      // The battle is the pokemon service's, visible to both trainers.
      await call('GET', `${POKEMON}/battles/${String(matches[0]!.battle_id)}`, 200, player);
    }
    const table = await call('GET', swiss, 200, player);
    expect([table.body.name, table.body.standings]).toEqual(['Swiss Open', expect.any(Array)]);
    expect((await call('GET', cup, 200, player)).body.standings).toBeUndefined();
    await call('POST', `${cup}/entries`, 409, {
      ...player,
      headers: { 'idempotency-key': randomUUID() },
      ...enter(myTeam),
    });
    const finished = await call('GET', `${tournaments}?status=finished`, 200, player);
    const ids = (finished.body.items as { id: string }[]).map((t) => `${tournaments}/${t.id}`);
    expect(ids).toEqual(expect.arrayContaining([cup, swiss]));
    // The broken cup: the player's team is gone, so the admin wins by walkover (no battle).
    const walkover = await eventually(
      async () => {
        const res = await request(`${gateway.url}${brokenCup}`, { token: playerToken });
        return res.body.status === 'finished' ? res.body : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'the broken cup finished by walkover' },
    );
    expect(walkover).toMatchObject({
      winner_id: adminId,
      matches: [{ battle_id: null, winner_id: adminId }],
    });
  });

  it('states the rules of a tournament as the scheduler checks them', async () => {
    const trophy = '\u{1F3C6}';
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    // Left out: starts_at in the past or 30 days on (the service compares it with now; JSON Schema cannot),
    // and names NFC normalisation shortens.
    const changes: Record<string, unknown>[] = [
      {},
      { name: 'abc' },
      { name: 'ab' },
      { name: 'x'.repeat(60) },
      { name: 'x'.repeat(61) },
      { name: '  abc  ' },
      { name: '  ab  ' },
      { name: '\tCup\n' },
      { name: ` ${'x'.repeat(60)} ` },
      { name: '\u00a0Cup\u00a0' },
      { name: 'C\u2028up' },
      { name: 'Cup\u0007' },
      { name: 'C\u0007up' },
      { name: 'Cup\u0085' },
      { name: 'Cup \u202e' },
      { name: trophy.repeat(3) },
      { name: trophy.repeat(60) },
      { name: trophy.repeat(61) },
      { name: '' },
      { name: '   ' },
      { name: 3 },
      { name: null },
      { name: undefined },
      { format: 'gen9lc' },
      { format: 'gen8ou' },
      { format: null },
      { kind: 'swiss' },
      { kind: 'round-robin' },
      { max_entrants: 2 },
      { max_entrants: 64 },
      { max_entrants: 1 },
      { max_entrants: 65 },
      { max_entrants: 2.5 },
      { max_entrants: '8' },
      { starts_at: inAnHour },
      { starts_at: inAnHour.replace('Z', '+00:00') },
      { starts_at: inAnHour.replace(/\.\d+Z$/, '.123456789Z') },
      { starts_at: inAnHour.replace('T', ' ') },
      { starts_at: inAnHour.replace('T', 't') },
      { starts_at: `${inAnHour.slice(0, 16)}Z` },
      { starts_at: inAnHour.replace('Z', '+0000') },
      { starts_at: inAnHour.slice(0, 10) },
      { starts_at: null },
      { rounds: 3 },
    ];
    const path = '/api/v1/tournaments';
    const disagreements: unknown[] = [];
    for (const change of changes) {
      const body = { name: 'Rules Cup', ...change };
      const res = await request(`${gateway.url}${path}`, { method: 'POST', token: adminToken, body });
      expectDocumented('POST', path, res);
      const documented = refusal('POST', path, { body }) === undefined;
      if (![201, 400].includes(res.status) || documented !== (res.status === 201))
        disagreements.push({ change, status: res.status, documented });
    }
    expect(disagreements).toEqual([]);
  });

  it('matchmaking: join (idempotent), read, leave; two trainers paired into a rated battle', async () => {
    const player = { token: playerToken };
    const admin = { token: adminToken };
    const queue = '/api/v1/matchmaking/queue';
    await call('GET', `${queue}/me`, 404, player);
    await call('DELETE', `${queue}/me`, 404, player);
    const key = { 'idempotency-key': randomUUID() };
    const ou = { format: 'gen9ou', team_id: myTeam };
    const joined = await call('POST', queue, 201, { ...player, headers: key, body: ou });
    expect(joined.body).toMatchObject({ status: 'waiting', ...ou, window: 1000, battle_id: null });
    const again = await call('POST', queue, 201, { ...player, headers: key, body: ou });
    expect([again.body.id, again.headers.get('idempotent-replayed')]).toEqual([joined.body.id, 'true']);
    // The key with another format (the body as read, defaults included, is what is compared).
    await call('POST', queue, 201, { ...player, headers: key, body: { team_id: myTeam } });
    await call('POST', queue, 409, { ...player, headers: key, body: { ...ou, format: 'gen9anythinggoes' } });
    await call('POST', queue, 409, { ...player, body: ou });
    await call('POST', queue, 400, { ...player, body: { format: 'gen9uu', team_id: myTeam } });
    await call('POST', queue, 400, { ...player, body: { team_id: adminTeam } });
    await call('POST', queue, 401, { body: ou });
    expect((await call('GET', `${queue}/me`, 200, player)).body).toMatchObject({ status: 'waiting' });
    await call('GET', `${queue}/me`, 401);
    await call('DELETE', `${queue}/me`, 204, player);
    await call('DELETE', `${queue}/me`, 404, player);
    await call('DELETE', `${queue}/me`, 401);
    const left = await call('GET', `${queue}/me`, 200, player);
    expect(left.body).toMatchObject({ id: joined.body.id, status: 'left', window: null });

    // Both queue: the next pass pairs them (their ratings are within the window) into a live battle.
    await call('POST', queue, 201, { ...player, body: ou });
    await call('POST', queue, 201, { ...admin, body: { team_id: adminTeam } });
    const matched = await eventually(
      async () => {
        const res = await request(`${gateway.url}${queue}/me`, { token: playerToken });
        return res.body.status === 'matched' ? res : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'the player matched' },
    );
    expectDocumented('GET', `${queue}/me`, matched);
    expect(matched.body).toMatchObject({ opponent_id: adminId, window: null });
    const theirs = await call('GET', `${queue}/me`, 200, admin);
    expect(theirs.body).toMatchObject({
      status: 'matched',
      opponent_id: playerId,
      battle_id: matched.body.battle_id,
    });
    const battle = await call('GET', `${POKEMON}/battles/${String(matched.body.battle_id)}`, 200, player);
    expect(battle.body).toMatchObject({ mode: 'pvp', rated: true, status: 'active' });
    await call('DELETE', `${queue}/me`, 404, player);
  });

  it('the job queues (admins): depths, running a job, dead jobs and their retry', async () => {
    const player = { token: playerToken };
    const admin = { token: adminToken };
    const scheduler = '/api/v1/scheduler';
    const queues = await call('GET', `${scheduler}/queues`, 200, admin);
    expect((queues.body.items as { name: string }[]).map((q) => q.name)).toEqual(
      expect.arrayContaining(['tournament-start', 'tournament-round', 'matchmaking-pass', 'dead-jobs']),
    );
    await call('GET', `${scheduler}/queues`, 403, player);
    await call('GET', `${scheduler}/queues`, 401);
    for (const name of ['data-retention', 'fetcher-refresh', 'daily-challenges']) {
      expect((await call('POST', `${scheduler}/queues/${name}/run`, 202, admin)).body.queue).toBe(name);
    }
    await call('POST', `${scheduler}/queues/tournament-start/run`, 400, admin);
    await call('POST', `${scheduler}/queues/data-retention/run`, 403, player);
    await call('POST', `${scheduler}/queues/data-retention/run`, 401);

    // The pokemon service stops answering (paused): a retention run cannot reach it, is retried once
    // (POKEMON_TIMEOUT_MS apart), and is a dead job. Then pokemon carries on.
    type DeadJob = { id: string; queue: string; data: Record<string, unknown> };
    const before = new Set(
      ((await call('GET', `${scheduler}/dead-jobs`, 200, admin)).body.items as DeadJob[]).map((j) => j.id),
    );
    api.pokemon!.child.kill('SIGSTOP');
    let dead: DeadJob;
    try {
      await call('POST', `${scheduler}/queues/data-retention/run`, 202, admin);
      dead = await eventually(
        async () => {
          const res = await request<{ items?: DeadJob[] }>(`${gateway.url}${scheduler}/dead-jobs`, admin);
          return res.body.items?.find((j) => j.queue === 'data-retention' && !before.has(j.id));
        },
        { timeoutMs: 30_000, intervalMs: 250, what: 'the retention run among the dead jobs' },
      );
    } finally {
      api.pokemon!.child.kill('SIGCONT');
    }
    await call('GET', `${scheduler}/dead-jobs?limit=1000`, 200, admin);
    await call('GET', `${scheduler}/dead-jobs?limit=0`, 400, admin);
    await call('GET', `${scheduler}/dead-jobs`, 403, player);
    await call('GET', `${scheduler}/dead-jobs`, 401);

    const retried = await call('POST', `${scheduler}/dead-jobs/${dead.id}/retry`, 202, admin);
    expect(retried.body.queue).toBe('data-retention');
    await call('POST', `${scheduler}/dead-jobs/${dead.id}/retry`, 404, admin);
    await call('POST', `${scheduler}/dead-jobs/${randomUUID()}/retry`, 404, admin);
    await call('POST', `${scheduler}/dead-jobs/not-a-job/retry`, 400, admin);
    await call('POST', `${scheduler}/dead-jobs/${randomUUID()}/retry`, 403, player);
    await call('POST', `${scheduler}/dead-jobs/${randomUUID()}/retry`, 401);
  });

  it('refuses what breaks a rule of a service, in the service and in the document', async () => {
    // A version-0 UUID: `format: uuid` admits it, the services (zod's z.uuid()) do not.
    const v0 = '00000000-0000-0000-0000-000000000001';
    const player = { token: playerToken };
    const register = { email: 'rules@example.com', display_name: 'Rules', password };
    await refused('POST', '/api/v1/players', { body: { ...register, email: 'rules@example.c' } });
    await refused('POST', '/api/v1/players', { body: { ...register, display_name: 'No <b>' } });
    await refused('POST', '/api/v1/players', {
      body: { ...register, password: 'a bell \u0007 in a password' },
    });
    await refused('PATCH', '/api/v1/players/me', { ...player, body: { display_name: '-dash' } });
    await refused('GET', `/api/v1/players/${v0}`, { token: adminToken });
    await refused('PUT', `/api/v1/players/${v0}/role`, { token: adminToken, body: { role: 'player' } });

    await refused('GET', '/api/v1/wallet/transactions?cursor=', player);
    await refused('GET', '/api/v1/wallet/transactions?cursor=0', player);
    const deposit = (body: object, key: string = randomUUID()) => ({
      token: adminToken,
      headers: { 'idempotency-key': key },
      body,
    });
    await refused('POST', '/api/v1/wallet/deposits', deposit({ player_id: v0, amount: '1.00' }));
    await refused('POST', '/api/v1/wallet/deposits', deposit({ player_id: playerId, amount: '0.001' }));
    await refused('POST', '/api/v1/wallet/deposits', deposit({ player_id: playerId, amount: 0.001 }));
    await refused('POST', '/api/v1/wallet/deposits', deposit({ player_id: playerId, amount: '1000000.01' }));
    await refused('POST', '/api/v1/wallet/deposits', deposit({ player_id: playerId, amount: '1.00' }, 'a b'));

    await refused('GET', '/api/v1/casino/rounds?cursor=', player);
    await refused('GET', `/api/v1/casino/rounds/${v0}`, player);
    await refused('GET', `/api/v1/casino/rounds/${v0}/verification`, player);
    await refused('POST', `/api/v1/casino/rounds/${v0}/actions`, { ...player, body: { action: 'stand' } });
    const flip = '/api/v1/casino/games/coin-flip/rounds';
    const heads = { side: 'heads' };
    await refused('POST', flip, { ...player, body: { stake: '0.09', bet: heads } });
    await refused('POST', flip, { ...player, body: { stake: 0.05, bet: heads } });
    await refused('POST', flip, { ...player, body: { stake: '1000.01', bet: heads } });
    await refused('POST', flip, { ...player, body: { stake: '1.00', bet: { side: 'edge' } } });
    const verify = {
      game: 'coin-flip',
      server_seed: 'a'.repeat(64),
      client_seed: 'seed',
      nonce: 0,
      bet: heads,
    };
    await refused('POST', '/api/v1/casino/verify', { ...player, body: { ...verify, client_seed: '' } });
    await refused('POST', '/api/v1/casino/verify', { ...player, body: { ...verify, nonce: 2 ** 31 } });
    const actions = Array<string>(33).fill('hit');
    await refused('POST', '/api/v1/casino/verify', { ...player, body: { ...verify, actions } });
    await refused('POST', '/api/v1/casino/verify', { ...player, body: { ...verify, bet: { side: 'edge' } } });

    await refused('POST', '/api/v1/events', { ...player, body: { type: '' } });
    await refused('POST', '/api/v1/events', { ...player, body: { type: 'constructor' } });
    await refused('POST', '/api/v1/events', { ...player, body: { type: 'session.started', data: {} } });
    await refused('POST', '/api/v1/events', { ...player, body: { type: 'client.tap', id: v0 } });
    await refused('POST', '/api/v1/events', { ...player, body: { type: 'client.tap', data: { Tap: 1 } } });
    const spaced = new Date().toISOString().replace('T', ' ');
    await refused('POST', '/api/v1/events', { ...player, body: { type: 'client.tap', occurred_at: spaced } });
    await refused('GET', `/api/v1/leaderboards/players/${v0}`, player);

    const dex = `${POKEMON}/species`;
    await refused('GET', `${dex}?limit=101`, player);
    await refused('GET', `${dex}?generation=0`, player);
    await refused('GET', `${dex}?generation=1.5`, player);
    await refused('GET', `${dex}?q=${'x'.repeat(41)}`, player);
    await refused('GET', `${dex}?tier=${'x'.repeat(21)}`, player);
    await refused('GET', `${dex}?cursor=`, player);
    await refused('GET', `${dex}/mr.mime`, player);
    await refused('GET', `${dex}/${'a'.repeat(41)}`, player);
    await refused('GET', `${POKEMON}/moves?category=Specia`, player);
    await refused('GET', `${POKEMON}/moves?cursor=${'x'.repeat(101)}`, player);
    await refused('GET', `${POKEMON}/moves/thunder_bolt`, player);
    await refused('GET', `${POKEMON}/ratings/gen8ou`, player);
    await refused('GET', `${POKEMON}/ratings/gen9ou?limit=0`, player);
    await refused('GET', `${POKEMON}/trainers/${v0}`, player);
    await refused('PUT', `${POKEMON}/trainers/me`, { ...player, body: { name: 'A' } });
    await refused('PUT', `${POKEMON}/trainers/me`, { ...player, body: { name: 'x'.repeat(25) } });
    await refused('PUT', `${POKEMON}/trainers/me`, { ...player, body: { name: 'Ash!' } });

    const mine = `${POKEMON}/trainers/me/pokemon`;
    const garchomp = SETS[0]!;
    await refused('GET', `${mine}?cursor=`, player);
    await refused('GET', `${mine}?limit=101`, player);
    await refused('GET', `${mine}/${v0}`, player);
    await refused('POST', mine, { ...player, body: { ...garchomp, level: 101 } });
    await refused('POST', mine, { ...player, body: { ...garchomp, level: 99.5 } });
    await refused('POST', mine, { ...player, body: { ...garchomp, evs: { attack: 253 } } });
    await refused('POST', mine, { ...player, body: { ...garchomp, evs: { sp_atk: 4 } } });
    await refused('POST', mine, { ...player, body: { ...garchomp, ivs: { speed: 32 } } });
    await refused('POST', mine, { ...player, body: { ...garchomp, moves: [] } });
    await refused('POST', mine, { ...player, body: { ...garchomp, moves: ['Earthquake', 'x'.repeat(41)] } });
    const five = ['Earthquake', 'Dragon Claw', 'Swords Dance', 'Stone Edge', 'Fire Fang'];
    await refused('POST', mine, { ...player, body: { ...garchomp, moves: five } });
    await refused('POST', mine, { ...player, body: { ...garchomp, nickname: 'x'.repeat(19) } });
    await refused('POST', mine, { ...player, body: { ...garchomp, nickname: '\u{1F409}'.repeat(10) } });
    await refused('POST', mine, { ...player, body: { ...garchomp, nickname: ' ' } });
    await refused('POST', mine, { ...player, body: { ...garchomp, gender: 'N' } });
    await refused('POST', mine, { ...player, body: { ...garchomp, shiny: 1 } });
    await refused('POST', mine, { ...player, body: { ...garchomp, owner: 'me' } });
    // The If-Match is read before the Pokémon is looked for.
    const ifMatch = (value: string) => ({ ...player, headers: { 'if-match': value } });
    await refused('PUT', `${mine}/${randomUUID()}`, { ...ifMatch('v1'), body: garchomp });
    await refused('PUT', `${mine}/${v0}`, { ...ifMatch('*'), body: garchomp });
    await refused('DELETE', `${mine}/${randomUUID()}`, ifMatch('"v1", "v2"'));
    await refused('DELETE', `${mine}/${randomUUID()}`, ifMatch('"v1234567890"'));

    const teams = `${POKEMON}/trainers/me/teams`;
    const team = (body: object) => ({ ...player, body: { name: 'Rules', pokemon: [myPokemon[0]], ...body } });
    await refused('POST', teams, team({ pokemon: [] }));
    await refused('POST', teams, team({ pokemon: Array.from({ length: 7 }, () => randomUUID()) }));
    await refused('POST', teams, team({ pokemon: [myPokemon[0], myPokemon[0]] }));
    await refused('POST', teams, team({ pokemon: [v0] }));
    await refused('POST', teams, team({ format: 'gen8ou' }));
    await refused('POST', teams, team({ name: '' }));
    await refused('POST', teams, team({ name: 'x'.repeat(41) }));
    await refused('GET', `${teams}/${v0}`, player);
    await refused('GET', `${teams}/${v0}/export`, player);
    await refused('PUT', `${teams}/${myTeam}`, { ...ifMatch('*'), body: { name: 'Rules', pokemon: [] } });
    await refused('DELETE', `${teams}/${v0}`, ifMatch('*'));
    const exported = 'Garchomp @ Leftovers\nAbility: Rough Skin\n- Earthquake';
    await refused('POST', `${teams}/import`, { ...player, body: { name: 'Rules', text: '' } });
    await refused('POST', `${teams}/import`, {
      ...player,
      body: { name: 'Rules', text: 'x'.repeat(20_001) },
    });
    await refused('POST', `${teams}/import`, {
      ...player,
      body: { name: 'Rules', text: exported, format: 'Gen 9 OU' },
    });

    const battles = `${POKEMON}/battles`;
    await refused('GET', `${battles}?cursor=`, player);
    await refused('GET', `${battles}/${v0}`, player);
    await refused('GET', `${battles}/${v0}/replay`, player);
    await refused('POST', `${battles}/${v0}/forfeit`, player);
    await refused('POST', battles, { ...player, body: { mode: 'pve', team_id: myTeam } });
    await refused('POST', battles, { ...player, body: { team_id: myTeam } });
    await refused('POST', battles, { ...player, body: { mode: 'ai', team_id: v0 } });
    await refused('POST', battles, {
      ...player,
      body: { mode: 'ai', team_id: myTeam, opponent_id: adminId },
    });
    await refused('POST', battles, { ...player, body: { mode: 'pvp', team_id: myTeam } });
    await refused('POST', battles, {
      ...player,
      body: { mode: 'pvp', team_id: myTeam, opponent_id: adminId, rated: 'yes' },
    });
    await refused('POST', battles, {
      ...player,
      headers: { 'idempotency-key': 'a b' },
      body: { mode: 'ai', team_id: myTeam },
    });
    const somewhere = `${battles}/${randomUUID()}`;
    await refused('POST', `${somewhere}/accept`, { ...player, body: { team_id: 'mine' } });
    await refused('POST', `${somewhere}/accept`, { ...player, body: {} });
    await refused('POST', `${battles}/${v0}/accept`, { ...player, body: { team_id: myTeam } });
    await refused('POST', `${somewhere}/choices`, { ...player, body: { choice: '' } });
    await refused('POST', `${somewhere}/choices`, { ...player, body: { choice: 'move 1'.padEnd(101, ' ') } });
    await refused('POST', `${somewhere}/choices`, { ...player, body: { choice: 'move\t1' } });
    await refused('POST', `${somewhere}/choices`, { ...player, body: { choice: 'attaque 1 é' } });
    await refused('POST', `${somewhere}/choices`, { ...player, body: { choice: 1 } });

    // The scheduler (its admin routes check the role first: these are the admin's).
    const admin = { token: adminToken };
    const tournaments = '/api/v1/tournaments';
    const cup = (body: object) => ({ ...admin, body: { name: 'Rules Cup', ...body } });
    await refused('POST', tournaments, cup({ name: 'ab' }));
    await refused('POST', tournaments, cup({ name: ' ab ' }));
    await refused('POST', tournaments, cup({ name: 'x'.repeat(61) }));
    await refused('POST', tournaments, cup({ name: 'Rules\u0007Cup' }));
    await refused('POST', tournaments, cup({ name: 'Rules \u202eCup' }));
    await refused('POST', tournaments, cup({ format: 'gen8ou' }));
    await refused('POST', tournaments, cup({ kind: 'round-robin' }));
    await refused('POST', tournaments, cup({ max_entrants: 1 }));
    await refused('POST', tournaments, cup({ max_entrants: 65 }));
    await refused('POST', tournaments, cup({ max_entrants: 4.5 }));
    await refused('POST', tournaments, cup({ starts_at: 'tomorrow' }));
    await refused('POST', tournaments, cup({ starts_at: `${new Date().toISOString().slice(0, 16)}Z` }));
    await refused('POST', tournaments, cup({ starts_at: new Date().toISOString().replace('T', ' ') }));
    await refused('POST', tournaments, cup({ prize: '100.00' }));
    await refused('GET', `${tournaments}?limit=101`, player);
    await refused('GET', `${tournaments}?limit=2.5`, player);
    await refused('GET', `${tournaments}?status=paused`, player);
    await refused('GET', `${tournaments}/${v0}`, player);
    const entries = `${tournaments}/${randomUUID()}/entries`;
    await refused('POST', `${tournaments}/${v0}/entries`, { ...player, body: { team_id: myTeam } });
    await refused('POST', entries, { ...player, body: { team_id: v0 } });
    await refused('POST', entries, { ...player, body: {} });
    await refused('POST', entries, { ...player, body: { team_id: myTeam, seed: 1 } });
    await refused('POST', entries, {
      ...player,
      headers: { 'idempotency-key': 'a b' },
      body: { team_id: myTeam },
    });
    const queue = '/api/v1/matchmaking/queue';
    await refused('POST', queue, { ...player, body: { format: 'gen8ou', team_id: myTeam } });
    await refused('POST', queue, { ...player, body: { format: 'gen9ou' } });
    await refused('POST', queue, { ...player, body: { team_id: v0 } });
    await refused('POST', queue, { ...player, body: { team_id: myTeam, rated: false } });
    await refused('POST', queue, {
      ...player,
      headers: { 'idempotency-key': 'k'.repeat(256) },
      body: { team_id: myTeam },
    });
    const today = new Date().toISOString().slice(0, 10);
    const claim = (day: string, key: string) => `/api/v1/challenges/${day}/${key}/claim`;
    await refused('POST', claim(today.replace(/-/g, ''), 'first-win'), player);
    await refused('POST', claim('2026-02-29', 'first-win'), player);
    await refused('POST', claim('2026-13-01', 'first-win'), player);
    await refused('POST', claim(today, 'First-Win'), player);
    await refused('POST', claim(today, 'first_win'), player);
    await refused('POST', claim(today, 'a'.repeat(41)), player);
    await refused('POST', '/api/v1/scheduler/queues/tournament-round/run', admin);
    await refused('POST', '/api/v1/scheduler/queues/dead-jobs/run', admin);
    await refused('POST', '/api/v1/scheduler/queues/Data-Retention/run', admin);
    await refused('GET', '/api/v1/scheduler/dead-jobs?limit=0', admin);
    await refused('GET', '/api/v1/scheduler/dead-jobs?limit=1001', admin);
    await refused('GET', '/api/v1/scheduler/dead-jobs?limit=ten', admin);
    await refused('POST', `/api/v1/scheduler/dead-jobs/${v0}/retry`, admin);
    await refused('POST', '/api/v1/scheduler/dead-jobs/42/retry', admin);
  });

  it('answers 405 with Allow to a documented path called with a method it does not list', async () => {
    const values: Record<string, string> = {
      id: randomUUID(),
      game: 'coin-flip',
      board: 'biggest-win',
      format: DEFAULT_FORMAT,
      day: new Date().toISOString().slice(0, 10),
      key: 'first-win',
      queue: 'data-retention',
    };
    for (const [template, item] of Object.entries(doc.paths)) {
      const documented = Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => m.toUpperCase());
      // HEAD is answered wherever GET is.
      const allow = documented.includes('GET') ? [...documented, 'HEAD'] : documented;
      const path = template.replace(/\{(\w+)\}/g, (_match, name: string) => values[name]!);
      const other = ['PATCH', 'DELETE', 'PUT'].find((m) => !documented.includes(m))!;
      for (const method of ['TRACE', other]) {
        const res = await send(method, path, playerToken);
        if (res.status !== 405)
          throw new Error(`${method} ${path}: expected 405, got ${res.status}: ${res.body}`);
        expect([method, path, res.headers.allow?.split(', ').sort()]).toEqual([method, path, allow.sort()]);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(ajv.validate('openapi#/components/schemas/Problem', JSON.parse(res.body))).toBe(true);
      }
    }
    // A path the document does not describe is left to its upstream: a 404.
    expect((await send('DELETE', '/api/v1/players/me/nothing', playerToken)).status).toBe(404);
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
