// What Kubernetes needs to know about each service, derived from the contract (telemetry/src/
// contract.ts: ports, databases, Kafka roles, upstream calls): its workloads (the casino is one per
// game, seed 003), the edges of the system map (NetworkPolicies allow exactly these), sizes per
// environment, and the environment it gets from a ConfigMap or from AWS Secrets Manager.
import { SERVICES } from '@gameday/telemetry/contract';
import type { ServiceEntry } from '@gameday/telemetry/contract';

export const NAMESPACE = 'gameday';
/** Every container listens here (PORT); Chaos Mesh's HTTPChaos targets this port. */
export const HTTP_PORT = 8080;
export const ENVIRONMENTS = ['staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** The casino's games: one Deployment each, from the one casino image (CASINO_GAMES). */
export const CASINO_GAMES = [
  'coin-flip',
  'dice',
  'roulette',
  'slots',
  'blackjack',
  'baccarat',
  'keno',
  'plinko',
  'crash',
  'wheel',
] as const;

/** Where a service's traffic may go outside the namespace. */
export type External = 'postgres' | 'kafka' | 'otlp' | 'internet-https';

export interface Sizing {
  replicas: { min: number; max: number };
  cpu: { request: string; limit: string };
  memory: { request: string; limit: string };
}

export interface Workload {
  /** Deployment name: the service, or casino-<game>. */
  name: string;
  /** The service it belongs to (app.kubernetes.io/name: what Prometheus's job and Chaos Mesh select). */
  service: string;
  component: 'gateway' | 'api' | 'game' | 'worker' | 'ingest' | 'consumer';
  game?: string;
  env: Record<string, string>;
}

export interface ServiceTopology {
  entry: ServiceEntry;
  workloads: Workload[];
  /** In-namespace services it calls (system map edges, from → to). */
  calls: string[];
  external: External[];
  /** Variables from AWS Secrets Manager (gameday/<env>/<service>, one property each). */
  secrets: string[];
  /** How long it may take to answer /healthz after start (the startup probe's budget). */
  startSeconds: number;
  /** The service's drain deadline (SHUTDOWN_TIMEOUT_MS); the grace period covers it. */
  drainSeconds: number;
  sizing: Record<Environment, Sizing>;
}

/** A size: replicas min–max, CPU and memory as request/limit. */
function sized(min: number, max: number, cpu: string, memory: string): Sizing {
  const [cpuRequest, cpuLimit] = cpu.split('/') as [string, string];
  const [memRequest, memLimit] = memory.split('/') as [string, string];
  return {
    replicas: { min, max },
    cpu: { request: cpuRequest, limit: cpuLimit },
    memory: { request: memRequest, limit: memLimit },
  };
}

const SMALL: Record<Environment, Sizing> = {
  staging: sized(1, 3, '100m/1', '192Mi/384Mi'),
  prod: sized(3, 12, '250m/1', '256Mi/512Mi'),
};

const SIZES: Record<string, Record<Environment, Sizing>> = {
  pokemon: { staging: sized(1, 3, '250m/2', '384Mi/768Mi'), prod: sized(3, 12, '500m/2', '512Mi/1Gi') },
  // One pg-boss supervisor is enough; a second is a hot standby (jobs are locked in PostgreSQL).
  scheduler: {
    staging: sized(1, 1, '100m/500m', '192Mi/384Mi'),
    prod: sized(2, 2, '100m/500m', '192Mi/384Mi'),
  },
  // A Kafka consumer group: more members than the topic's partitions (3) would idle.
  leaderboard: { staging: sized(1, 3, '100m/1', '192Mi/384Mi'), prod: sized(3, 3, '250m/1', '256Mi/512Mi') },
};

const GAME_SIZE: Record<Environment, Sizing> = {
  staging: sized(1, 2, '50m/500m', '160Mi/320Mi'),
  prod: sized(2, 6, '100m/1', '192Mi/384Mi'),
};

/** The in-cluster URL of a service (or of one casino game's Deployment). */
export function serviceUrl(name: string): string {
  return `http://${name}.${NAMESPACE}.svc.cluster.local:${HTTP_PORT}`;
}

const COMPONENT: Record<string, Workload['component']> = {
  gateway: 'gateway',
  events: 'ingest',
  leaderboard: 'consumer',
  scheduler: 'worker',
};

/** Secrets each service reads (besides DATABASE_URL for those with a database). */
const SECRETS: Record<string, string[]> = {
  accounts: ['JWT_PRIVATE_KEY'],
  gateway: ['JWT_PUBLIC_KEY'],
  wallet: ['WALLET_SERVICE_TOKENS'],
  casino: ['WALLET_TOKEN'],
  pokemon: ['POKEMON_SERVICE_TOKENS'],
  scheduler: ['POKEMON_TOKEN'],
};

function upstreamEnv(entry: ServiceEntry): Record<string, string> {
  const env: Record<string, string> = {};
  for (const dep of entry.dependsOn) {
    if (!SERVICES.some((s) => s.name === dep)) continue;
    env[`${dep.toUpperCase()}_URL`] = serviceUrl(dep);
  }
  return env;
}

export function topology(): ServiceTopology[] {
  return SERVICES.map((entry): ServiceTopology => {
    const calls = entry.dependsOn.filter((d) => SERVICES.some((s) => s.name === d));
    const external: External[] = ['otlp'];
    if (entry.database) external.push('postgres');
    if (entry.kafka) external.push('kafka');
    if (entry.name === 'pokemon') external.push('internet-https');
    const base: Record<string, string> = {
      PORT: String(HTTP_PORT),
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.monitoring.svc.cluster.local:4318',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.01',
      OTEL_SEMCONV_STABILITY_OPT_IN: 'http',
      SHUTDOWN_TIMEOUT_MS: '10000',
      ...upstreamEnv(entry),
    };
    if (entry.name === 'gateway') base.TRUST_PROXY = '1';
    if (entry.name === 'pokemon') base.POKEAPI_URL = 'https://pokeapi.co/api/v2';
    // MSK authenticates each service with its own SCRAM user (terraform/modules/msk).
    const secrets = [
      ...(entry.database ? ['DATABASE_URL'] : []),
      ...(entry.kafka ? ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] : []),
      ...(SECRETS[entry.name] ?? []),
    ];
    if (entry.name === 'gateway') {
      // A game's plays go to its own Deployment; the rest of the casino to the one serving every game.
      base.CASINO_GAME_URLS = CASINO_GAMES.map((g) => `${g}=${serviceUrl(`casino-${g}`)}`).join(',');
    }
    const workloads: Workload[] =
      entry.name === 'casino'
        ? [
            // The catalogue, rounds, seeds and verification: every game, no plays routed here.
            {
              name: 'casino',
              service: 'casino',
              component: 'api',
              env: { ...base, OTEL_SERVICE_NAME: 'casino' },
            },
            ...CASINO_GAMES.map((game): Workload => ({
              name: `casino-${game}`,
              service: 'casino',
              component: 'game',
              game,
              env: { ...base, CASINO_GAMES: game, OTEL_SERVICE_NAME: 'casino' },
            })),
          ]
        : [
            {
              name: entry.name,
              service: entry.name,
              component: COMPONENT[entry.name] ?? 'api',
              env: { ...base, OTEL_SERVICE_NAME: entry.name },
            },
          ];
    return {
      entry,
      workloads,
      calls,
      external,
      secrets,
      startSeconds: entry.name === 'pokemon' || entry.name === 'scheduler' ? 90 : 60,
      drainSeconds: 10,
      sizing: entry.name === 'casino' ? GAME_SIZE : (SIZES[entry.name] ?? SMALL),
    };
  });
}

/** The system map's edges between services (from → to), which NetworkPolicies must allow. */
export function systemEdges(): { from: string; to: string }[] {
  return topology().flatMap((t) => t.calls.map((to) => ({ from: t.entry.name, to })));
}
