// The load scenarios, one k6 `options` each, picked by SCENARIO (load/main.ts). Every scenario stops by
// itself (bounded durations, gracefulStop) and targets this machine only (load/lib/api.ts refuses a
// GATEWAY_URL that is not loopback). A journey is ~12 requests; the gateway limits each client
// address to RATE_LIMIT_IP_PER_MINUTE (600 by default, 10 requests/s): steady stays under it, stress
// and spike go past it unless the gateway is started with a higher limit (429s are counted in
// gameday_rate_limited and fail checks, not http_req_failed).
//
// Each scenario runs two k6 scenarios: the casino journey (named after it) and, beside it, the Pokémon
// journey (`pokemon`) at 1/60 of its arrival rate: a visit is ~80 requests (two trainers, an AI battle,
// a live battle of ~17 turns of two choices), paced by think time, so steady adds ~0.7 requests/s to
// the casino's ~6 and stays well under the limit. POKEMON=0 leaves the Pokémon journey out.
//
// Thresholds come from the SLO specs: scripts/k6-thresholds.mjs turns slo/specs/*.yaml into k6
// thresholds and scripts/load.mjs passes them as JSON in GAMEDAY_THRESHOLDS (the turn choice's
// p(99)<50 and the AI battle's p(99)<500 are pokemon/turn-latency and pokemon/battle-latency). The
// journeys add their own (JOURNEY_THRESHOLDS), for what no SLO states. K6_NO_THRESHOLDS=1 (the
// background load) turns every one of them off: k6 itself honours it.
import type { Options } from 'k6/options';

export const SCENARIOS = ['smoke', 'steady', 'stress', 'spike'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

const GRACEFUL_STOP = '10s';

function scenario(name: ScenarioName): Scenario {
  switch (name) {
    case 'smoke':
      // One player at a time, for SMOKE_DURATION (default 15s): does every journey step work? (And
      // one Pokémon visit beside it.)
      return {
        executor: 'constant-vus',
        vus: 1,
        duration: __ENV.SMOKE_DURATION || '15s',
        gracefulStop: GRACEFUL_STOP,
      };
    case 'steady':
      // A modest constant arrival rate: one journey every 2 s (~6 requests/s) for 2 minutes.
      return {
        executor: 'constant-arrival-rate',
        rate: 1,
        timeUnit: '2s',
        duration: __ENV.STEADY_DURATION || '2m',
        preAllocatedVUs: 5,
        maxVUs: 20,
        gracefulStop: GRACEFUL_STOP,
      };
    case 'stress':
      // Arrivals ramp up step by step to 4 journeys/s (~50 requests/s), then back down: ~4.5 minutes.
      return {
        executor: 'ramping-arrival-rate',
        startRate: 1,
        timeUnit: '2s',
        preAllocatedVUs: 10,
        maxVUs: 80,
        stages: [
          { target: 2, duration: '30s' },
          { target: 2, duration: '30s' },
          { target: 4, duration: '30s' },
          { target: 4, duration: '30s' },
          { target: 8, duration: '30s' },
          { target: 8, duration: '60s' },
          { target: 0, duration: '30s' },
        ],
        gracefulStop: GRACEFUL_STOP,
      };
    case 'spike':
      // Quiet, a sudden jump to 10x in 5 s, held for 30 s, and back: ~2 minutes.
      return {
        executor: 'ramping-arrival-rate',
        startRate: 1,
        timeUnit: '2s',
        preAllocatedVUs: 10,
        maxVUs: 80,
        stages: [
          { target: 1, duration: '30s' },
          { target: 10, duration: '5s' },
          { target: 10, duration: '30s' },
          { target: 1, duration: '5s' },
          { target: 1, duration: '30s' },
        ],
        gracefulStop: GRACEFUL_STOP,
      };
  }
}

type Scenario = NonNullable<Options['scenarios']>[string];

/**
 * A visit still running when its scenario ends gets this long to finish (~20 s at THINK=1): one cut
 * short while queued would leave a trainer in the matchmaking queue that nobody plays.
 */
const POKEMON_GRACEFUL_STOP = '30s';

/** The Pokémon journey beside the casino's: the same shape, one visit every 2 minutes where it has one every 2 s. */
function pokemonScenario(name: ScenarioName): Scenario {
  const casino = scenario(name);
  const gracefulStop = POKEMON_GRACEFUL_STOP;
  switch (casino.executor) {
    case 'constant-vus':
      // Smoke: one trainer's visit, every step of it once.
      return {
        executor: 'per-vu-iterations',
        vus: 1,
        iterations: 1,
        maxDuration: casino.duration,
        gracefulStop,
      };
    case 'constant-arrival-rate':
      return { ...casino, timeUnit: '120s', preAllocatedVUs: 2, maxVUs: 6, gracefulStop };
    case 'ramping-arrival-rate':
      return { ...casino, timeUnit: '120s', preAllocatedVUs: 2, maxVUs: 12, gracefulStop };
    default:
      throw new Error(`no Pokémon scenario beside a ${casino.executor} one`);
  }
}

/**
 * The journeys' own thresholds, on their metrics (load/lib/pokemon.ts). `errors` ones stay with
 * GAMEDAY_LOAD_THRESHOLDS=errors, as the SLOs' error rates do; `latency` ones go, as http_req_duration's.
 */
export const JOURNEY_THRESHOLDS: Record<string, { kind: 'errors' | 'latency'; expressions: string[] }> = {
  // A replay re-simulates a battle from its seed and choices: one that differs from what was stored
  // is a bug (a lost choice, a non-deterministic simulation), however rare.
  gameday_pokemon_replays_verified: { kind: 'errors', expressions: ['rate==1'] },
  // Two fresh trainers (1500 both, within each other's first window) are paired by the next
  // matchmaking pass (every 2 s): matched within 10 s, and most of them matched at all. Not all: a
  // trainer left waiting by a run that was killed is paired with the next one queued, whose rival then
  // waits alone (and leaves after MATCH_WAIT_SECONDS) unless another visit comes meanwhile.
  gameday_pokemon_match_wait: { kind: 'latency', expressions: ['p(95)<10000'] },
  gameday_pokemon_matched: { kind: 'errors', expressions: ['rate>=0.5'] },
};

function thresholds(name: ScenarioName): NonNullable<Options['thresholds']> {
  const raw = __ENV.GAMEDAY_THRESHOLDS;
  const fromSlos = (raw ? JSON.parse(raw) : {}) as NonNullable<Options['thresholds']>;
  const errorsOnly = __ENV.GAMEDAY_LOAD_THRESHOLDS === 'errors';
  const journeys = Object.fromEntries(
    Object.entries(JOURNEY_THRESHOLDS)
      .filter(([, t]) => !errorsOnly || t.kind === 'errors')
      .map(([metric, t]) => [metric, t.expressions]),
  );
  // The smoke test is a correctness gate too: every check must pass.
  return name === 'smoke' ? { ...fromSlos, ...journeys, checks: ['rate==1'] } : { ...fromSlos, ...journeys };
}

export function scenarioOptions(name: string): Options {
  if (!(SCENARIOS as readonly string[]).includes(name)) {
    throw new Error(`SCENARIO=${name}: use one of ${SCENARIOS.join(', ')}`);
  }
  const chosen = name as ScenarioName;
  const scenarios: Record<string, Scenario> = { [chosen]: { ...scenario(chosen), exec: 'journey' } };
  if (__ENV.POKEMON !== '0') scenarios['pokemon'] = { ...pokemonScenario(chosen), exec: 'pokemon' };
  return {
    scenarios,
    thresholds: thresholds(chosen),
    setupTimeout: '60s',
    teardownTimeout: '10s',
    summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  };
}
