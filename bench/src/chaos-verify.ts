// `gameday chaos verify` on a 10-minute experiment's journal (target < 1 s): read, parse and
// recompute the verdict. The journal is synthetic but shaped like a real one at its heaviest: one
// sample a second for 10 minutes, three SLOs with every query kind, Prometheus and Alertmanager
// snapshots with a handful of alerts each, and 14 stack components' state at every tick.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { computeVerdict, parseExperiment, verifyJournal } from '@gameday/chaos';
import type { Journal } from '@gameday/chaos';
import {
  ALERT_NAME,
  RECEIVERS,
  SEVERITIES,
  SEVERITY_LABEL,
  SLO_NAME_LABEL,
  SLO_SERVICE_LABEL,
} from '@gameday/slo';
import type { Severity } from '@gameday/slo';

export interface VerifyBench {
  minutes: number;
  samples: number;
  bytes: number;
  runs: number;
  medianMs: number;
  maxMs: number;
  status: string;
}

export function syntheticJournal(minutes = 10, intervalSeconds = 1): Omit<Journal, 'verdict'> {
  const experiment = parseExperiment(
    `apiVersion: gameday/v1
kind: ChaosExperiment
metadata: { name: bench-outage }
spec:
  target: { service: accounts }
  fault: { type: http-error, percent: 100% }
  duration: 5m
  baseline: 30s
  sampleInterval: 1s
  hypothesis:
    slos: [accounts/availability, accounts/latency, gateway/availability]
    maxBudgetConsumed: 10%
    maxBurnRate: { value: 2000, window: 1m }
    recoveryWithin: 3m
    expectAlert: [{ alertname: ${ALERT_NAME}, labels: { ${SEVERITY_LABEL}: critical, ${SLO_SERVICE_LABEL}: accounts }, within: 2m, receiver: ${RECEIVERS.critical} }]
    expectNoAlert: [{ alertname: ${ALERT_NAME}, labels: { ${SLO_SERVICE_LABEL}: wallet } }]
  abort: { burnRate: 5000, for: 1m }
`,
    'bench.yaml',
  );
  const t0 = 1_800_000_000;
  const injectedAt = t0 + 30;
  const removedAt = injectedAt + 300;
  const endedAt = t0 + minutes * 60;
  const slos = ['accounts/availability', 'accounts/latency', 'gateway/availability'].map((id) => ({
    id,
    service: id.split('/')[0]!,
    name: id.split('/')[1]!,
    objective: 0.999,
    budget: 0.001,
    periodSeconds: 2_592_000,
  }));
  const queries: Journal['queries'] = [];
  const samples: Journal['samples'] = [];
  const alerts: Journal['alerts'] = [];
  const resources: Journal['resources'] = [];
  for (const slo of slos) {
    for (const purpose of ['admission', 'burn', 'recovery', 'abort', 'budget'] as const) {
      queries.push({
        id: `${purpose}:${slo.id}`,
        purpose,
        slo: slo.id,
        windowSeconds: 60,
        promql: `(sum(rate(http_server_request_duration_seconds_count{job="${slo.service}",http_response_status_code=~"5.."}[1m])) or vector(0)) / sum(rate(http_server_request_duration_seconds_count{job="${slo.service}"}[1m]))`,
      });
    }
  }
  const labels = (service: string, severity: Severity) => ({
    alertname: ALERT_NAME,
    [SEVERITY_LABEL]: severity,
    [SLO_SERVICE_LABEL]: service,
    [SLO_NAME_LABEL]: 'availability',
  });
  for (let t = t0; t <= endedAt; t += intervalSeconds) {
    const faulty = t >= injectedAt && t < removedAt + 60;
    for (const slo of slos) {
      for (const purpose of ['burn', 'recovery', 'abort'])
        samples.push({ q: `${purpose}:${slo.id}`, t, v: faulty ? 0.9 : 0.0002 });
    }
    const firing = t > injectedAt + 40 && t < removedAt + 300;
    alerts.push({
      t,
      prometheus: firing
        ? SEVERITIES.flatMap((sev) =>
            ['accounts', 'gateway'].map((s) => ({
              alertname: ALERT_NAME,
              labels: labels(s, sev),
              state: 'firing',
              activeAt: new Date(t * 1000).toISOString(),
            })),
          )
        : [],
      alertmanager: firing
        ? ['accounts', 'gateway'].map((s) => ({
            labels: labels(s, 'critical'),
            state: 'active',
            receivers: [RECEIVERS.critical],
            startsAt: '',
          }))
        : [],
    });
    for (let c = 0; c < 14; c++)
      resources.push({
        t,
        resource: `component/c${c}`,
        status: { state: 'ready', pid: 1000 + c, restarts: 0, process: 'S' },
      });
  }
  for (const slo of slos)
    samples.push(
      { q: `admission:${slo.id}`, t: t0, v: 0.0001 },
      { q: `budget:${slo.id}`, t: endedAt, v: 0.5 },
    );
  return {
    version: 1,
    runId: 'gameday-bench-outage-000000',
    file: 'bench.yaml',
    experiment,
    engine: 'local',
    dryRun: false,
    timeline: { startedAt: t0, injectedAt, removedAt, endedAt },
    outcome: 'completed',
    slos,
    queries,
    samples,
    alerts,
    notifications: [
      {
        receiver: RECEIVERS.critical,
        received_at: new Date((injectedAt + 50) * 1000).toISOString(),
        status: 'firing',
        alerts: [{ labels: labels('accounts', 'critical'), status: 'firing' }],
      },
    ],
    resources,
    events: [],
  };
}

export async function benchChaosVerify(runs = 15): Promise<VerifyBench> {
  const evidence = syntheticJournal();
  const journal: Journal = { ...evidence, verdict: computeVerdict(evidence) };
  const dir = mkdtempSync(join(tmpdir(), 'gameday-verify-bench-'));
  const file = join(dir, 'journal.json');
  writeFileSync(file, JSON.stringify(journal, null, 1));
  const times: number[] = [];
  let code = -1;
  try {
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      code = await verifyJournal(file, { stdout: () => undefined, stderr: () => undefined });
      times.push(performance.now() - t);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (code === 2) throw new Error('verify refused the synthetic journal');
  const sorted = [...times].sort((a, b) => a - b);
  return {
    minutes: 10,
    samples: evidence.samples.length,
    bytes: Buffer.byteLength(JSON.stringify(journal, null, 1)),
    runs,
    medianMs: sorted[Math.floor(sorted.length / 2)]!,
    maxMs: sorted.at(-1)!,
    status: journal.verdict.status,
  };
}
