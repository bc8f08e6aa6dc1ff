// The fetcher against the PokeAPI double (real HTTP on 127.0.0.1): the circuit breaker opens after
// the configured failures, half-opens after its pause and closes on a success; Retry-After is
// honoured; a 404 is an answer; the cache keeps the network out of repeated reads; and the pokédex
// answers from bundled data while PokeAPI is down.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PokeapiClient, PokeapiError, retryAfterMs } from '../src/data-access/pokeapi-client';
import type { PokeapiClientOptions } from '../src/data-access/pokeapi-client';
import { pokeapiEvolutionChain, pokeapiPokemon, pokeapiSpecies } from '../src/data-access/pokeapi-schema';
import { startPokeapiDouble } from '../src/pokeapi-double/server';
import type { PokeapiDouble } from '../src/pokeapi-double/server';
import type { PokemonUnderTest } from './support';
import { Player, startPokemonUnderTest } from './support';

let double: PokeapiDouble;

beforeAll(async () => {
  double = await startPokeapiDouble();
});

afterAll(async () => {
  await double?.stop();
});

afterEach(() => double.setFault({ kind: 'none' }));

const quiet = { info: () => undefined, warn: () => undefined } as unknown as PokeapiClientOptions['logger'];

function client(overrides: Partial<PokeapiClientOptions> = {}) {
  const registry = new Registry();
  const metrics = {
    requests: new Counter({ name: 'r', help: 'r', labelNames: ['outcome'], registers: [registry] }),
    duration: new Histogram({ name: 'd', help: 'd', labelNames: ['outcome'], registers: [registry] }),
    circuit: new Gauge({ name: 'c', help: 'c', labelNames: ['state'], registers: [registry] }),
  };
  const waits: number[] = [];
  const c = new PokeapiClient({
    baseUrl: double.apiUrl,
    timeoutMs: 1000,
    retries: 0,
    backoffMs: 10,
    maxRetryAfterMs: 5000,
    breaker: {
      volumeThreshold: 3,
      errorThresholdPercentage: 50,
      resetTimeoutMs: 300,
      rollingCountTimeoutMs: 10_000,
    },
    logger: quiet,
    metrics,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    ...overrides,
  });
  const outcomes = async () =>
    Object.fromEntries((await metrics.requests.get()).values.map((v) => [v.labels.outcome, v.value]));
  const circuit = async () =>
    (await metrics.circuit.get()).values.find((v) => v.value === 1)?.labels.state as string | undefined;
  return { c, waits, outcomes, circuit };
}

const served = () => Object.values(double.served).reduce((a, b) => a + b, 0);

describe('the PokeAPI double', () => {
  it('answers what the fetcher reads, in PokeAPI’s shape and names', async () => {
    const { c } = client();
    const species = await c.get('pokemon-species/122', pokeapiSpecies);
    expect(species).toMatchObject({ id: 122, name: 'mr-mime', generation: { name: 'generation-i' } });
    const pokemon = await c.get('pokemon/mr-mime', pokeapiPokemon);
    expect(pokemon.stats.map((s) => s.stat.name)).toEqual([
      'hp',
      'attack',
      'defense',
      'special-attack',
      'special-defense',
      'speed',
    ]);
    const chain = await c.get(species.evolution_chain!.url, pokeapiEvolutionChain);
    expect(chain.chain.species.name).toBe('mime-jr');
    expect(chain.chain.evolves_to.map((l) => l.species.name)).toContain('mr-mime');
    c.shutdown();
  });
});

describe('the circuit breaker', () => {
  it('opens after the configured failures, then fails fast without calling PokeAPI', async () => {
    const { c, outcomes, circuit } = client();
    double.setFault({ kind: 'server_error' });
    for (let i = 0; i < 3; i++) {
      await expect(c.get('pokemon-species/1', pokeapiSpecies)).rejects.toMatchObject({
        outcome: 'server_error',
      });
    }
    expect(c.circuitState).toBe('open');
    expect(await circuit()).toBe('open');
    const before = served();
    await expect(c.get('pokemon-species/1', pokeapiSpecies)).rejects.toMatchObject({
      outcome: 'short_circuited',
    });
    expect(served()).toBe(before);
    expect(await outcomes()).toMatchObject({ server_error: 3, short_circuited: 1 });
    c.shutdown();
  });

  it('half-opens after its pause, and closes when the trial request succeeds', async () => {
    const { c, circuit } = client();
    double.setFault({ kind: 'server_error' });
    for (let i = 0; i < 3; i++) await c.get('pokemon-species/1', pokeapiSpecies).catch(() => undefined);
    expect(c.circuitState).toBe('open');
    await new Promise((r) => setTimeout(r, 400));
    expect(c.circuitState).toBe('half_open');
    expect(await circuit()).toBe('half_open');
    double.setFault({ kind: 'none' });
    await expect(c.get('pokemon-species/1', pokeapiSpecies)).resolves.toMatchObject({ name: 'bulbasaur' });
    expect(c.circuitState).toBe('closed');
    expect(await circuit()).toBe('closed');
    c.shutdown();
  });

  it('opens again when the trial request fails', async () => {
    const { c } = client();
    double.setFault({ kind: 'server_error' });
    for (let i = 0; i < 3; i++) await c.get('pokemon-species/1', pokeapiSpecies).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 400));
    expect(c.circuitState).toBe('half_open');
    await expect(c.get('pokemon-species/1', pokeapiSpecies)).rejects.toMatchObject({
      outcome: 'server_error',
    });
    expect(c.circuitState).toBe('open');
    c.shutdown();
  });

  it('does not count a 404 as a failure, and does not retry it', async () => {
    const { c, outcomes } = client({ retries: 2 });
    for (let i = 0; i < 5; i++) {
      await expect(c.get('pokemon-species/99999', pokeapiSpecies)).rejects.toMatchObject({
        outcome: 'not_found',
      });
    }
    expect(c.circuitState).toBe('closed');
    expect(await outcomes()).toEqual({ not_found: 5 });
    c.shutdown();
  });
});

describe('retries', () => {
  it('waits what Retry-After says after a 429, then succeeds', async () => {
    const { c, waits, outcomes } = client({ retries: 2 });
    double.setFault({ kind: 'rate_limited', retry_after_seconds: 2, remaining: 1 });
    await expect(c.get('pokemon-species/25', pokeapiSpecies)).resolves.toMatchObject({ name: 'pikachu' });
    expect(waits).toEqual([2000]);
    expect(await outcomes()).toEqual({ rate_limited: 1, success: 1 });
    c.shutdown();
  });

  it('gives up at once when Retry-After is longer than it may wait', async () => {
    const { c, waits } = client({ retries: 3, maxRetryAfterMs: 1000 });
    double.setFault({ kind: 'rate_limited', retry_after_seconds: 60 });
    await expect(c.get('pokemon-species/25', pokeapiSpecies)).rejects.toMatchObject({
      outcome: 'rate_limited',
      retryAfterMs: 60_000,
    });
    expect(waits).toEqual([]);
    c.shutdown();
  });

  it('backs off exponentially between retries of a 500, within full jitter', async () => {
    const { c, waits } = client({
      retries: 3,
      backoffMs: 100,
      random: () => 1,
      breaker: {
        volumeThreshold: 10,
        errorThresholdPercentage: 50,
        resetTimeoutMs: 300,
        rollingCountTimeoutMs: 10_000,
      },
    });
    double.setFault({ kind: 'server_error', remaining: 3 });
    await expect(c.get('pokemon-species/4', pokeapiSpecies)).resolves.toMatchObject({ name: 'charmander' });
    expect(waits).toEqual([100, 200, 400]);
    c.shutdown();
  });

  it('times a slow answer out', async () => {
    const { c } = client({ timeoutMs: 100 });
    double.setFault({ kind: 'latency', latency_ms: 500 });
    await expect(c.get('pokemon-species/4', pokeapiSpecies)).rejects.toMatchObject({ outcome: 'timeout' });
    c.shutdown();
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(new PokeapiError('timeout', 'x')).toBeInstanceOf(Error);
  });
});

describe('the pokédex with its fetcher', () => {
  let t: PokemonUnderTest;

  beforeAll(async () => {
    t = await startPokemonUnderTest({
      POKEAPI_CACHE_TTL_SECONDS: '1',
      POKEAPI_BREAKER_VOLUME: '3',
      POKEAPI_RETRIES: '0',
      POKEAPI_WAIT_MS: '1000',
    });
  });

  afterAll(async () => {
    await t?.stop();
  });

  afterEach(() => t.pokeapi.setFault({ kind: 'none' }));

  const pokeapiServed = () => Object.values(t.pokeapi.served).reduce((a, b) => a + b, 0);

  it('serves a second read from the cache, without the network', async () => {
    const p = new Player(t.service);
    const first = await p.call('GET', '/species/bulbasaur');
    expect(first.body.enrichment_status).toBe('fresh');
    const after = pokeapiServed();
    const second = await p.call('GET', '/species/bulbasaur');
    expect(second.body).toMatchObject({ enrichment_status: 'fresh', enrichment: first.body.enrichment });
    expect(pokeapiServed()).toBe(after);
  });

  it('answers from bundled data while PokeAPI is down, and from a stale entry when it has one', async () => {
    const p = new Player(t.service);
    await p.call('GET', '/species/charmander');
    t.pokeapi.setFault({ kind: 'server_error' });
    await new Promise((r) => setTimeout(r, 1100)); // charmander's entry expires
    const stale = await p.call('GET', '/species/charmander');
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({
      enrichment_status: 'stale',
      enrichment: { habitat: expect.any(String) },
    });
    // Enough failures open the circuit (half the requests of its window failed): the next reads do not even try.
    const circuitOpen = async () =>
      /gameday_pokeapi_circuit_state\{state="open"\} 1/.test(
        await fetch(`${t.service.url}/metrics`).then((r) => r.text()),
      );
    const page = await p.call('GET', '/species?generation=1&limit=60');
    const ids = (page.body.items as { id: string }[])
      .map((x) => x.id)
      .filter((id) => !/^(bulbasaur|charmander|eevee)$/.test(id));
    for (const id of ids) {
      if (await circuitOpen()) break;
      expect((await p.call('GET', `/species/${id}`)).body.enrichment_status).toBe('unavailable');
    }
    expect(await circuitOpen()).toBe(true);
    const before = pokeapiServed();
    const down = await p.call('GET', '/species/eevee');
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({ id: 'eevee', enrichment_status: 'unavailable', enrichment: null });
    expect(pokeapiServed()).toBe(before);
    const metrics = await fetch(`${t.service.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/gameday_pokeapi_circuit_state\{state="open"\} 1/);
    expect(metrics).toMatch(/gameday_pokeapi_requests_total\{outcome="short_circuited"\} [1-9]/);
    expect(metrics).toMatch(/gameday_pokedex_enrichment_total\{result="unavailable"\} [1-9]/);
  });
});
