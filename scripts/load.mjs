#!/usr/bin/env node
// `npm run load -- <scenario> [k6 run options…]`: builds k6 once (scripts/k6.mjs), derives thresholds
// from slo/specs/*.yaml (scripts/k6-thresholds.mjs) and runs `k6 run load/main.ts` against the local
// platform, printing k6's summary. The exit code is k6's (99: a threshold, i.e. an SLO, was crossed).
//
//   npm run load -- smoke                     1 player for 15 s (SMOKE_DURATION)
//   npm run load -- steady | stress | spike   see load/scenarios.ts
//   npm run load -- smoke --summary-export=/tmp/summary.json
//
// Environment: GATEWAY_URL (default http://127.0.0.1:8080; loopback only), ADMIN_EMAIL and
// ADMIN_PASSWORD (an admin of the platform, default admin@gameday.local as on the local stack),
// THINK (think-time scale, default 1), K6_NO_THRESHOLDS=1 to run without the SLO thresholds,
// GAMEDAY_LOAD_THRESHOLDS=errors to keep only the error-rate ones, POKEMON=0 to leave the Pokémon
// journey out (load/scenarios.ts).
/* global fetch, AbortSignal */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureK6, K6SetupError, repoRoot } from './k6.mjs';
import { sloThresholds } from './k6-thresholds.mjs';

const SCENARIOS = ['smoke', 'steady', 'stress', 'spike'];
const step = (msg) => process.stderr.write(`\x1b[36m[load]\x1b[0m ${msg}\n`);
function fail(msg, code = 1) {
  process.stderr.write(`\x1b[31m[load] ${msg}\x1b[0m\n`);
  process.exit(code);
}

const [scenario = 'smoke', ...k6Args] = process.argv.slice(2);
if (!SCENARIOS.includes(scenario)) fail(`unknown scenario "${scenario}": use one of ${SCENARIOS.join(', ')}`);

const gateway = (process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
let host;
try {
  host = new URL(gateway).hostname;
} catch {
  fail(`GATEWAY_URL=${gateway} is not a URL`);
}
if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
  fail(`GATEWAY_URL=${gateway}: load tests only run against this machine (127.0.0.1 or localhost)`);
}

// Is the platform there? A clear message beats a k6 run full of connection errors.
try {
  const res = await fetch(`${gateway}/api/v1/openapi.json`, { signal: AbortSignal.timeout(5000) });
  if (res.status >= 500) fail(`the gateway at ${gateway} answers ${res.status}: is the platform healthy?`);
} catch (err) {
  fail(
    `no gateway at ${gateway} (${err.cause?.code ?? err.cause?.errors?.[0]?.code ?? err.cause?.message ?? err.message}): is the platform running? npm start`,
  );
}

let k6;
try {
  k6 = ensureK6();
} catch (err) {
  if (err instanceof K6SetupError) fail(err.message);
  throw err;
}

// GAMEDAY_LOAD_THRESHOLDS=errors keeps only the error-rate thresholds: a run on a busy machine (a test) checks
// that nothing failed without turning latency, which the benchmarks measure, into a pass/fail.
const allThresholds = process.env.K6_NO_THRESHOLDS === '1' ? {} : sloThresholds();
const thresholds =
  process.env.GAMEDAY_LOAD_THRESHOLDS === 'errors'
    ? Object.fromEntries(
        Object.entries(allThresholds).filter(([metric]) => !metric.startsWith('http_req_duration')),
      )
    : allThresholds;
step(
  process.env.K6_NO_THRESHOLDS === '1'
    ? `${scenario} against ${gateway}, without thresholds (background load: nobody judges it)`
    : `${scenario} against ${gateway}, ${Object.keys(thresholds).length} thresholds from slo/specs`,
);
const args = ['run', '--quiet', ...k6Args, join(repoRoot, 'load', 'main.ts')];
const child = spawn(k6, args, {
  cwd: repoRoot,
  stdio: 'inherit',
  env: {
    ...process.env,
    SCENARIO: scenario,
    GATEWAY_URL: gateway,
    GAMEDAY_THRESHOLDS: JSON.stringify(thresholds),
    K6_NO_USAGE_REPORT: 'true',
  },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('error', (err) => fail(`cannot run ${k6}: ${err.message}. Rebuild it: node scripts/k6.mjs`));
child.on('exit', (code, signal) => {
  if (code === 99) step('k6: some thresholds (SLOs) were crossed, see ✗ above');
  process.exit(code ?? (signal ? 1 : 0));
});
