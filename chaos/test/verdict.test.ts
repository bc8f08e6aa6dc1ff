// The verdict from evidence alone: each hypothesis condition decides pass/fail from the samples,
// with the edge cases that matter (no data, a relapse after recovery, a guard that needs its whole
// "for" above the limit).

import { computeVerdict, guardTrip, recoveredAt } from '../src/verdict';
import type { Journal, SampleRecord } from '../src/journal';
import { parseExperiment } from '../src/spec';

const budget = 0.001;
const s = (q: string, points: [number, number | null][]): SampleRecord[] =>
  points.map(([t, v]) => ({ q, t, v }));

function evidence(
  hypothesis: string,
  over: Partial<Omit<Journal, 'verdict'>> = {},
): Omit<Journal, 'verdict'> {
  const experiment = parseExperiment(
    `apiVersion: gameday/v1
kind: ChaosExperiment
metadata: { name: t }
spec:
  target: { service: accounts }
  fault: { type: http-error }
  duration: 60s
  hypothesis:
    slos: [accounts/availability]
${hypothesis.replace(/^/gm, '    ')}
`,
    't.yaml',
  );
  return {
    version: 1,
    runId: 'r',
    file: 't.yaml',
    experiment,
    engine: 'local',
    dryRun: false,
    timeline: { startedAt: 0, injectedAt: 100, removedAt: 160, endedAt: 260 },
    outcome: 'completed',
    slos: [
      {
        id: 'accounts/availability',
        service: 'accounts',
        name: 'availability',
        objective: 0.999,
        budget,
        periodSeconds: 30 * 86400,
      },
    ],
    queries: [
      {
        id: 'budget:accounts/availability',
        purpose: 'budget',
        slo: 'accounts/availability',
        windowSeconds: 160,
        promql: 'x',
      },
    ],
    samples: [],
    alerts: [],
    notifications: [],
    resources: [],
    events: [],
    ...over,
  };
}

describe('recoveredAt', () => {
  it('is the first good sample after the last bad one', () => {
    const samples = s('q', [
      [160, 0.5],
      [165, 0.2],
      [170, 0.0005],
      [175, 0.0002],
    ]);
    expect(recoveredAt(samples, budget, 160)).toBe(170);
  });
  it('does not count a recovery that relapsed, nor no data as good', () => {
    expect(
      recoveredAt(
        s('q', [
          [160, 0.5],
          [165, 0],
          [170, 0.3],
        ]),
        budget,
        160,
      ),
    ).toBeUndefined();
    expect(
      recoveredAt(
        s('q', [
          [160, 0.5],
          [165, null],
        ]),
        budget,
        160,
      ),
    ).toBeUndefined();
  });
  it('is the removal itself when nothing was bad after it', () => {
    expect(
      recoveredAt(
        s('q', [
          [150, 0.9],
          [160, 0],
          [170, 0],
        ]),
        budget,
        160,
      ),
    ).toBe(160);
  });
});

describe('guardTrip', () => {
  it('trips only after the burn rate stayed above the limit for the whole "for"', () => {
    // 0.05/0.001 = 50× ; 0.005 = 5×
    const samples = s('q', [
      [0, 0.05],
      [5, 0.05],
      [8, 0.005],
      [10, 0.05],
      [15, 0.05],
      [20, 0.05],
    ]);
    expect(guardTrip(samples, budget, 10, 10)).toBe(20);
    expect(guardTrip(samples, budget, 100, 1)).toBeUndefined();
  });
});

describe('computeVerdict', () => {
  it('budget consumed = error ratio × window / (budget × period)', () => {
    const e = evidence('maxBudgetConsumed: 1%', { samples: s('budget:accounts/availability', [[260, 0.5]]) });
    const v = computeVerdict(e);
    // 0.5 × 160 s / (0.001 × 2,592,000 s) = 3.09%
    expect(v.budgetConsumed).toBeCloseTo((0.5 * 160) / (0.001 * 2_592_000), 10);
    expect(v).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(v.summary).toMatch(/maxBudgetConsumed accounts\/availability \(3\.09%\)/);
    const ok = computeVerdict(
      evidence('maxBudgetConsumed: 5%', { samples: s('budget:accounts/availability', [[260, 0.5]]) }),
    );
    expect(ok).toMatchObject({ status: 'passed', exitCode: 0 });
  });

  it('maxBurnRate looks only at samples while the fault was injected', () => {
    const samples = s('burn:accounts/availability', [
      [90, 0.9],
      [120, 0.01],
      [150, 0.012],
      [200, 0.9],
    ]);
    const v = computeVerdict(evidence('maxBurnRate: { value: 15 }', { samples }));
    expect(v.maxBurnRate).toBeCloseTo(12);
    expect(v.status).toBe('passed');
    expect(computeVerdict(evidence('maxBurnRate: { value: 10 }', { samples })).status).toBe('failed');
  });

  it('recoveryWithin counts from removal', () => {
    const samples = s('recovery:accounts/availability', [
      [160, 0.9],
      [180, 0.1],
      [200, 0],
      [220, 0],
    ]);
    const v = computeVerdict(evidence('recoveryWithin: 30s', { samples }));
    expect(v.recoverySeconds).toBe(40);
    expect(v.status).toBe('failed');
    expect(computeVerdict(evidence('recoveryWithin: 1m', { samples })).status).toBe('passed');
  });

  it('expectAlert: fired in time in Prometheus, routed by Alertmanager and delivered to the receiver', () => {
    const labels = {
      alertname: 'SLOErrorBudgetBurn',
      severity: 'critical',
      slo_service: 'accounts',
      slo_name: 'availability',
    };
    const hyp =
      'expectAlert: [{ alertname: SLOErrorBudgetBurn, labels: { severity: critical }, within: 1m, receiver: pager }]';
    const alerts = [
      { t: 110, prometheus: [{ alertname: 'SLOErrorBudgetBurn', labels, state: 'pending' }] },
      {
        t: 150,
        prometheus: [{ alertname: 'SLOErrorBudgetBurn', labels, state: 'firing' }],
        alertmanager: [{ labels, state: 'active', receivers: ['pager'], startsAt: '' }],
      },
    ];
    const notifications = [
      { receiver: 'pager', received_at: 'x', status: 'firing', alerts: [{ labels, status: 'firing' }] },
    ];
    const v = computeVerdict(evidence(hyp, { alerts, notifications }));
    expect(v).toMatchObject({ status: 'passed', detectionSeconds: 50 });
    expect(v.alertsFired).toEqual([
      'SLOErrorBudgetBurn{severity="critical",slo_service="accounts",slo_name="availability"}',
    ]);
    // Not delivered: the paging path is broken even though Prometheus fired.
    const undelivered = computeVerdict(evidence(hyp, { alerts }));
    expect(undelivered.checks.find((c) => c.name === 'alertDelivered')).toMatchObject({
      passed: false,
      observed: 'routed, but no notification reached the receiver',
    });
    // Too late.
    const late = computeVerdict(
      evidence(hyp.replace('within: 1m', 'within: 30s'), { alerts, notifications }),
    );
    expect(late.checks.find((c) => c.name === 'expectAlert')).toMatchObject({
      passed: false,
      observed: 'fired after 50s',
    });
  });

  it('detection and "alerts fired" ignore alerts that were already firing before injection', () => {
    const ticket = {
      alertname: 'SLOErrorBudgetBurn',
      severity: 'warning',
      slo_service: 'accounts',
      slo_name: 'availability',
    };
    const page = { ...ticket, severity: 'critical' };
    const firing = (labels: Record<string, string>) => ({
      alertname: 'SLOErrorBudgetBurn',
      labels,
      state: 'firing',
    });
    const alerts = [
      { t: 90, prometheus: [firing(ticket)] },
      { t: 105, prometheus: [firing(ticket)] },
      { t: 130, prometheus: [firing(ticket), firing(page)] },
    ];
    const v = computeVerdict(evidence('recoveryWindow: 30s', { alerts }));
    expect(v.detectionSeconds).toBe(30);
    expect(v.alertsFired).toEqual([
      'SLOErrorBudgetBurn{severity="critical",slo_service="accounts",slo_name="availability"}',
    ]);
  });

  it('expectNoAlert fails when the alert fires after injection, not before it', () => {
    const labels = { alertname: 'X', severity: 'warning' };
    const hyp = 'expectNoAlert: [{ alertname: X }]';
    expect(
      computeVerdict(
        evidence(hyp, { alerts: [{ t: 50, prometheus: [{ alertname: 'X', labels, state: 'firing' }] }] }),
      ).status,
    ).toBe('passed');
    expect(
      computeVerdict(
        evidence(hyp, { alerts: [{ t: 130, prometheus: [{ alertname: 'X', labels, state: 'firing' }] }] }),
      ).status,
    ).toBe('failed');
  });

  it('an abort, a refusal, an error and an interruption', () => {
    expect(
      computeVerdict(
        evidence('{}'.replace('{}', 'recoveryWindow: 30s'), { outcome: 'aborted', reason: 'burnt' }),
      ),
    ).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(
      computeVerdict(evidence('recoveryWindow: 30s', { outcome: 'refused', reason: 'burning' })),
    ).toMatchObject({ status: 'refused', exitCode: 2, summary: 'refused to start: burning' });
    expect(
      computeVerdict(evidence('recoveryWindow: 30s', { outcome: 'error', reason: 'boom' })),
    ).toMatchObject({ status: 'error', exitCode: 2 });
    expect(computeVerdict(evidence('recoveryWindow: 30s', { outcome: 'interrupted' }))).toMatchObject({
      status: 'interrupted',
      exitCode: 2,
    });
  });
});
