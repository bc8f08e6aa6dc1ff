// A faithful stand-in for PokeAPI (https://pokeapi.co/api/v2) on 127.0.0.1, for the local stack and
// the tests (the public API is not reachable here, and a test must not depend on it). Its answers
// are PokeAPI-shaped JSON built from @pkmn/dex: national dex ids, PokeAPI's names ("mr-mime"), its
// stat names ("special-attack") and resource URLs that point back at the double. It serves the three
// resources the fetcher reads (pokemon-species, pokemon, evolution-chain) and, for chaos and tests,
// switchable faults: 404, 429 with Retry-After, 500, added latency.
//
//   PUT    /__faults  {"kind": "server_error" | "rate_limited" | "not_found" | "latency" | "none",
//                      "latency_ms"?: n, "retry_after_seconds"?: n, "count"?: n}
//   GET    /__faults  the fault in force and the requests served by outcome
//   DELETE /__faults  back to normal
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Dex } from '@pkmn/dex';
import type { Species } from '@pkmn/dex';

export type FaultKind = 'none' | 'server_error' | 'rate_limited' | 'not_found' | 'latency';

export interface Fault {
  kind: FaultKind;
  latency_ms: number;
  retry_after_seconds: number;
  /** Requests left that get the fault (then it switches itself off); null: until changed. */
  remaining: number | null;
}

export interface PokeapiDouble {
  url: string;
  /** The base URL the fetcher is configured with (`<url>/api/v2`). */
  apiUrl: string;
  port: number;
  setFault(fault: Partial<Fault> & { kind: FaultKind }): void;
  /** Requests answered so far, by status. */
  readonly served: Record<string, number>;
  stop(): Promise<void>;
}

const NONE: Fault = { kind: 'none', latency_ms: 0, retry_after_seconds: 1, remaining: null };
const ROMAN = ['', 'i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix'];
const STAT_NAMES: Record<string, string> = {
  hp: 'hp',
  atk: 'attack',
  def: 'defense',
  spa: 'special-attack',
  spd: 'special-defense',
  spe: 'speed',
};
const HABITATS = [
  'grassland',
  'forest',
  'waters-edge',
  'sea',
  'cave',
  'mountain',
  'rough-terrain',
  'urban',
  'rare',
];
const SPRITES = 'https://raw.githubusercontent.com/PokeAPI/sprites/master/sprites/pokemon';

/** PokeAPI's name of a species ("Mr. Mime" → "mr-mime", "Farfetch’d" → "farfetchd"). */
export function pokeapiName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[’'.:]/g, '')
    .replace(/é/g, 'e')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Every base species with a national number, by number and by PokeAPI name. */
function index(): { byNum: Map<number, Species>; byName: Map<string, Species> } {
  const byNum = new Map<number, Species>();
  for (const s of Dex.species.all()) {
    if (s.num < 1 || s.name !== s.baseSpecies || !s.exists) continue;
    const known = byNum.get(s.num);
    if (!known || (known.isNonstandard && !s.isNonstandard)) byNum.set(s.num, s);
  }
  const byName = new Map<string, Species>();
  for (const s of byNum.values()) byName.set(pokeapiName(s.name), s);
  return { byNum, byName };
}

export async function startPokeapiDouble(
  options: { port?: number; host?: string } = {},
): Promise<PokeapiDouble> {
  const { byNum, byName } = index();
  let fault: Fault = { ...NONE };
  const served: Record<string, number> = {};
  let base = '';

  const find = (key: string) => (/^\d+$/.test(key) ? byNum.get(Number(key)) : byName.get(key));
  const resource = (kind: string, s: Species) => ({
    name: pokeapiName(s.name),
    url: `${base}/api/v2/${kind}/${s.num}/`,
  });
  const root = (s: Species): Species => {
    let current = s;
    for (let i = 0; i < 5 && current.prevo; i++) {
      const prevo = Dex.species.get(current.prevo);
      if (!prevo.exists || prevo.num < 1) break;
      current = byNum.get(prevo.num) ?? prevo;
    }
    return current;
  };
  const chainOf = (s: Species): unknown => ({
    is_baby: false,
    species: resource('pokemon-species', s),
    evolution_details: [],
    evolves_to: (s.evos ?? [])
      .map((e) => Dex.species.get(e))
      .filter((e) => e.exists && e.num >= 1 && e.name === e.baseSpecies)
      .map(chainOf),
  });

  const routes: [RegExp, (m: RegExpExecArray) => unknown][] = [
    [
      /^\/api\/v2\/pokemon-species\/([a-z0-9-]+)\/?$/,
      (m) => {
        const s = find(m[1]!);
        if (!s) return undefined;
        return {
          id: s.num,
          name: pokeapiName(s.name),
          order: s.num,
          generation: {
            name: `generation-${ROMAN[s.gen] ?? 'ix'}`,
            url: `${base}/api/v2/generation/${s.gen}/`,
          },
          habitat:
            s.num <= 386
              ? {
                  name: HABITATS[s.num % HABITATS.length]!,
                  url: `${base}/api/v2/pokemon-habitat/${(s.num % HABITATS.length) + 1}/`,
                }
              : null,
          evolution_chain: { url: `${base}/api/v2/evolution-chain/${root(s).num}/` },
          evolves_from_species: s.prevo ? resource('pokemon-species', Dex.species.get(s.prevo)) : null,
          flavor_text_entries: [
            {
              flavor_text: `${s.name} is a ${s.types.join('/')} type Pokémon.\nIt weighs ${s.weightkg} kg.`,
              language: { name: 'en', url: `${base}/api/v2/language/9/` },
              version: { name: 'scarlet', url: `${base}/api/v2/version/40/` },
            },
          ],
          names: [{ name: s.name, language: { name: 'en', url: `${base}/api/v2/language/9/` } }],
        };
      },
    ],
    [
      /^\/api\/v2\/pokemon\/([a-z0-9-]+)\/?$/,
      (m) => {
        const s = find(m[1]!);
        if (!s) return undefined;
        return {
          id: s.num,
          name: pokeapiName(s.name),
          weight: Math.round(s.weightkg * 10),
          species: resource('pokemon-species', s),
          sprites: {
            front_default: `${SPRITES}/${s.num}.png`,
            front_shiny: `${SPRITES}/shiny/${s.num}.png`,
            other: {
              'official-artwork': { front_default: `${SPRITES}/other/official-artwork/${s.num}.png` },
            },
          },
          stats: Object.entries(s.baseStats).map(([k, v]) => ({
            base_stat: v,
            effort: 0,
            stat: {
              name: STAT_NAMES[k]!,
              url: `${base}/api/v2/stat/${Object.keys(STAT_NAMES).indexOf(k) + 1}/`,
            },
          })),
          types: s.types.map((t, i) => ({
            slot: i + 1,
            type: { name: t.toLowerCase(), url: `${base}/api/v2/type/${t.toLowerCase()}/` },
          })),
        };
      },
    ],
    [
      /^\/api\/v2\/evolution-chain\/(\d+)\/?$/,
      (m) => {
        const s = byNum.get(Number(m[1]));
        if (!s || root(s) !== s) return undefined;
        return { id: s.num, baby_trigger_item: null, chain: chainOf(s) };
      },
    ],
  ];

  const count = (status: number) => {
    served[status] = (served[status] ?? 0) + 1;
  };
  const send = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    count(status);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type':
        typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      ...headers,
    });
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/__faults') return control(req, res);
    if (req.method !== 'GET') return send(res, 405, 'Method Not Allowed', { allow: 'GET' });
    const active = fault.kind !== 'none' && (fault.remaining === null || fault.remaining > 0);
    if (active && fault.remaining !== null) fault.remaining -= 1;
    const answer = () => {
      if (active && fault.kind === 'server_error') return send(res, 500, 'Internal Server Error');
      if (active && fault.kind === 'not_found') return send(res, 404, 'Not Found');
      if (active && fault.kind === 'rate_limited') {
        return send(res, 429, 'Too Many Requests', { 'retry-after': String(fault.retry_after_seconds) });
      }
      for (const [pattern, handler] of routes) {
        const m = pattern.exec(path);
        if (!m) continue;
        const body = handler(m);
        return body === undefined ? send(res, 404, 'Not Found') : send(res, 200, body);
      }
      return send(res, 404, 'Not Found');
    };
    if (active && fault.kind === 'latency') setTimeout(answer, fault.latency_ms);
    else answer();
  });

  function control(req: http.IncomingMessage, res: http.ServerResponse) {
    if (req.method === 'GET') return send(res, 200, { fault, served });
    if (req.method === 'DELETE') {
      fault = { ...NONE };
      return send(res, 200, { fault });
    }
    if (req.method !== 'PUT') return send(res, 405, 'Method Not Allowed', { allow: 'GET, PUT, DELETE' });
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      try {
        const body = JSON.parse(raw) as Partial<Fault> & { kind: FaultKind; count?: number };
        setFault({ ...body, remaining: body.count ?? null });
        send(res, 200, { fault });
      } catch (err) {
        send(res, 400, { error: (err as Error).message });
      }
    });
  }

  function setFault(f: Partial<Fault> & { kind: FaultKind }) {
    const kinds: FaultKind[] = ['none', 'server_error', 'rate_limited', 'not_found', 'latency'];
    if (!kinds.includes(f.kind)) throw new Error(`kind must be one of ${kinds.join(', ')}`);
    const nonNegative = (v: unknown, name: string, fallback: number) => {
      if (v === undefined || v === null) return fallback;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
        throw new Error(`${name} must be a whole number ≥ 0`);
      return v;
    };
    fault = {
      kind: f.kind,
      latency_ms: nonNegative(f.latency_ms, 'latency_ms', 0),
      retry_after_seconds: nonNegative(f.retry_after_seconds, 'retry_after_seconds', 1),
      remaining:
        f.remaining === null || f.remaining === undefined ? null : nonNegative(f.remaining, 'count', 0),
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url: base,
    apiUrl: `${base}/api/v2`,
    port,
    setFault,
    served,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
