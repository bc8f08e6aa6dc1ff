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

export interface ScenarioResult {
  scenario: string;
  runs: Record<Mode, LoadResult[]>;
  median: Record<Mode, LoadResult>;
}

export interface BenchOptions {
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  log: (line: string) => void;
}

function modeEnv(mode: Mode, sink: string): Record<string, string | undefined> {
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

function median(values: LoadResult[]): LoadResult {
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

/** Something to stop after a mode's run: a service process, or the player API as a whole. */
interface Stoppable {
  stop(): Promise<unknown>;
}

interface Subject {
  /** Starts the processes for one mode and returns the URL and headers to load. */
  start(
    mode: Mode,
    env: Record<string, string | undefined>,
    logDir: string,
  ): Promise<{ url: string; headers: Record<string, string>; procs: Stoppable[] }>;
}

async function runScenario(name: string, subject: Subject, opts: BenchOptions): Promise<ScenarioResult> {
  const sink = await startSink();
  const logDir = mkdtempSync(join(tmpdir(), 'gameday-bench-logs-'));
  const runs: Record<Mode, LoadResult[]> = { bare: [], full: [], default: [] };
  try {
    for (let round = 0; round < opts.rounds; round++) {
      // Every mode's processes run side by side; load moves between them in slices (interleave.ts).
      const started = new Map<Mode, Awaited<ReturnType<Subject['start']>>>();
      try {
        for (const mode of MODES)
          started.set(mode, await subject.start(mode, modeEnv(mode, sink.url), logDir));
        const fire = (mode: Mode, seconds: number) => {
          const { url, headers } = started.get(mode)!;
          return autocannon({
            url,
            headers,
            duration: seconds,
            connections: opts.connections,
            pipelining: 1,
          });
        };
        // Rotate the order so no mode always goes first.
        const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]!);
        for (const mode of order) await fire(mode, opts.warmupSeconds);
        const totals = await interleaved(order, fire, opts.durationSeconds);
        for (const mode of MODES) {
          const t = totals[mode];
          const r: LoadResult = {
            rps: t.ok / t.seconds,
            p50: t.p50,
            p99: t.p99,
            errors: t.errors,
            non2xx: t.non2xx,
          };
          runs[mode].push(r);
          opts.log(
            `  ${name} round ${round + 1}/${opts.rounds} ${mode.padEnd(7)} ${r.rps.toFixed(0).padStart(6)} req/s  p99 ${r.p99} ms` +
              (r.errors + r.non2xx > 0 ? `  (${r.errors} errors, ${r.non2xx} non-2xx!)` : ''),
          );
        }
      } finally {
        for (const { procs } of started.values()) for (const p of procs.reverse()) await p.stop();
      }
    }
  } finally {
    await sink.stop();
  }
  return {
    scenario: name,
    runs,
    median: { bare: median(runs.bare), full: median(runs.full), default: median(runs.default) },
  };
}

/** A trivial JSON route on one service. */
export function trivialRoute(opts: BenchOptions): Promise<ScenarioResult> {
  const entry = join(REPO_ROOT, 'bench', 'dist', 'fixtures', 'trivial-service.js');
  return runScenario(
    'trivial JSON route',
    {
      async start(mode, env, logDir) {
        const p = await startNodeProcess('bench-trivial', entry, {
          env,
          waitFor: 'ready',
          logFile: join(logDir, `trivial-${mode}.log`),
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
