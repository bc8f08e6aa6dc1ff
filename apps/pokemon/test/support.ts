// What the pokemon tests share: a real PostgreSQL, the PokeAPI double, the service as a process, and
// small helpers that act as a player behind the gateway (X-Player-Id / X-Player-Role).
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { request, startPostgres, startService } from '@gameday/testing';
import type { HttpResponse, ServiceProcess, TestPostgres } from '@gameday/testing';
import { REFERENCE_SETS } from '../src/contract';
import { startPokeapiDouble } from '../src/pokeapi-double/server';
import type { PokeapiDouble } from '../src/pokeapi-double/server';

export type Json = Record<string, unknown>;
export const P = '/api/v1/pokemon';

export interface PokemonUnderTest {
  pg: TestPostgres;
  pokeapi: PokeapiDouble;
  db: Client;
  env: Record<string, string>;
  service: ServiceProcess;
  start(extra?: Record<string, string>): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export async function startPokemonUnderTest(extra: Record<string, string> = {}): Promise<PokemonUnderTest> {
  const pg = await startPostgres();
  await pg.createDatabase('pokemon');
  const pokeapi = await startPokeapiDouble();
  const env = {
    DATABASE_URL: pg.url('pokemon'),
    POKEAPI_URL: pokeapi.apiUrl,
    POKEAPI_BACKOFF_MS: '10',
    POKEAPI_WAIT_MS: '2000',
    ...extra,
  };
  const processes: ServiceProcess[] = [];
  const start = async (more: Record<string, string> = {}) => {
    const p = await startService('pokemon', { env: { ...env, ...more } });
    processes.push(p);
    return p;
  };
  const service = await start();
  const db = new Client({ connectionString: pg.url('pokemon') });
  await db.connect();
  return {
    pg,
    pokeapi,
    db,
    env,
    service,
    start,
    async stop() {
      await db.end().catch(() => undefined);
      for (const p of processes) await p.stop().catch(() => undefined);
      await pokeapi.stop();
      await pg.destroy();
    },
  };
}

/** A player as the gateway vouches for them. */
export class Player {
  readonly id = randomUUID();
  constructor(public service: ServiceProcess) {}

  call<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse<T>> {
    return request<T>(`${this.service.url}${path.startsWith('/api') ? path : P + path}`, {
      method,
      body,
      headers: { 'x-player-id': this.id, 'x-player-role': 'player', ...headers },
    });
  }

  async pokemon(body: Json): Promise<Json> {
    const res = await this.call('POST', '/trainers/me/pokemon', body);
    if (res.status !== 201) throw new Error(`creating a Pokémon answered ${res.status}: ${res.text}`);
    return res.body;
  }

  /** A legal OU team of `n` (distinct species). */
  async team(n = 3, format = 'gen9ou'): Promise<Json> {
    const ids: string[] = [];
    for (const set of OU_SETS.slice(0, n)) ids.push(String((await this.pokemon(set)).id));
    const res = await this.call('POST', '/trainers/me/teams', { name: `Team ${n}`, format, pokemon: ids });
    if (res.status !== 201) throw new Error(`creating a team answered ${res.status}: ${res.text}`);
    return res.body;
  }
}

/** Sets legal in gen9ou (and gen9anythinggoes): the contract's reference sets. */
export const OU_SETS: Json[] = REFERENCE_SETS.map((s) => ({ ...s }) as Json);

/** Plays a battle between two players to the end, each always sending `default` (first legal move). */
export async function playOut(a: Player, b: Player, battleId: string, maxRequests = 2000): Promise<Json> {
  let last: Json = {};
  for (let i = 0; i < maxRequests; i++) {
    const view = (await a.call('GET', `/battles/${battleId}`)).body;
    if (view.status === 'finished') return view;
    const waiting = view.waiting_for as string[];
    for (const side of waiting) {
      const who = side === view.your_side ? a : b;
      const res = await who.call('POST', `/battles/${battleId}/choices`, { choice: 'default' });
      if (res.status !== 200) throw new Error(`choice answered ${res.status}: ${res.text}`);
      last = res.body;
    }
    if (!waiting.length) await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`battle ${battleId} did not finish: ${JSON.stringify(last).slice(0, 300)}`);
}
