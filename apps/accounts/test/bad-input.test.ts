// Bad input gets the right 4xx problem+json and changes nothing.
import { Client } from 'pg';
import { request, startPostgres, startService } from '@gameday/testing';
import type { ServiceProcess, TestPostgres } from '@gameday/testing';

let pg: TestPostgres;
let accounts: ServiceProcess;
let db: Client;
let ann: { id: string };

beforeAll(async () => {
  pg = await startPostgres();
  await pg.createDatabase('accounts');
  accounts = await startService('accounts', {
    env: { DATABASE_URL: pg.url('accounts'), BODY_LIMIT: '16kb' },
  });
  db = new Client({ connectionString: pg.url('accounts') });
  await db.connect();
  const res = await request<{ id: string }>(`${accounts.url}/api/v1/players`, {
    body: { email: 'ann@example.com', display_name: 'Ann', password: 'a long enough password' },
  });
  ann = res.body;
});

afterAll(async () => {
  await db?.end();
  await accounts?.stop();
  await pg?.destroy();
});

/** A fingerprint of the whole players table: any change to any row changes it. */
async function snapshot(): Promise<string> {
  const { rows } = await db.query(
    'SELECT id, email, display_name, role, password_hash, updated_at FROM players ORDER BY id',
  );
  return JSON.stringify(rows);
}

const me = () => ({ 'x-player-id': ann.id, 'x-player-role': 'player' });
const valid = { email: 'new@example.com', display_name: 'Newcomer', password: 'a long enough password' };

const hostile: [string, string][] = [
  ['SQL injection', "x'); DROP TABLE players; --"],
  ['a quote-terminated OR', "' OR '1'='1"],
  ['a NUL byte', 'abc\u0000def'],
  ['an escape sequence', 'abc\u001b[31mred'],
  ['a newline', 'line\nbreak'],
  ['a bidi override', 'abc\u202Egnp.exe'],
  ['long unicode', '🎲'.repeat(300)],
  ['long combining text', 'e\u0301'.repeat(200)],
];

interface Case {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body: unknown;
  status: number;
  field?: string;
}

const cases: Case[] = [
  ...hostile.flatMap(([what, value]): Case[] => [
    {
      name: `register: ${what} in email`,
      method: 'POST',
      path: '/api/v1/players',
      body: { ...valid, email: value },
      status: 400,
      field: 'email',
    },
    {
      name: `register: ${what} in display_name`,
      method: 'POST',
      path: '/api/v1/players',
      body: { ...valid, display_name: value },
      status: 400,
      field: 'display_name',
    },
    {
      name: `profile: ${what} in display_name`,
      method: 'PATCH',
      path: '/api/v1/players/me',
      body: { display_name: value },
      status: 400,
      field: 'display_name',
    },
    {
      name: `login: ${what} in email`,
      method: 'POST',
      path: '/api/v1/players/login',
      body: { email: value, password: 'whatever it is' },
      status: 400,
      field: 'email',
    },
  ]),
  // Passwords may contain quotes and long text, but never control characters, and never exceed 128.
  {
    name: 'register: control character in password',
    method: 'POST',
    path: '/api/v1/players',
    body: { ...valid, password: 'abcdefghijkl\u0000m' },
    status: 400,
    field: 'password',
  },
  {
    name: 'register: long unicode password',
    method: 'POST',
    path: '/api/v1/players',
    body: { ...valid, password: '🎲'.repeat(129) },
    status: 400,
    field: 'password',
  },
  {
    name: 'register: short password',
    method: 'POST',
    path: '/api/v1/players',
    body: { ...valid, password: 'short' },
    status: 400,
    field: 'password',
  },
  {
    name: 'register: unknown field',
    method: 'POST',
    path: '/api/v1/players',
    body: { ...valid, role: 'admin' },
    status: 400,
    field: 'role',
  },
  {
    name: 'register: missing field',
    method: 'POST',
    path: '/api/v1/players',
    body: { email: 'a@example.com', password: 'a long enough password' },
    status: 400,
    field: 'display_name',
  },
  {
    name: 'register: wrong type',
    method: 'POST',
    path: '/api/v1/players',
    body: { ...valid, display_name: 42 },
    status: 400,
    field: 'display_name',
  },
  { name: 'register: array body', method: 'POST', path: '/api/v1/players', body: [valid], status: 400 },
  {
    name: 'profile: unknown field',
    method: 'PATCH',
    path: '/api/v1/players/me',
    body: { email: 'evil@example.com' },
    status: 400,
    field: 'email',
  },
  {
    name: 'role: not a uuid',
    method: 'PUT',
    path: '/api/v1/players/1%27%20OR%201=1/role',
    headers: { 'x-player-id': '00000000-0000-4000-8000-000000000001', 'x-player-role': 'admin' },
    body: { role: 'admin' },
    status: 400,
    field: 'id',
  },
  {
    name: 'role: unknown role',
    method: 'PUT',
    path: '/api/v1/players/00000000-0000-4000-8000-000000000001/role',
    headers: { 'x-player-id': '00000000-0000-4000-8000-000000000001', 'x-player-role': 'admin' },
    body: { role: 'root' },
    status: 400,
    field: 'role',
  },
  {
    name: 'forged identity header',
    method: 'GET',
    path: '/api/v1/players/me',
    headers: { 'x-player-id': "' OR 1=1 --", 'x-player-role': 'player' },
    body: undefined,
    status: 401,
  },
];

describe('bad input changes nothing', () => {
  it.each(cases)('$name → $status', async (c) => {
    const before = await snapshot();
    const res = await request(`${accounts.url}${c.path}`, {
      method: c.method,
      headers: { ...me(), ...c.headers },
      body: c.body,
    });
    expect(res.status).toBe(c.status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: c.status,
      title: expect.any(String),
      detail: expect.any(String),
      instance: expect.any(String),
    });
    if (c.field) {
      expect(res.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: c.field, pointer: `/${c.field}` })]),
      );
    }
    expect(await snapshot()).toBe(before);
  });

  it('malformed JSON → 400 naming the problem', async () => {
    const before = await snapshot();
    const res = await request(`${accounts.url}/api/v1/players`, {
      body: '{"email": "a@example.com",',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'https://gameday.dev/problems/malformed-json' });
    expect(await snapshot()).toBe(before);
  });

  it('a wrong content type → 415', async () => {
    const before = await snapshot();
    const res = await request(`${accounts.url}/api/v1/players`, {
      body: 'email=a@example.com&display_name=A&password=aaaaaaaaaaaaaa',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await snapshot()).toBe(before);
  });

  it('an oversize body → 413', async () => {
    const before = await snapshot();
    const res = await request(`${accounts.url}/api/v1/players`, {
      body: { ...valid, padding: 'x'.repeat(20_000) },
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413, type: 'https://gameday.dev/problems/payload-too-large' });
    expect(await snapshot()).toBe(before);
  });

  it('no bad input produced a 5xx or an error log line', () => {
    expect(accounts.logs.filter((l) => l.level === 'error')).toEqual([]);
  });
});
