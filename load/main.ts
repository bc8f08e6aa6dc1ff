// The entry point `npm run load -- <scenario>` runs (scripts/load.mjs): `k6 run load/main.ts` with
// SCENARIO (smoke, steady, stress, spike; load/scenarios.ts), GATEWAY_URL (default
// http://127.0.0.1:8080, loopback only) and GAMEDAY_THRESHOLDS (JSON, from slo/specs/*.yaml).
import http from 'k6/http';
import { playerJourney, pokemonJourney } from './journeys.ts';
import type { SetupData } from './journeys.ts';
import { scenarioOptions } from './scenarios.ts';

// As in the SLOs, only 5xx (and network errors) are failures: 4xx are answers.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 499 }));

export const options = scenarioOptions(__ENV.SCENARIO || 'smoke');

export { setup } from './journeys.ts';

/** The casino journey (the scenario named after SCENARIO). */
export function journey(data: SetupData): void {
  playerJourney(data);
}

/** The Pokémon journey (the `pokemon` scenario beside it, at a lower rate; load/scenarios.ts). */
export function pokemon(data: SetupData): void {
  pokemonJourney(data);
}
