// The fetcher's enrichment of the pokédex: flavour text, habitat, evolution chain and sprite URLs
// from PokeAPI, cached in PostgreSQL with a TTL. A species page never waits long for PokeAPI: it
// answers from the cache (fresh, or stale while a refresh runs) and otherwise waits at most a short
// budget for the fetch before answering from the bundled data alone ("enrichment_status":
// "unavailable"); the fetch goes on and fills the cache for the next reader.
import type { Pool } from 'pg';
import type { Counter } from 'prom-client';
import { trace } from '@opentelemetry/api';
import type { Logger } from '@gameday/telemetry';
import type { Specie } from '@pkmn/data';
import { PokeapiError } from '../data-access/pokeapi-client';
import type { PokeapiClient } from '../data-access/pokeapi-client';
import { pokeapiEvolutionChain, pokeapiPokemon, pokeapiSpecies } from '../data-access/pokeapi-schema';
import type { ChainLink } from '../data-access/pokeapi-schema';

export interface SpeciesEnrichment {
  flavor_text: string | null;
  habitat: string | null;
  /** Every species of the evolution family, in order (PokeAPI's names). */
  evolution_chain: string[];
  sprites: { front_default: string | null; front_shiny: string | null; official_artwork: string | null };
  source: string;
  fetched_at: string;
}

/** fresh: from a cache entry within its TTL; stale: an expired entry (a refresh is under way). */
export type EnrichmentStatus = 'fresh' | 'stale' | 'unavailable' | 'not_found' | 'disabled';

export interface Enrichment {
  enrichment: SpeciesEnrichment | null;
  enrichment_status: EnrichmentStatus;
}

export interface Enricher {
  enrich(species: Pick<Specie, 'num' | 'name'>): Promise<Enrichment>;
}

export interface PokeapiEnricherOptions {
  pool: Pool;
  client: PokeapiClient;
  baseUrl: string;
  ttlSeconds: number;
  /** How long a species page waits for a fetch before answering without it. */
  waitMs: number;
  logger: Logger;
  results: Counter<'result'>;
}

interface CacheRow {
  data: SpeciesEnrichment | null;
  not_found: boolean;
  fresh: boolean;
}

const tracer = trace.getTracer('gameday-pokemon');

export class PokeapiEnricher implements Enricher {
  private readonly inFlight = new Map<number, Promise<SpeciesEnrichment | null>>();

  constructor(private readonly o: PokeapiEnricherOptions) {}

  async enrich(species: Pick<Specie, 'num' | 'name'>): Promise<Enrichment> {
    const cached = await this.cached(species.num);
    if (cached?.fresh) return this.answer(cached.not_found ? 'not_found' : 'fresh', cached.data);
    if (cached) {
      // Expired: answer what the cache has now, and refresh it for the next reader.
      this.refresh(species.num).catch(() => undefined);
      return this.answer(cached.not_found ? 'not_found' : 'stale', cached.data);
    }
    // Never fetched: wait a little for PokeAPI, then answer from the bundled data alone.
    const refresh = this.refresh(species.num);
    const outcome = await Promise.race([
      refresh.then(
        (data) => ({ data }),
        () => ({ failed: true as const }),
      ),
      new Promise<{ waited: true }>((resolve) =>
        setTimeout(() => resolve({ waited: true }), this.o.waitMs).unref(),
      ),
    ]);
    if ('data' in outcome) return this.answer(outcome.data ? 'fresh' : 'not_found', outcome.data);
    return this.answer('unavailable', null);
  }

  private answer(status: EnrichmentStatus, data: SpeciesEnrichment | null): Enrichment {
    this.o.results.inc({ result: status });
    return { enrichment: data, enrichment_status: status };
  }

  private async cached(num: number): Promise<CacheRow | undefined> {
    const { rows } = await this.o.pool.query<CacheRow>(
      'SELECT data, not_found, expires_at > now() AS fresh FROM species_enrichment WHERE national_number = $1',
      [num],
    );
    return rows[0];
  }

  /** Fetches a species from PokeAPI into the cache (one fetch per species at a time). */
  refresh(num: number): Promise<SpeciesEnrichment | null> {
    let running = this.inFlight.get(num);
    if (!running) {
      running = this.fetchAndStore(num).finally(() => this.inFlight.delete(num));
      // The caller may stop waiting: a failure is logged here, never left unhandled.
      running.catch((err: unknown) =>
        this.o.logger.warn('PokeAPI enrichment failed: the pokédex answers from its bundled data', {
          national_number: num,
          error: err instanceof Error ? err.message : String(err),
        }),
      );
      this.inFlight.set(num, running);
    }
    return running;
  }

  private async fetchAndStore(num: number): Promise<SpeciesEnrichment | null> {
    return tracer.startActiveSpan('pokeapi.enrich', async (span) => {
      span.setAttribute('gameday.pokedex.national_number', num);
      try {
        const data = await this.fetch(num);
        await this.o.pool.query(
          `INSERT INTO species_enrichment (national_number, data, not_found, fetched_at, expires_at)
           VALUES ($1, $2, $3, now(), now() + make_interval(secs => $4))
           ON CONFLICT (national_number) DO UPDATE
             SET data = EXCLUDED.data, not_found = EXCLUDED.not_found, fetched_at = now(), expires_at = EXCLUDED.expires_at`,
          [num, data ? JSON.stringify(data) : null, data === null, this.o.ttlSeconds],
        );
        return data;
      } finally {
        span.end();
      }
    });
  }

  private async fetch(num: number): Promise<SpeciesEnrichment | null> {
    try {
      const species = await this.o.client.get(`pokemon-species/${num}`, pokeapiSpecies);
      const [pokemon, chain] = await Promise.all([
        this.o.client.get(`pokemon/${num}`, pokeapiPokemon),
        species.evolution_chain
          ? this.o.client.get(species.evolution_chain.url, pokeapiEvolutionChain)
          : undefined,
      ]);
      const english = species.flavor_text_entries.filter((e) => e.language.name === 'en');
      const flavour = english[english.length - 1]?.flavor_text
        .replace(/[\f\n\r\u00ad]+/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      return {
        flavor_text: flavour ?? null,
        habitat: species.habitat?.name ?? null,
        evolution_chain: chain ? flatten(chain.chain) : [species.name],
        sprites: {
          front_default: pokemon.sprites.front_default,
          front_shiny: pokemon.sprites.front_shiny,
          official_artwork: pokemon.sprites.other?.['official-artwork']?.front_default ?? null,
        },
        source: this.o.baseUrl,
        fetched_at: new Date().toISOString(),
      };
    } catch (err) {
      if (err instanceof PokeapiError && err.outcome === 'not_found') return null;
      throw err;
    }
  }

  /** Refreshes the cache entries that expired (the scheduler's fetcher-refresh job). */
  async refreshExpired(limit: number): Promise<{ refreshed: number; failed: number }> {
    const { rows } = await this.o.pool.query<{ national_number: number }>(
      'SELECT national_number FROM species_enrichment WHERE expires_at <= now() ORDER BY expires_at LIMIT $1',
      [limit],
    );
    let refreshed = 0;
    let failed = 0;
    for (const r of rows) {
      try {
        await this.refresh(r.national_number);
        refreshed++;
      } catch {
        failed++;
      }
    }
    return { refreshed, failed };
  }
}

function flatten(link: ChainLink): string[] {
  return [link.species.name, ...link.evolves_to.flatMap(flatten)];
}

/** The enricher when no PokeAPI is configured (POKEAPI_URL=off): bundled data only. */
export const disabledEnricher: Enricher = {
  enrich: () => Promise.resolve({ enrichment: null, enrichment_status: 'disabled' }),
};
