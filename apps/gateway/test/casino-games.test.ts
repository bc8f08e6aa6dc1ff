// The casino as one Deployment per game (seed 003): with CASINO_GAME_URLS, a game's plays go to its
// own upstream and everything else of the casino (the list, rounds, seeds) to CASINO_URL; a game not
// listed falls back to CASINO_URL. A malformed value stops the start, naming the variable.
import { request, startService } from '@gameday/testing';
import type { ServiceProcess } from '@gameday/testing';
import { ed25519, eddsaToken, StandInUpstream } from './support';

const keys = ed25519();
const accounts = new StandInUpstream();
const casino = new StandInUpstream();
const dice = new StandInUpstream();
let gateway: ServiceProcess;
let token: string;

beforeAll(async () => {
  await Promise.all([accounts.start(), casino.start(), dice.start()]);
  gateway = await startService('gateway', {
    env: {
      ACCOUNTS_URL: accounts.url,
      CASINO_URL: casino.url,
      CASINO_GAME_URLS: `dice=${dice.url}`,
      JWT_PUBLIC_KEY: keys.publicPem,
    },
  });
  token = eddsaToken(keys.privateKey);
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([accounts.stop(), casino.stop(), dice.stop()]);
});

test('a listed game’s plays go to its own Deployment', async () => {
  const res = await request(`${gateway.url}/api/v1/casino/games/dice/rounds`, {
    method: 'POST',
    token,
    body: { stake: '1.00', bet: { target: 50, direction: 'under' } },
  });
  expect(res.status).toBe(200);
  expect(dice.requests('/api/v1/casino/games/dice/rounds')).toHaveLength(1);
  expect(casino.requests('/api/v1/casino/games/dice')).toHaveLength(0);
  // The player's identity travels as it does to any upstream.
  expect(dice.requests('/api/v1/casino/games/dice/rounds')[0]!.headers['x-player-id']).toBeDefined();
});

test('other games, the game list and rounds go to CASINO_URL', async () => {
  await request(`${gateway.url}/api/v1/casino/games/coin-flip/rounds`, {
    method: 'POST',
    token,
    body: { stake: '1.00', bet: { side: 'heads' } },
  });
  await request(`${gateway.url}/api/v1/casino/games`, { token });
  await request(`${gateway.url}/api/v1/casino/rounds`, { token });
  expect(casino.requests('/api/v1/casino/games/coin-flip/rounds')).toHaveLength(1);
  expect(casino.requests('/api/v1/casino/games')).toHaveLength(2);
  expect(casino.requests('/api/v1/casino/rounds')).toHaveLength(1);
  expect(dice.requests('/api/v1/casino/games/coin-flip')).toHaveLength(0);
});

test.each([
  ['dice', /CASINO_GAME_URLS.*"dice": expected <game>=<url>/],
  [
    'poker=http://127.0.0.1:1',
    /CASINO_GAME_URLS.*"poker=http:\/\/127\.0\.0\.1:1": expected <game>=<url> with a game of coin-flip/,
  ],
  ['dice=ftp://x', /CASINO_GAME_URLS.*dice: "ftp:\/\/x" is not an http:\/\/ or https:\/\/ URL/],
])('CASINO_GAME_URLS=%s stops the start naming the variable', async (value, message) => {
  const bad = await startService('gateway', {
    env: {
      ACCOUNTS_URL: accounts.url,
      CASINO_URL: casino.url,
      CASINO_GAME_URLS: value,
      JWT_PUBLIC_KEY: keys.publicPem,
    },
    waitFor: 'none',
  });
  expect(await bad.exited()).toBe(1);
  const logged = bad.stderr
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { message: string }).message)
    .join('\n');
  expect(logged).toMatch(message);
});
