// The load scenarios, one k6 `options` each, picked by SCENARIO (load/main.ts). Every scenario stops by
// itself (bounded durations, gracefulStop) and targets this machine only (load/lib/api.ts refuses a
// GATEWAY_URL that is not loopback). A journey is ~12 requests; the gateway limits each client
// address to RATE_LIMIT_IP_PER_MINUTE (600 by default, 10 requests/s): steady stays under it, stress
// and spike go past it unless the gateway is started with a higher limit (429s are counted in
// gameday_rate_limited and fail checks, not http_req_failed).
//
// Thresholds come from the SLO specs: scripts/k6-thresholds.mjs turns slo/specs/*.yaml into k6
// thresholds and scripts/load.mjs passes them as JSON in GAMEDAY_THRESHOLDS.
import type { Options } from 'k6/options';

export const SCENARIOS = ['smoke', 'steady', 'stress', 'spike'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

const GRACEFUL_STOP = '10s';

function scenario(name: ScenarioName): NonNullable<Options['scenarios']>[string] {
  switch (name) {
    case 'smoke':
      // One player at a time, for SMOKE_DURATION (default 15s): does every journey step work?
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

function thresholds(name: ScenarioName): NonNullable<Options['thresholds']> {
  const raw = __ENV.GAMEDAY_THRESHOLDS;
  const fromSlos = (raw ? JSON.parse(raw) : {}) as NonNullable<Options['thresholds']>;
  // The smoke test is a correctness gate too: every check must pass.
  return name === 'smoke' ? { ...fromSlos, checks: ['rate==1'] } : fromSlos;
}

export function scenarioOptions(name: string): Options {
  if (!(SCENARIOS as readonly string[]).includes(name)) {
    throw new Error(`SCENARIO=${name}: use one of ${SCENARIOS.join(', ')}`);
  }
  const chosen = name as ScenarioName;
  return {
    scenarios: { [chosen]: { ...scenario(chosen), exec: 'journey' } },
    thresholds: thresholds(chosen),
    setupTimeout: '60s',
    teardownTimeout: '10s',
    summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  };
}
