// A little background load for the local stack (ARCHITECTURE.md §6), so the SLIs and the burn rates that
// `npm start` shows have data: one player journey at a few requests per second through the gateway
// (register once, log in, read and update the profile, top up the wallet as an admin, play a few
// casino games, read the history). Bounded: it stops by itself after
// LOAD_MAX_SECONDS, and on SIGTERM. k6 scenarios replace it with the load issue; this keeps to
// loopback and to a rate no one notices.
import { request as httpRequest } from 'node:http';
import { REFERENCE_BETS, REFERENCE_STAKE } from '@gameday/casino/contract';
import type { GameId } from '@gameday/casino/contract';

const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080';
/**
 * The address the load sends from (LOAD_SOURCE_ADDRESS): another loopback address than a person's
 * curl or browser (127.0.0.1), so the gateway's per-address rate limit counts them apart.
 */
const sourceAddress = process.env.LOAD_SOURCE_ADDRESS || undefined;
const rps = Number(process.env.LOAD_RPS ?? 4);
const maxSeconds = Number(process.env.LOAD_MAX_SECONDS ?? 12 * 3600);
if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(gateway)) {
  process.stderr.write(`GATEWAY_URL must be a loopback http URL, got "${gateway}"\n`);
  process.exit(2);
}
if (!(rps > 0 && rps <= 50)) {
  process.stderr.write(`LOAD_RPS must be between 0 and 50, got "${process.env.LOAD_RPS}"\n`);
  process.exit(2);
}

// The stack lists this address in ACCOUNTS_ADMIN_EMAILS: the load deposits its own play money.
const LOAD_EMAIL = 'background-load@gameday.local';
const email = LOAD_EMAIL;
// nosemgrep: gameday.hardcoded-secret -- the local stack's synthetic background-load player
const password = 'background load password';
let token = '';
let playerId = '';
/** Instant games (one request a round), each played with the casino's reference bet. */
const GAMES: readonly GameId[] = ['coin-flip', 'dice', 'roulette', 'slots', 'plinko', 'wheel'];
const counts = new Map<string, number>();
let stopping = false;

function log(message: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(
    `${JSON.stringify({ timestamp: new Date().toISOString(), level: 'info', message, service: 'load', ...extra })}\n`,
  );
}

interface Answer {
  status: number;
  json(): unknown;
}

/** One HTTP request from `sourceAddress`, answered within 5 s. */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      gateway + path,
      { method, headers, localAddress: sourceAddress, timeout: 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, json: () => JSON.parse(text) as unknown });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('TimeoutError')));
    req.on('error', reject);
    req.end(body);
  });
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  auth = true,
  extraHeaders: Record<string, string> = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (auth && token) headers.authorization = `Bearer ${token}`;
  const res = await send(method, path, headers, body === undefined ? undefined : JSON.stringify(body));
  const key = `${method} ${path.replace(/\/[0-9a-f-]{36}/, '/:id').replace(/\?.*$/, '')} ${res.status}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return res;
}

async function login(): Promise<void> {
  await call('POST', '/api/v1/players', { email, display_name: 'Background Load', password }, false);
  const res = await send(
    'POST',
    '/api/v1/players/login',
    { 'content-type': 'application/json' },
    JSON.stringify({ email, password }),
  );
  const json = res.json() as { access_token?: string };
  token = json.access_token ?? '';
  if (token && !playerId) {
    const me = await send('GET', '/api/v1/players/me', { authorization: `Bearer ${token}` });
    playerId = (me.json() as { id?: string }).id ?? '';
  }
}

/** Tops the wallet up when it runs low (the load's player is an admin of the local stack). */
async function topUp(): Promise<void> {
  if (!playerId) return;
  await call('POST', '/api/v1/wallet/deposits', { player_id: playerId, amount: '1000.00' }, true, {
    'idempotency-key': `background-load-${Date.now()}`,
  });
}

async function step(i: number): Promise<void> {
  // A login every ~25 s at the default rate keeps the login SLI fed.
  if (!token || i % 100 === 0) await login();
  const roll = i % 20;
  let res: Answer;
  if (roll === 0)
    res = await call('PATCH', '/api/v1/players/me', { display_name: `Background Load ${i % 7}` });
  else if (roll === 1) res = await call('GET', '/api/v1/openapi.json', undefined, false);
  else if (roll === 2) res = await call('GET', '/api/v1/nothing-here');
  else if (roll === 3) res = await call('GET', '/api/v1/wallet');
  else if (roll === 4) res = await call('GET', '/api/v1/casino/rounds?limit=5');
  else if (roll < 12) {
    const game = GAMES[i % GAMES.length]!;
    const bet = REFERENCE_BETS[game];
    res = await call('POST', `/api/v1/casino/games/${game}/rounds`, { stake: REFERENCE_STAKE, bet });
    if (res.status === 422) await topUp();
  } else res = await call('GET', '/api/v1/players/me');
  if (res.status === 401) token = '';
}

async function main(): Promise<void> {
  const started = Date.now();
  const interval = 1000 / rps;
  let lastReport = started;
  log('background load started', { gateway, rps, max_seconds: maxSeconds });
  for (let i = 0; !stopping && Date.now() - started < maxSeconds * 1000; i++) {
    const t = Date.now();
    try {
      await step(i);
    } catch (err) {
      const key = `error ${(err as Error).name}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    if (Date.now() - lastReport > 60_000) {
      log('background load', { requests: Object.fromEntries(counts) });
      counts.clear();
      lastReport = Date.now();
    }
    await new Promise((r) => setTimeout(r, Math.max(0, interval - (Date.now() - t))));
  }
  log('background load stopped', { after_seconds: Math.round((Date.now() - started) / 1000) });
}

process.on('SIGTERM', () => {
  stopping = true;
});
process.on('SIGINT', () => {
  stopping = true;
});
void main();
