// Bench: how long the SLO generator takes for 50 SLOs (target: under 2 s). The main bench runner
// calls benchSloGeneration() and prints the figure.
import { generateFromSpecs, type SpecSource } from '@gameday/slo';

const SERVICES = 10;
const RUNS = 7;

/** Ten services with five SLOs each (50 SLOs), mixing every SLI kind, period and the low-traffic guard. */
function syntheticSpecs(): SpecSource[] {
  return Array.from({ length: SERVICES }, (_, s) => {
    const service = `bench-${s}`;
    const text = `version: gameday/v1
service: ${service}
slos:
  - name: availability
    objective: 99.9
    sli: { kind: http-availability }
    lowTrafficGuard: { minRequestsPerSecond: 0.1 }
  - name: latency
    objective: 99
    period: 28d
    sli: { kind: http-latency, threshold: 0.25 }
  - name: write-availability
    objective: 99.95
    period: 7d
    sli: { kind: http-availability, routes: [/api/v1/items, /api/v1/items/:id], methods: [POST, PUT] }
  - name: write-latency
    objective: 99.5
    sli: { kind: http-latency, threshold: 1, routes: [/api/v1/items] }
  - name: jobs
    objective: 99
    sli:
      kind: ratio
      bad: sum(rate(gameday_jobs_total{job="${service}",outcome="failed"}[{{window}}]))
      total: sum(rate(gameday_jobs_total{job="${service}"}[{{window}}]))
      testSeries:
        good: gameday_jobs_total{job="${service}",outcome="ok"}
        bad: gameday_jobs_total{job="${service}",outcome="failed"}
`;
    return { file: `slo/specs/${service}.yaml`, text };
  });
}

/**
 * Parses, validates and renders every output (rule files, PrometheusRules, promtool tests,
 * runbooks) for 50 synthetic SLOs in memory, RUNS times, and reports the median run.
 */
export async function benchSloGeneration(): Promise<{ slos: number; medianMs: number; runs: number }> {
  const sources = syntheticSpecs();
  const times: number[] = [];
  let slos = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = generateFromSpecs(sources);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    slos = result.services.reduce((n, s) => n + s.slos.length, 0);
  }
  times.sort((a, b) => a - b);
  return { slos, medianMs: Math.round(times[Math.floor(times.length / 2)]! * 10) / 10, runs: RUNS };
}
