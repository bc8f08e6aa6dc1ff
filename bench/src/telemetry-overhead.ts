// Telemetry overhead, A/B: the same build with telemetry off (GAMEDAY_TELEMETRY=off, the bare
// baseline) and on, at 100% trace sampling and at the production default (parent-based 1%), with
// spans exported over OTLP/HTTP to a sink and log lines written to a file. In each round the three
// builds run side by side and load alternates between them in 2 s slices (interleave.ts); the
// median of the rounds is reported.
import { startSignalBackends } from './signal-backends';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { interleaved } from './interleave';
import { REPO_ROOT, request, startNodeProcess, startPlayerApi, startPostgres } from '@gameday/testing';
import type { TestPostgres } from '@gameday/testing';

export type Mode = 'bare' | 'full' | 'default';
export const MODES: Mode[] = ['bare', 'full', 'default'];

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export type ScenarioResult = VariantResult<Mode>;

export interface BenchOptions {
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  log: (line: string) => void;
}

export function modeEnv(mode: Mode, sink: string): Record<string, string | undefined> {
  switch (mode) {
    case 'bare':
      return { GAMEDAY_TELEMETRY: 'off' };
    case 'full':
      return { OTEL_EXPORTER_OTLP_ENDPOINT: sink, OTEL_TRACES_SAMPLER: 'parentbased_always_on' };
    case 'default':
      // Unset sampler variables: the telemetry library's default (parent-based, 1%).
      return {
        OTEL_EXPORTER_OTLP_ENDPOINT: sink,
        OTEL_TRACES_SAMPLER: undefined,
        OTEL_TRACES_SAMPLER_ARG: undefined,
      };
  }
}

function medianRun(values: LoadResult[]): LoadResult {
  const sorted = [...values].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function startSink(): Promise<{ url: string; stop: () => Promise<void> }> {
  // BENCH_TRACES=jaeger: the local stack's real Jaeger v2 takes the spans instead of the sink.
  if (process.env.BENCH_TRACES === 'jaeger') {
    const backends = await startSignalBackends([]);
    return { url: backends.otlp, stop: backends.stop };
  }
  if (process.env.BENCH_TRACES !== undefined && process.env.BENCH_TRACES !== 'sink')
    throw new Error(`BENCH_TRACES=${process.env.BENCH_TRACES}: use sink (the default) or jaeger`);
  const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'otlp-sink.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port)),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Something to stop after a variant's run: a service process, or the player API as a whole. */
export interface Stoppable {
  stop(): Promise<unknown>;
}

export interface Subject<V extends string = Mode> {
  /** Starts the processes for one variant and returns the URL and headers to load. */
  start(
    variant: V,
    env: Record<string, string | undefined>,
    logDir: string,
  ): Promise<{
    url: string;
    headers: Record<string, string>;
    /** A POST body, for subjects that write (the same body every request). */
    body?: string;
    /** Headers to add in turn, one set per request (e.g. many players' tokens). */
    rotate?: Record<string, string>[];
    procs: Stoppable[];
  }>;
}

export interface VariantResult<V extends string> {
  scenario: string;
  runs: Record<V, LoadResult[]>;
  median: Record<V, LoadResult>;
}

/**
 * Runs every variant of a subject side by side, round after round: fresh processes each round, a
 * warm-up each, then load alternating between them in slices (interleave.ts). `envOf` gives each
 * variant's environment, with the span sink's URL.
 */
export async function runVariants<V extends string>(
  name: string,
  variants: readonly V[],
  envOf: (variant: V, sink: string) => Record<string, string | undefined>,
  subject: Subject<V>,
  opts: BenchOptions,
): Promise<VariantResult<V>> {
  const sink = await startSink();
  const logDir = mkdtempSync(join(tmpdir(), 'gameday-bench-logs-'));
  const runs = Object.fromEntries(variants.map((v) => [v, [] as LoadResult[]])) as Record<V, LoadResult[]>;
  const width = Math.max(...variants.map((v) => v.length));
  try {
    for (let round = 0; round < opts.rounds; round++) {
      const started = new Map<V, Awaited<ReturnType<Subject<V>['start']>>>();
      try {
        for (const v of variants) started.set(v, await subject.start(v, envOf(v, sink.url), logDir));
        const fire = (v: V, seconds: number) => {
          const { url, headers: fixed, body, rotate } = started.get(v)!;
          const headers = body === undefined ? fixed : { 'content-type': 'application/json', ...fixed };
          let next = 0;
          return autocannon({
            url,
            headers,
            ...(body === undefined ? {} : { method: 'POST' as const, body }),
            ...(rotate === undefined
              ? {}
              : {
                  requests: [
                    {
                      setupRequest: (req) => ({
                        ...req,
                        headers: { ...headers, ...rotate[next++ % rotate.length]! },
                      }),
                    },
                  ],
                }),
            duration: seconds,
            connections: opts.connections,
            pipelining: 1,
          });
        };
        // Rotate the order so no variant always goes first.
        const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
        for (const v of order) await fire(v, opts.warmupSeconds);
        const totals = await interleaved(order, fire, opts.durationSeconds);
        for (const v of variants) {
          const t = totals[v];
          const r: LoadResult = {
            rps: t.ok / t.seconds,
            p50: t.p50,
            p99: t.p99,
            errors: t.errors,
            non2xx: t.non2xx,
          };
          runs[v].push(r);
          opts.log(
            `  ${name} round ${round + 1}/${opts.rounds} ${v.padEnd(width)} ${r.rps.toFixed(0).padStart(6)} req/s  p99 ${r.p99} ms` +
              (r.errors + r.non2xx > 0 ? `  (${r.errors} errors, ${r.non2xx} non-2xx!)` : ''),
          );
        }
      } finally {
        for (const { procs } of started.values()) for (const p of [...procs].reverse()) await p.stop();
      }
    }
  } finally {
    await sink.stop();
  }
  const median = Object.fromEntries(variants.map((v) => [v, medianRun(runs[v])])) as Record<V, LoadResult>;
  return { scenario: name, runs, median };
}

function runScenario(name: string, subject: Subject, opts: BenchOptions): Promise<ScenarioResult> {
  return runVariants(name, MODES, modeEnv, subject, opts);
}

export const PEERS = [
  'express',
  'handmade-100',
  'handmade-1',
  'gameday-bare',
  'gameday-100',
  'gameday-default',
] as const;
export type Peer = (typeof PEERS)[number];
export type PeerResult = VariantResult<Peer>;

function peerEnv(peer: Peer, sink: string): Record<string, string | undefined> {
  switch (peer) {
    case 'express':
      return {};
    case 'handmade-100':
      return { OTEL_EXPORTER_OTLP_ENDPOINT: sink, OTEL_TRACES_SAMPLER: 'parentbased_always_on' };
    case 'handmade-1':
      return {
        OTEL_EXPORTER_OTLP_ENDPOINT: sink,
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.01',
      };
    case 'gameday-bare':
      return modeEnv('bare', sink);
    case 'gameday-100':
      return modeEnv('full', sink);
    case 'gameday-default':
      return modeEnv('default', sink);
  }
}

const PEER_ENTRY: Record<Peer, string> = {
  express: 'plain-express.js',
  'handmade-100': 'handmade-express.js',
  'handmade-1': 'handmade-express.js',
  'gameday-bare': 'trivial-service.js',
  'gameday-100': 'trivial-service.js',
  'gameday-default': 'trivial-service.js',
};

/**
 * The same trivial JSON route, side by side: plain Express 5 with no telemetry; Express with the
 * usual hand-made telemetry (NodeSDK + http/express instrumentations + OTLP/HTTP, a prom-client
 * histogram, a winston access line with the trace id) at 100% and parent-based 1%; and gameday's
 * createService() with telemetry off, at 100% and at its default sampling.
 */
export function peerRoute(opts: BenchOptions): Promise<PeerResult> {
  return runVariants(
    'trivial JSON route',
    PEERS,
    peerEnv,
    {
      async start(peer, env, logDir) {
        const entry = join(REPO_ROOT, 'bench', 'dist', 'fixtures', PEER_ENTRY[peer]);
        const p = await startNodeProcess(`bench-${peer}`, entry, {
          env,
          waitFor: 'ready',
          logFile: join(logDir, `${peer}.log`),
        });
        return { url: `${p.url}/api/v1/ping`, headers: {}, procs: [p] };
      },
    },
    opts,
  );
}

/** gateway → accounts GET /api/v1/players/me: JWT verification, proxying, one indexed read. */
export async function gatewayPlayersMe(opts: BenchOptions): Promise<ScenarioResult> {
  const pg: TestPostgres = await startPostgres();
  const limits = { RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_PLAYER_PER_MINUTE: '1000000' };
  try {
    return await runScenario(
      'gateway → accounts GET /players/me',
      {
        async start(mode, env, logDir) {
          const api = await startPlayerApi({
            pg,
            env,
            gatewayEnv: limits,
            accountsOptions: { logFile: join(logDir, `accounts-${mode}.log`) },
            gatewayOptions: { logFile: join(logDir, `gateway-${mode}.log`) },
          });
          const body = {
            email: 'bench@example.com',
            display_name: 'Bench',
            // nosemgrep: gameday.hardcoded-secret -- a synthetic player the benchmark registers on its own throwaway stack
            password: 'a long enough password',
          };
          await request(`${api.gateway.url}/api/v1/players`, { body });
          const login = await request(`${api.gateway.url}/api/v1/players/login`, {
            body: { email: body.email, password: body.password },
          });
          const token = String(login.body.access_token);
          if (login.status !== 200) {
            await api.stop();
            throw new Error(`bench login failed: ${login.status} ${login.text}`);
          }
          return {
            url: `${api.gateway.url}/api/v1/players/me`,
            headers: { authorization: `Bearer ${token}` },
            procs: [{ stop: () => api.stop() }],
          };
        },
      },
      opts,
    );
  } finally {
    await pg.destroy();
  }
}
