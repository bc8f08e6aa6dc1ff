// Toxiproxy in front of the stack's dependencies and of some service-to-service edges, so the local
// chaos engine can add latency, resets, blackholes and bandwidth limits to real TCP traffic (the
// local stand-in for Chaos Mesh's NetworkChaos). Services connect through the proxies; the stack's
// own probes and database setup go direct. GAMEDAY_SKIP=toxiproxy connects everything directly.

import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentSpec, StackContext } from './component';

/** One proxy: clients of `name` connect to the listen port, which forwards to the upstream. */
export interface ProxyEdge {
  name: string;
  /** The named port it listens on (an extra port of the toxiproxy component). */
  port: number;
  /** The component it forwards to, or undefined when that runs outside the stack. */
  upstream: string;
}

/** The proxies: `postgres` and `kafka` for every client, `<from>-<to>` for one edge. */
export const PROXIES: readonly ProxyEdge[] = [
  { name: 'postgres', port: 5434, upstream: 'postgres' },
  { name: 'kafka', port: 9192, upstream: 'kafka' },
  { name: 'gateway-wallet', port: 8182, upstream: 'wallet' },
  { name: 'casino-wallet', port: 8282, upstream: 'wallet' },
  { name: 'pokemon-pokeapi', port: 8188, upstream: 'pokeapi' },
];

export const proxyPortName = (proxy: string) => `toxiproxy-${proxy}`;

export function toxiproxyEnabled(ctx: StackContext): boolean {
  return !(ctx.env.GAMEDAY_SKIP ?? '')
    .split(',')
    .map((s) => s.trim())
    .includes('toxiproxy');
}

function upstreamAddress(ctx: StackContext, edge: ProxyEdge): string | undefined {
  if (edge.upstream === 'postgres' && ctx.env.DATABASE_URL) {
    const u = new URL(ctx.env.DATABASE_URL);
    return `${u.hostname}:${u.port || 5432}`;
  }
  if (edge.upstream === 'kafka' && ctx.env.KAFKA_BROKERS) return undefined;
  return `127.0.0.1:${ctx.port(edge.upstream)}`;
}

/** host:port a client of `proxy` uses: the proxy when Toxiproxy runs, else the upstream itself. */
export function proxiedAddress(ctx: StackContext, proxy: string): string {
  const edge = PROXIES.find((p) => p.name === proxy);
  if (!edge) throw new Error(`no proxy ${proxy}`);
  if (!toxiproxyEnabled(ctx) || upstreamAddress(ctx, edge) === undefined)
    return upstreamAddress(ctx, edge) ?? '';
  return `127.0.0.1:${ctx.port(proxyPortName(proxy))}`;
}

/** http://<proxied address> for a service edge such as gateway-wallet. */
export function proxiedUrl(ctx: StackContext, proxy: string): string {
  return `http://${proxiedAddress(ctx, proxy)}`;
}

/** A PostgreSQL URL with its host and port replaced by the postgres proxy. */
export function proxiedDatabaseUrl(ctx: StackContext, url: string): string {
  if (!toxiproxyEnabled(ctx)) return url;
  const u = new URL(url);
  const [host, port] = proxiedAddress(ctx, 'postgres').split(':');
  u.hostname = host!;
  u.port = port!;
  return u.toString();
}

export function toxiproxy(binary: (ctx: StackContext) => string): ComponentSpec {
  const dir = (ctx: StackContext) => join(ctx.home, 'toxiproxy');
  return {
    name: 'toxiproxy',
    kind: 'infra',
    description: `TCP fault proxy for chaos: ${PROXIES.map((p) => p.name).join(', ')}`,
    defaultPort: 8474,
    extraPorts: Object.fromEntries(PROXIES.map((p) => [proxyPortName(p.name), p.port])),
    skip: (ctx) => (toxiproxyEnabled(ctx) ? undefined : 'GAMEDAY_SKIP'),
    async prepare(ctx) {
      mkdirSync(dir(ctx), { recursive: true });
      const proxies = PROXIES.flatMap((p) => {
        const upstream = upstreamAddress(ctx, p);
        return upstream
          ? [
              {
                name: p.name,
                listen: `127.0.0.1:${ctx.port(proxyPortName(p.name))}`,
                upstream,
                enabled: true,
              },
            ]
          : [];
      });
      writeFileSync(join(dir(ctx), 'proxies.json'), JSON.stringify(proxies, null, 2) + '\n');
    },
    command: (ctx) => ({
      command: binary(ctx),
      args: [
        '-host',
        '127.0.0.1',
        '-port',
        String(ctx.port('toxiproxy')),
        '-config',
        join(dir(ctx), 'proxies.json'),
      ],
    }),
    readiness: (ctx) => ({ kind: 'http', url: `${ctx.url('toxiproxy')}/version` }),
    // Up before everything that connects through it, down after.
    shutdownPhase: 4,
    hint: (ctx) =>
      `log: ${join(ctx.home, 'logs', 'toxiproxy.log')}. Build it with node scripts/toxiproxy.mjs, or run without it: GAMEDAY_SKIP=toxiproxy.`,
  };
}
