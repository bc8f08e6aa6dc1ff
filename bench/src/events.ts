// The event pipeline: gateway → events → Kafka, and on to the leaderboard.
//   - Ingestion, the same build with full telemetry (default sampling) and with telemetry off: in
//     each round both run side by side and load alternates between them in 2 s slices
//     (interleave.ts); the median of the rounds is reported:
//       - single-event POSTs as fast as they go (64 connections);
//       - batches of 100 events per POST.
//     The leaderboard is not running then: it is not on the ingestion path.
//   - A constant 1,000 events/s (open loop, 10 events per POST) for end-to-end latency: from the POST
//     leaving the client to the event's effect committed in the leaderboard
//     (processed_events.processed_at).
// Before the first round the broker is warmed up: a freshly started JVM spends its first tens of
// seconds compiling (the broker took ~3× the CPU per request in its first 20 s here), and a
// production broker is never that cold. The warm-up is reported, not measured.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { request, startKafka, startPostgres, startService } from '@gameday/testing';
import type { ServiceProcess } from '@gameday/testing';
import { generateKeyPairSync } from 'node:crypto';
import { pacedLoad } from './paced-load';
import { interleaved } from './interleave';
import type { SliceTotals } from './interleave';
import { startSink } from './telemetry-overhead';

export interface EventsRun {
  label: string;
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

export interface EventsResult {
  /** The median of the rounds, per run label. */
  runs: EventsRun[];
  /** Every round, in the order measured. */
  rounds: EventsRun[][];
  endToEnd: { ratePerSecond: number; events: number; visible: number; p50: number; p99: number; max: number };
}

const sessionEvent = () => ({ type: 'session.started', data: { client: 'bench' } });

/** The run of median throughput among the rounds (its latency figures come with it). */
function medianRun(runs: EventsRun[]): EventsRun {
  const sorted = [...runs].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function eventsPipeline(options: {
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  brokerWarmupSeconds: number;
  log: (line: string) => void;
}): Promise<EventsResult> {
  const pg = await startPostgres();
  const kafka = await startKafka();
  const sink = await startSink();
  const logDir = mkdtempSync(join(tmpdir(), 'gameday-bench-events-'));
  const procs: ServiceProcess[] = [];
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keys = {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  try {
    await kafka.createTopics([
      { topic: 'gameday.events', partitions: 6 },
      { topic: 'gameday.events.dlq', partitions: 1 },
    ]);
    await pg.createDatabase('accounts');
    await pg.createDatabase('leaderboard');
    const start = async (mode: 'default' | 'bare') => {
      const env =
        mode === 'bare'
          ? { GAMEDAY_TELEMETRY: 'off' }
          : {
              OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
              OTEL_TRACES_SAMPLER: undefined,
              OTEL_TRACES_SAMPLER_ARG: undefined,
            };
      const accounts = await startService('accounts', {
        env: {
          ...env,
          DATABASE_URL: pg.url('accounts'),
          JWT_PRIVATE_KEY: keys.privatePem,
          ACCOUNTS_ADMIN_EMAILS: 'bench@example.com',
        },
        logFile: join(logDir, `accounts-${mode}.log`),
      });
      const events = await startService('events', {
        env: {
          ...env,
          KAFKA_BROKERS: kafka.brokers,
          EVENTS_PLAYER_RATE: '1000000',
          EVENTS_PLAYER_BURST: '1000000',
        },
        logFile: join(logDir, `events-${mode}.log`),
      });
      const gateway = await startService('gateway', {
        env: {
          ...env,
          ACCOUNTS_URL: accounts.url,
          EVENTS_URL: events.url,
          JWT_PUBLIC_KEY: keys.publicPem,
          RATE_LIMIT_IP_PER_MINUTE: '1000000',
          RATE_LIMIT_PLAYER_PER_MINUTE: '1000000',
        },
        logFile: join(logDir, `gateway-${mode}.log`),
      });
      const all = [gateway, events, accounts];
      procs.push(...all);
      // nosemgrep: gameday.hardcoded-secret -- a synthetic player the benchmark registers on its own throwaway stack
      const password = 'a long enough password';
      await request(`${gateway.url}/api/v1/players`, {
        body: { email: 'bench@example.com', display_name: 'Bench', password },
      });
      const login = await request(`${gateway.url}/api/v1/players/login`, {
        body: { email: 'bench@example.com', password },
      });
      return {
        url: `${gateway.url}/api/v1/events`,
        token: String(login.body.access_token),
        stop: async () => {
          for (const p of all) await p.stop();
        },
      };
    };

    const rounds: EventsRun[][] = [];
    let endToEnd: EventsResult['endToEnd'] | undefined;
    /** POSTs `body` as fast as 64 connections go, for `seconds`. */
    const post = (url: string, token: string, body: string, seconds: number) =>
      autocannon({
        url,
        method: 'POST',
        duration: seconds,
        connections: 64,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
    /** The run of one mode, from interleaved slices of POSTs of `perRequest` events. */
    const record = (label: string, t: SliceTotals, perRequest: number, into: EventsRun[]) => {
      const run = {
        label,
        requestsPerSecond: t.ok / t.seconds,
        eventsPerSecond: (t.ok * perRequest) / t.seconds,
        p50: t.p50,
        p99: t.p99,
        errors: t.errors + t.non2xx,
      };
      options.log(
        `  ${label}: ${run.requestsPerSecond.toFixed(0)} req/s, ${run.eventsPerSecond.toFixed(0)} events/s, p99 ${run.p99} ms`,
      );
      into.push(run);
    };
    const single = JSON.stringify(sessionEvent());
    const batch = JSON.stringify({ events: Array.from({ length: 100 }, sessionEvent) });

    {
      const s = await start('bare');
      options.log(
        `  warming the broker up: ${options.brokerWarmupSeconds} s of single events (not measured)`,
      );
      await post(s.url, s.token, single, options.brokerWarmupSeconds);
      await s.stop();
    }
    for (let round = 0; round < options.rounds; round++) {
      // Both builds run side by side (sharing the broker); load alternates between them in slices
      // (interleave.ts), starting with a different one each round.
      const order = round % 2 === 0 ? (['default', 'bare'] as const) : (['bare', 'default'] as const);
      options.log(`  round ${round + 1}/${options.rounds}`);
      const stacks = new Map<'default' | 'bare', Awaited<ReturnType<typeof start>>>();
      try {
        for (const mode of order) stacks.set(mode, await start(mode));
        const measured: EventsRun[] = [];
        for (const [kind, body, perRequest] of [
          ['single events', single, 1],
          ['batches of 100', batch, 100],
        ] as const) {
          const fire = (mode: 'default' | 'bare', seconds: number) => {
            const s = stacks.get(mode)!;
            return post(s.url, s.token, body, seconds);
          };
          for (const mode of order) await fire(mode, options.warmupSeconds);
          const totals = await interleaved(order, fire, options.durationSeconds);
          record(kind, totals.default, perRequest, measured);
          record(`${kind}, telemetry off`, totals.bare, perRequest, measured);
        }
        rounds.push(measured);
      } finally {
        for (const s of stacks.values()) await s.stop();
      }
    }
    const labels = [...new Set(rounds.flat().map((r) => r.label))];
    const runs = labels.map((label) => medianRun(rounds.flat().filter((r) => r.label === label)));

    {
      const s = await start('default');
      // End to end at a constant 1,000 events/s: bet events for 50 players, ids known to the client.
      // The leaderboard starts only now (the rounds above measure the ingestion path alone), as a
      // new group reading from the latest offsets.
      const leaderboard = await startService('leaderboard', {
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
          DATABASE_URL: pg.url('leaderboard'),
          KAFKA_BROKERS: kafka.brokers,
          LEADERBOARD_NEW_GROUP_FROM: 'latest',
        },
        logFile: join(logDir, 'leaderboard.log'),
      });
      procs.push(leaderboard);
      const players = Array.from({ length: 50 }, () => randomUUID());
      const sent = new Map<string, number>();
      const rate = 1000;
      const seconds = Math.max(5, options.durationSeconds);
      const origin = Date.now() - performance.now();
      // Ten events per POST (100 POSTs/s), as a game client flushing its buffer would send them.
      const perPost = 10;
      await pacedLoad({
        url: s.url,
        method: 'POST',
        ratePerSecond: rate / perPost,
        durationSeconds: seconds,
        request: (i) => {
          const at = origin + performance.now();
          const events = Array.from({ length: perPost }, (_, j) => {
            const id = randomUUID();
            sent.set(id, at);
            return {
              id,
              type: 'bet.settled',
              player_id: players[(i * perPost + j) % players.length],
              data: {
                round_id: randomUUID(),
                game: 'dice',
                stake_cents: 100,
                payout_cents: 0,
                multiplier: 0,
                outcome: 'lose',
              },
            };
          });
          return {
            headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
            body: JSON.stringify({ events }),
          };
        },
      });
      await new Promise((r) => setTimeout(r, 3000));
      const db = new Client({ connectionString: pg.url('leaderboard') });
      await db.connect();
      const { rows } = await db.query<{ event_id: string; at: number }>(
        'SELECT event_id, extract(epoch FROM processed_at) * 1000 AS at FROM processed_events WHERE event_id = ANY($1::uuid[])',
        [[...sent.keys()]],
      );
      await db.end();
      const latencies = rows.map((r) => Number(r.at) - sent.get(r.event_id)!).sort((a, b) => a - b);
      const at = (q: number) =>
        Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
      endToEnd = {
        ratePerSecond: rate,
        events: sent.size,
        visible: rows.length,
        p50: at(0.5),
        p99: at(0.99),
        max: at(1),
      };
      options.log(
        `  end to end at ${rate} events/s: p50 ${endToEnd.p50} ms, p99 ${endToEnd.p99} ms (${rows.length}/${sent.size} visible)`,
      );
      await s.stop();
    }
    return { runs, rounds, endToEnd: endToEnd! };
  } finally {
    for (const p of procs) await p.stop().catch(() => undefined);
    await sink.stop();
    await kafka.destroy();
    await pg.destroy();
  }
}
