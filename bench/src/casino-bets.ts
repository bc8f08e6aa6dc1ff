// Coin-flip bets through gateway → casino → wallet (each with its PostgreSQL database), full
// telemetry at the default sampling (parent-based 1%, spans exported over OTLP/HTTP to a sink, logs
// to files), everything on this machine. Two runs: as many bets as the stack takes (64 connections),
// and a constant 300 bets/s (open loop) for the latency target. CPU time of each process (from /proc) divided by
// the bets settled shows where the next bottleneck is.
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { REFERENCE_BETS, REFERENCE_STAKE } from '@gameday/casino/contract';
import type { GameId } from '@gameday/casino/contract';
import { request, startPlayerApi, startPostgres } from '@gameday/testing';
import type { PlayerApi } from '@gameday/testing';
import { pacedLoad } from './paced-load';
import { startSink } from './telemetry-overhead';
import { JaegerClient, VictoriaLogsClient } from '@gameday/signals';
import { startSignalBackends } from './signal-backends';
import type { SignalBackends } from './signal-backends';

/** The game benchmarked, played with the casino's reference bet. */
const GAME: GameId = 'coin-flip';

export interface BetRun {
  label: string;
  targetRate?: number;
  betsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** CPU milliseconds per settled bet, by process. */
  cpuMsPerBet: Record<string, number>;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process in milliseconds, 0 when it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** The PostgreSQL server listening on `port` and its backends (children), by pid. */
export function postgresPids(port: number): number[] {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const cmd = (pid: string) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      return [];
    }
  };
  const parent = (pid: string) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return -1;
    }
  };
  const master = all.find((pid) => {
    const args = cmd(pid);
    return args[0]?.endsWith('postgres') && args.includes(String(port));
  });
  if (!master) return [];
  return [Number(master), ...all.filter((pid) => parent(pid) === Number(master)).map(Number)];
}

export async function casinoBets(options: {
  durationSeconds: number;
  warmupSeconds: number;
  log: (line: string) => void;
}): Promise<BetRun[]> {
  const pg = await startPostgres();
  const sink = await startSink();
  let backends: SignalBackends | undefined;
  let api: PlayerApi | undefined;
  const measure = async (
    env: Record<string, string | undefined>,
    specs: { label: string; connections: number; rate?: number }[],
    logDir = mkdtempSync(join(tmpdir(), 'gameday-bench-casino-')),
    extraProcs: Record<string, number[]> = {},
  ): Promise<BetRun[]> => {
    api = await startPlayerApi({
      pg,
      env,
      accountsEnv: { ACCOUNTS_ADMIN_EMAILS: 'bench-admin@example.com' },
      gatewayEnv: { RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_PLAYER_PER_MINUTE: '1000000' },
      accountsOptions: { logFile: join(logDir, 'accounts.log') },
      gatewayOptions: { logFile: join(logDir, 'gateway.log') },
      casino: {
        walletOptions: { logFile: join(logDir, 'wallet.log') },
        casinoOptions: { logFile: join(logDir, 'casino.log') },
        casinoEnv: { CASINO_GAMES: GAME },
      },
    });
    const gw = api.gateway.url;
    // nosemgrep: gameday.hardcoded-secret -- a synthetic player the benchmark registers on its own throwaway stack
    const password = 'a long enough password';
    const login = async (email: string) => {
      const res = await request(`${gw}/api/v1/players/login`, { body: { email, password } });
      return String(res.body.access_token);
    };
    await request(`${gw}/api/v1/players`, {
      body: { email: 'bench-admin@example.com', display_name: 'Admin', password },
    });
    const admin = await login('bench-admin@example.com');
    // Many players, so bets queue on no single balance row (one player's bets take turns).
    const tokens: string[] = [];
    for (let i = 0; i < 64; i++) {
      const email = `bettor-${i}@example.com`;
      const created = await request(`${gw}/api/v1/players`, {
        body: { email, display_name: `Bettor ${i}`, password },
      });
      await request(`${gw}/api/v1/wallet/deposits`, {
        token: admin,
        headers: { 'idempotency-key': randomUUID() },
        body: { player_id: created.body.id, amount: '1000000.00' },
      });
      tokens.push(await login(email));
    }

    const procs: Record<string, number[]> = {
      gateway: [api.gateway.child.pid!],
      casino: [api.casino!.child.pid!],
      wallet: [api.wallet!.child.pid!],
      accounts: [api.accounts.child.pid!],
      ...extraProcs,
    };
    const url = `${gw}/api/v1/casino/games/${GAME}/rounds`;
    const body = JSON.stringify({ stake: REFERENCE_STAKE, bet: REFERENCE_BETS[GAME] });
    let next = 0;
    const fire = (seconds: number, connections: number) =>
      autocannon({
        url,
        method: 'POST',
        duration: seconds,
        connections,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => ({
              ...req,
              body,
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${tokens[next++ % tokens.length]!}`,
              },
            }),
          },
        ],
      });

    const runs: BetRun[] = [];
    for (const spec of specs) {
      const run = async (seconds: number) => {
        if (!spec.rate) {
          const r = await fire(seconds, spec.connections);
          return {
            bets: r.requests.total - r.non2xx,
            p50: r.latency.p50,
            p99: r.latency.p99,
            errors: r.errors + r.timeouts,
            non2xx: r.non2xx,
          };
        }
        const r = await pacedLoad({
          url,
          method: 'POST',
          ratePerSecond: spec.rate,
          durationSeconds: seconds,
          request: (i) => ({
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${tokens[i % tokens.length]!}`,
            },
            body,
          }),
        });
        return { bets: r.ok, p50: r.p50, p99: r.p99, errors: r.errors, non2xx: r.non2xx };
      };
      await run(options.warmupSeconds);
      const pgPids = postgresPids(pg.port);
      const before = Object.fromEntries(
        Object.entries({ ...procs, postgres: pgPids }).map(([k, pids]) => [
          k,
          pids.reduce((s, p) => s + cpuMs(p), 0),
        ]),
      );
      const selfBefore = process.cpuUsage();
      const r = await run(options.durationSeconds);
      const self = process.cpuUsage(selfBefore);
      const cpu: Record<string, number> = {};
      for (const [k, pids] of Object.entries({ ...procs, postgres: postgresPids(pg.port) })) {
        cpu[k] = (pids.reduce((s, p) => s + cpuMs(p), 0) - (before[k] ?? 0)) / Math.max(r.bets, 1);
      }
      cpu['load generator'] = (self.user + self.system) / 1000 / Math.max(r.bets, 1);
      const result: BetRun = {
        label: spec.label,
        ...(spec.rate ? { targetRate: spec.rate } : {}),
        betsPerSecond: r.bets / options.durationSeconds,
        p50: r.p50,
        p99: r.p99,
        errors: r.errors,
        non2xx: r.non2xx,
        cpuMsPerBet: cpu,
      };
      options.log(
        `  ${result.label}: ${result.betsPerSecond.toFixed(0)} bets/s, p50 ${result.p50} ms, p99 ${result.p99} ms` +
          (result.errors + result.non2xx ? ` (${result.errors} errors, ${result.non2xx} non-2xx)` : ''),
      );
      runs.push(result);
    }
    await api.stop();
    api = undefined;
    return runs;
  };
  try {
    // The production default: OTLP export on, sampler variables unset (parent-based 1%).
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_TRACES_SAMPLER: undefined,
      OTEL_TRACES_SAMPLER_ARG: undefined,
    };
    const runs = [
      ...(await measure(env, [
        { label: 'saturation (64 connections)', connections: 64 },
        { label: 'constant 300 bets/s (open loop)', connections: 0, rate: 300 },
      ])),
      // The local stack's real backends instead of the sink: spans to Jaeger v2, and every log line
      // shipped to VictoriaLogs by the log agent tailing the services' files (its CPU counted too).
      ...(await (async () => {
        const logDir = mkdtempSync(join(tmpdir(), 'gameday-bench-casino-signals-'));
        backends = await startSignalBackends(
          ['accounts', 'gateway', 'wallet', 'casino'].map((s) => join(logDir, `${s}.log`)),
        );
        const { jaeger, victorialogs, logagent } = backends.pids;
        const withBackends = await measure(
          { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: backends.otlp },
          [
            { label: 'saturation, to Jaeger + VictoriaLogs', connections: 64 },
            { label: 'constant 300 bets/s, to Jaeger + VictoriaLogs', connections: 0, rate: 300 },
          ],
          logDir,
          { jaeger: [jaeger], victorialogs: [victorialogs], logagent: [logagent] },
        );
        // Proof that they were really fed: what reached them.
        await new Promise((r) => setTimeout(r, 3_000));
        const lines = await new VictoriaLogsClient(backends.logsUrl)
          .query('_time:1h | stats count() n', 1)
          .then((rows) => rows[0]?.fields.n ?? '0')
          .catch((err: Error) => `unknown (${err.message})`);
        const services = await new JaegerClient(backends.jaegerUrl).services().catch(() => []);
        options.log(
          `  backends received: ${lines} log lines in VictoriaLogs; spans of ${services.join(', ')} in Jaeger`,
        );
        await backends.stop();
        backends = undefined;
        return withBackends;
      })()),
      // The same stack with telemetry off: what the instrumentation costs on this machine.
      ...(await measure({ GAMEDAY_TELEMETRY: 'off' }, [
        { label: 'saturation, telemetry off (baseline)', connections: 64 },
      ])),
    ];
    return runs;
  } finally {
    await api?.stop();
    await backends?.stop();
    await sink.stop();
    await pg.destroy();
  }
}
