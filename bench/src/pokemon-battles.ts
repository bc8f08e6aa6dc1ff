// The Pokémon battle game (issue 22), everything on this machine:
//
// 1. Instant AI battles through gateway → pokemon (PostgreSQL, full telemetry at the production
//    default, spans to the OTLP sink, logs to files) against the bare simulator's own battles/s: the
//    same battles (the same team against the same AI, on @pkmn/sim with its RandomPlayerAI) in a plain
//    loop in this process, with no HTTP, database or telemetry. The two take turns in 3 s slices, in
//    rotating order, so both see the same machine. Target: service ≥ 0.7 × bare.
// 2. Turn choices with 200 player-vs-player battles in progress: 400 players, each choosing a
//    second or so after their turn comes (uniform 0.5–1.5 s: a quick human), every choice a POST
//    through the gateway. Target: p99 < 50 ms.
// CPU milliseconds per battle (per choice, for 2) of each process, from /proc.
import http from 'node:http';
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, startPlayerApi, startPostgres } from '@gameday/testing';
import type { PlayerApi } from '@gameday/testing';
import {
  LiveBattle,
  Pokedex,
  REFERENCE_SETS,
  houseTeam,
  newSeed,
  playOut,
  pokemonInput,
  resolvePokemon,
  toShowdownSet,
} from '@gameday/pokemon';
import { startSink } from './telemetry-overhead';
import { cpuMs, postgresPids } from './casino-bets';

const FORMAT = 'gen9ou';
const TEAM_SIZE = 3;

export interface BattleThroughput {
  rounds: { service: number; bare: number; ratio: number }[];
  serviceBattlesPerSecond: number;
  bareBattlesPerSecond: number;
  ratio: number;
  turnsPerBattle: number;
  cpuMsPerBattle: Record<string, number>;
  errors: number;
}

export interface TurnLatency {
  battles: number;
  choices: number;
  choicesPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  finishedBattles: number;
  cpuMsPerChoice: Record<string, number>;
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** An access token as accounts issues it (EdDSA), minted here: 400 logins would only measure scrypt. */
function token(key: KeyObject, playerId: string): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    sub: playerId,
    role: 'player',
    iss: 'gameday-accounts',
    aud: 'gameday',
    iat: now,
    exp: now + 3600,
  };
  const input = `${b64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(sign(null, Buffer.from(input), key))}`;
}

interface Player {
  id: string;
  auth: string;
  teamId: string;
}

async function makePlayer(gw: string, key: KeyObject): Promise<Player> {
  const id = randomUUID();
  const auth = `Bearer ${token(key, id)}`;
  const headers = { authorization: auth };
  const ids: string[] = [];
  for (const set of REFERENCE_SETS.slice(0, TEAM_SIZE)) {
    const res = await request(`${gw}/api/v1/pokemon/trainers/me/pokemon`, { headers, body: set });
    if (res.status !== 201) throw new Error(`creating a Pokémon answered ${res.status}: ${res.text}`);
    ids.push(String(res.body.id));
  }
  const team = await request(`${gw}/api/v1/pokemon/trainers/me/teams`, {
    headers,
    body: { name: 'Bench', format: FORMAT, pokemon: ids },
  });
  if (team.status !== 201) throw new Error(`creating a team answered ${team.status}: ${team.text}`);
  return { id, auth, teamId: String(team.body.id) };
}

/** A keep-alive JSON client with latency measurement. */
function client(base: string) {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  return (method: string, path: string, auth: string, body?: unknown) =>
    new Promise<{ status: number; body: Record<string, unknown>; ms: number }>((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const t0 = performance.now();
      const req = http.request(
        {
          hostname: url.hostname,
          port: url.port,
          path,
          method,
          agent,
          headers: {
            authorization: auth,
            ...(data
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown> = {};
            try {
              parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            } catch {
              parsed = { text };
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - t0 });
          });
        },
      );
      req.on('error', reject);
      if (data) req.write(data);
      req.end();
    });
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : 0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function pokemonBattles(options: {
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  log: (line: string) => void;
}): Promise<{ throughput: BattleThroughput; turns: TurnLatency }> {
  const pg = await startPostgres();
  const sink = await startSink();
  const logDir = mkdtempSync(join(tmpdir(), 'gameday-bench-pokemon-'));
  let api: PlayerApi | undefined;
  try {
    api = await startPlayerApi({
      pg,
      // The production default: OTLP export on, sampler variables unset (parent-based 1%).
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        OTEL_TRACES_SAMPLER: undefined,
        OTEL_TRACES_SAMPLER_ARG: undefined,
      },
      gatewayEnv: { RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_PLAYER_PER_MINUTE: '1000000' },
      accountsOptions: { logFile: join(logDir, 'accounts.log') },
      gatewayOptions: { logFile: join(logDir, 'gateway.log') },
      pokemon: {
        pokemonEnv: { POKEMON_TURN_SECONDS: '3600', DATABASE_POOL_MAX: '20' },
        pokemonOptions: { logFile: join(logDir, 'pokemon.log') },
      },
    });
    const gw = api.gateway.url;
    const key = createPrivateKey(api.keys.privatePem);
    const call = client(gw);
    const procs = () => ({
      gateway: [api!.gateway.child.pid!],
      pokemon: [api!.pokemon!.child.pid!],
      postgres: postgresPids(pg.port),
    });
    const cpuNow = () =>
      Object.fromEntries(
        Object.entries(procs()).map(([k, pids]) => [k, pids.reduce((s, p) => s + cpuMs(p), 0)]),
      );

    // --- 1. instant AI battles: the service against the bare simulator --------------------------
    options.log('  pokemon: instant AI battles, service vs bare simulator (3 s slices)');
    const players = await Promise.all(Array.from({ length: 8 }, () => makePlayer(gw, key)));
    const dex = await new Pokedex().load();
    const team = REFERENCE_SETS.slice(0, TEAM_SIZE).map((s) =>
      toShowdownSet(resolvePokemon(dex, pokemonInput.parse(s))),
    );
    let turns = 0;
    let bareBattles = 0;
    const bareFor = (seconds: number) => {
      const end = performance.now() + seconds * 1000;
      let n = 0;
      while (performance.now() < end) {
        const seed = newSeed();
        const live = LiveBattle.start({
          format: FORMAT,
          seed,
          p1: { name: 'Bench', team },
          p2: { name: 'Gameday AI', team: houseTeam(FORMAT, seed) },
        });
        playOut(live);
        turns += live.turn;
        n++;
      }
      bareBattles += n;
      return n;
    };
    let errors = 0;
    const serviceFor = async (seconds: number, connections = 4) => {
      const end = performance.now() + seconds * 1000;
      let n = 0;
      await Promise.all(
        Array.from({ length: connections }, async (_, c) => {
          let i = c;
          while (performance.now() < end) {
            const p = players[i++ % players.length]!;
            const res = await call('POST', '/api/v1/pokemon/battles', p.auth, {
              mode: 'ai',
              format: FORMAT,
              team_id: p.teamId,
            });
            if (res.status === 201) n++;
            else errors++;
          }
        }),
      );
      return n;
    };
    await serviceFor(options.warmupSeconds);
    bareFor(Math.min(5, options.warmupSeconds));
    const rounds: BattleThroughput['rounds'] = [];
    let serviceBattles = 0;
    const before = cpuNow();
    for (let r = 0; r < options.rounds; r++) {
      const slices = Math.max(1, Math.round(options.durationSeconds / 3));
      let s = 0;
      let b = 0;
      for (let i = 0; i < slices; i++) {
        if ((i + r) % 2 === 0) {
          s += await serviceFor(3);
          b += bareFor(3);
        } else {
          b += bareFor(3);
          s += await serviceFor(3);
        }
      }
      serviceBattles += s;
      const seconds = slices * 3;
      rounds.push({ service: s / seconds, bare: b / seconds, ratio: s / Math.max(b, 1) });
      options.log(
        `    round ${r + 1}: service ${(s / seconds).toFixed(1)} battles/s, bare ${(b / seconds).toFixed(1)}/s, ratio ${(s / Math.max(b, 1)).toFixed(2)}`,
      );
    }
    const after = cpuNow();
    const cpuMsPerBattle = Object.fromEntries(
      Object.keys(after).map((k) => [k, (after[k]! - (before[k] ?? 0)) / Math.max(serviceBattles, 1)]),
    );
    const mid = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
    const throughput: BattleThroughput = {
      rounds,
      serviceBattlesPerSecond: mid.service,
      bareBattlesPerSecond: mid.bare,
      ratio: median(rounds.map((r) => r.ratio)),
      turnsPerBattle: turns / Math.max(bareBattles, 1),
      cpuMsPerBattle,
      errors,
    };

    // --- 2. turn choices with 200 battles in progress -------------------------------------------
    const BATTLES = Number(process.env.BENCH_POKEMON_BATTLES ?? 200);
    options.log(`  pokemon: ${BATTLES} player-vs-player battles, a choice 0.5–1.5 s after each turn comes`);
    const pvpPlayers: Player[] = [];
    for (let i = 0; i < BATTLES * 2; i += 16) {
      pvpPlayers.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(16, BATTLES * 2 - i) }, () => makePlayer(gw, key)),
        )),
      );
    }
    const startBattle = async (a: Player, b: Player): Promise<string> => {
      await call('GET', '/api/v1/pokemon/trainers/me', b.auth);
      const c = await call('POST', '/api/v1/pokemon/battles', a.auth, {
        mode: 'pvp',
        team_id: a.teamId,
        opponent_id: b.id,
        rated: true,
      });
      const id = String(c.body.id);
      const acc = await call('POST', `/api/v1/pokemon/battles/${id}/accept`, b.auth, { team_id: b.teamId });
      if (acc.status !== 200) throw new Error(`accept answered ${acc.status}: ${JSON.stringify(acc.body)}`);
      return id;
    };
    const latencies: number[] = [];
    let choiceErrors = 0;
    let finished = 0;
    let measuring = false;
    const think = () => new Promise((r) => setTimeout(r, 500 + Math.random() * 1000));
    /** One player: chooses (after thinking) whenever the battle waits for them, until it ends or time is up. */
    const play = async (p: Player, battleId: string, until: number, first: Record<string, unknown>) => {
      let view = first;
      while (performance.now() < until) {
        if (view.status === 'finished') return true;
        const waiting = (view.waiting_for as string[] | undefined) ?? [];
        if (!waiting.includes(String(view.your_side))) {
          // Waiting for the opponent: look again in a second, for the log lines since the last look.
          await new Promise((r) => setTimeout(r, 1000));
          view = (
            await call(
              'GET',
              `/api/v1/pokemon/battles/${battleId}?log_from=${Number(view.log_next ?? 0)}`,
              p.auth,
            )
          ).body;
          continue;
        }
        await think();
        const res = await call('POST', `/api/v1/pokemon/battles/${battleId}/choices`, p.auth, {
          choice: 'default',
        });
        if (measuring) {
          if (res.status === 200) latencies.push(res.ms);
          else choiceErrors++;
        }
        view =
          res.status === 200
            ? res.body
            : (
                await call(
                  'GET',
                  `/api/v1/pokemon/battles/${battleId}?log_from=${Number(view.log_next ?? 0)}`,
                  p.auth,
                )
              ).body;
      }
      return false;
    };
    const total = options.warmupSeconds + options.durationSeconds * options.rounds;
    const until = performance.now() + total * 1000;
    let cpuBefore: Record<string, number> = {};
    let selfBefore = process.cpuUsage();
    let choicesBefore = 0;
    const warm = setTimeout(() => {
      measuring = true;
      cpuBefore = cpuNow();
      selfBefore = process.cpuUsage();
      choicesBefore = latencies.length;
    }, options.warmupSeconds * 1000);
    // Each slot keeps a battle going: when one ends, its two players start another.
    await Promise.all(
      Array.from({ length: BATTLES }, async (_, i) => {
        const a = pvpPlayers[2 * i]!;
        const b = pvpPlayers[2 * i + 1]!;
        while (performance.now() < until) {
          const id = await startBattle(a, b);
          const [va, vb] = await Promise.all([
            call('GET', `/api/v1/pokemon/battles/${id}`, a.auth),
            call('GET', `/api/v1/pokemon/battles/${id}`, b.auth),
          ]);
          const [doneA] = await Promise.all([play(a, id, until, va.body), play(b, id, until, vb.body)]);
          if (doneA && measuring) finished++;
        }
      }),
    );
    clearTimeout(warm);
    const cpuAfter: Record<string, number> = cpuNow();
    const self = process.cpuUsage(selfBefore);
    cpuAfter['load generator'] = (self.user + self.system) / 1000;
    cpuBefore['load generator'] = 0;
    const sorted = [...latencies].sort((x, y) => x - y);
    const choices = latencies.length - choicesBefore;
    const measuredSeconds = options.durationSeconds * options.rounds;
    const turnsResult: TurnLatency = {
      battles: BATTLES,
      choices,
      choicesPerSecond: choices / measuredSeconds,
      p50: Math.round(percentile(sorted, 50) * 10) / 10,
      p99: Math.round(percentile(sorted, 99) * 10) / 10,
      max: Math.round((sorted[sorted.length - 1] ?? 0) * 10) / 10,
      errors: choiceErrors,
      finishedBattles: finished,
      cpuMsPerChoice: Object.fromEntries(
        Object.keys(cpuAfter).map((k) => [k, (cpuAfter[k]! - (cpuBefore[k] ?? 0)) / Math.max(choices, 1)]),
      ),
    };
    options.log(
      `    ${turnsResult.choicesPerSecond.toFixed(0)} choices/s, p50 ${turnsResult.p50} ms, p99 ${turnsResult.p99} ms, ` +
        `${turnsResult.finishedBattles} battles finished, ${turnsResult.errors} errors`,
    );
    return { throughput, turns: turnsResult };
  } finally {
    await api?.stop();
    await sink.stop();
    await pg.destroy();
  }
}
