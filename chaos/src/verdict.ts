// The verdict, computed from the journal alone: the controller calls it at the end of a run and
// `gameday chaos verify` calls it on a saved journal. Nothing here reads a clock or the network.

import { ALERT_NAME, SEVERITIES, SEVERITY_LABEL, SLO_ALERT_LABELS, SLO_SERVICE_LABEL } from '@gameday/slo';
import { formatSeconds } from './duration';
import type { AlertSnapshot, Check, Journal, SampleRecord, SloRef, Verdict } from './journal';
import { labelsMatch } from './observe';
import type { AlertExpectation } from './spec';

type Evidence = Omit<Journal, 'verdict'>;

/** 2,592,000 s → "30d": SLO periods are whole days. */
const periodText = (seconds: number) =>
  seconds % 86400 === 0 ? `${seconds / 86400}d` : formatSeconds(seconds);

const pct = (ratio: number) => `${(ratio * 100).toFixed(ratio < 0.001 ? 4 : 2)}%`;

/** Samples of one query, oldest first. */
export function series(samples: readonly SampleRecord[], id: string): SampleRecord[] {
  return samples.filter((s) => s.q === id).sort((a, b) => a.t - b.t);
}

/**
 * The abort guard: true at the first sample where the burn rate has stayed above `burnRate` for
 * `forSeconds` (every sample in between above it). Returns that sample's time, or undefined.
 */
export function guardTrip(
  samples: readonly SampleRecord[],
  budget: number,
  burnRate: number,
  forSeconds: number,
): number | undefined {
  let since: number | undefined;
  for (const s of samples) {
    const above = s.v !== null && s.v / budget > burnRate;
    if (!above) {
      since = undefined;
      continue;
    }
    since ??= s.t;
    if (s.t - since >= forSeconds) return s.t;
  }
  return undefined;
}

/**
 * When the SLI met its objective again after `removedAt` and stayed so: the first good sample after
 * the last bad one (no data counts as not good). Undefined when the last sample is still bad.
 */
export function recoveredAt(
  samples: readonly SampleRecord[],
  budget: number,
  removedAt: number,
): number | undefined {
  const after = samples.filter((s) => s.t >= removedAt);
  if (after.length === 0) return undefined;
  const good = (s: SampleRecord) => s.v !== null && s.v <= budget;
  let lastBad = -1;
  after.forEach((s, i) => {
    if (!good(s)) lastBad = i;
  });
  if (lastBad === after.length - 1) return undefined;
  return lastBad === -1 ? removedAt : after[lastBad + 1]!.t;
}

/** Whether an SLO alert of one of the target services is firing in a snapshot. */
export function firingSloAlerts(
  snapshot: AlertSnapshot,
  services: Set<string>,
  severities: readonly string[] = SEVERITIES,
): string[] {
  return snapshot.prometheus
    .filter(
      (a) =>
        a.state === 'firing' &&
        a.alertname === ALERT_NAME &&
        services.has(a.labels[SLO_SERVICE_LABEL] ?? '') &&
        severities.includes(a.labels[SEVERITY_LABEL] ?? ''),
    )
    .map(describeAlert);
}

export function describeAlert(a: { alertname?: string; labels: Record<string, string> }): string {
  const name = a.alertname ?? a.labels.alertname ?? '?';
  const keys = SLO_ALERT_LABELS.filter((k) => a.labels[k] !== undefined);
  return `${name}{${keys.map((k) => `${k}="${a.labels[k]}"`).join(',')}}`;
}

/** When an expected alert first fired at or after `from` (Prometheus snapshots), if it did. */
export function firstFiring(
  snapshots: readonly AlertSnapshot[],
  expectation: AlertExpectation,
  from: number,
): number | undefined {
  for (const s of snapshots) {
    if (s.t < from) continue;
    if (
      s.prometheus.some(
        (a) =>
          a.state === 'firing' &&
          a.alertname === expectation.alertname &&
          labelsMatch(a.labels, expectation.labels),
      )
    )
      return s.t;
  }
  return undefined;
}

function expectationText(x: AlertExpectation): string {
  const labels = Object.entries(x.labels).map(([k, v]) => `${k}="${v}"`);
  return `${x.alertname}${labels.length ? `{${labels.join(',')}}` : ''}`;
}

function sloChecks(
  e: Evidence,
  slo: SloRef,
  checks: Check[],
): { consumed: number | null; burn: number | null; recovery: number | null } {
  const h = e.experiment.spec.hypothesis;
  const { injectedAt, removedAt } = e.timeline;
  let consumed: number | null = null;
  let burn: number | null = null;
  let recovery: number | null = null;

  // Budget: the error ratio over the whole run after injection, times its length, over the period's budget.
  const budgetQuery = e.queries.find((q) => q.id === `budget:${slo.id}`);
  const budgetSample = budgetQuery ? series(e.samples, budgetQuery.id).at(-1) : undefined;
  if (budgetQuery && budgetSample) {
    consumed = ((budgetSample.v ?? 0) * budgetQuery.windowSeconds) / (slo.budget * slo.periodSeconds);
  }
  if (h.maxBudgetConsumed !== undefined) {
    checks.push({
      name: 'maxBudgetConsumed',
      slo: slo.id,
      passed: consumed !== null && consumed <= h.maxBudgetConsumed,
      expected: `≤ ${pct(h.maxBudgetConsumed)} of the ${periodText(slo.periodSeconds)} budget`,
      observed:
        consumed === null
          ? 'not measured'
          : `${pct(consumed)}${budgetSample?.v === null ? ' (no traffic)' : ''}`,
    });
  }

  // Burn rate while injecting.
  if (injectedAt !== undefined) {
    const end = removedAt ?? e.timeline.endedAt;
    const during = series(e.samples, `burn:${slo.id}`).filter(
      (s) => s.t >= injectedAt && s.t <= end && s.v !== null,
    );
    if (during.length) burn = Math.max(...during.map((s) => s.v! / slo.budget));
  }
  if (h.maxBurnRate) {
    checks.push({
      name: 'maxBurnRate',
      slo: slo.id,
      passed: burn !== null && burn <= h.maxBurnRate.value,
      expected: `≤ ${h.maxBurnRate.value}× over ${formatSeconds(h.maxBurnRate.window)} while injecting`,
      observed: burn === null ? 'no data while injecting' : `${burn.toFixed(2)}×`,
    });
  }

  // Recovery from removal.
  if (removedAt !== undefined) {
    const at = recoveredAt(series(e.samples, `recovery:${slo.id}`), slo.budget, removedAt);
    recovery = at === undefined ? null : at - removedAt;
  }
  if (h.recoveryWithin !== undefined) {
    checks.push({
      name: 'recoveryWithin',
      slo: slo.id,
      passed: recovery !== null && recovery <= h.recoveryWithin,
      expected: `SLI over ${formatSeconds(h.recoveryWindow)} meets ${pct(slo.objective)} within ${formatSeconds(h.recoveryWithin)} of removal`,
      observed:
        recovery === null
          ? removedAt === undefined
            ? 'the fault was never removed'
            : 'not recovered'
          : formatSeconds(recovery),
    });
  }
  return { consumed, burn, recovery };
}

/** Recomputes the verdict from the evidence. Pure: same journal, same verdict. */
export function computeVerdict(e: Evidence): Verdict {
  const base = {
    budgetConsumed: null,
    maxBurnRate: null,
    detectionSeconds: null,
    recoverySeconds: null,
    alertsFired: [] as string[],
  };
  if (e.outcome === 'refused') {
    return {
      ...base,
      status: 'refused',
      exitCode: 2,
      summary: `refused to start: ${e.reason ?? 'admission failed'}`,
      checks: [],
    };
  }
  if (e.outcome === 'error') {
    return {
      ...base,
      status: 'error',
      exitCode: 2,
      summary: `could not run: ${e.reason ?? 'unknown error'}`,
      checks: [],
    };
  }
  if (e.outcome === 'interrupted') {
    return {
      ...base,
      status: 'interrupted',
      exitCode: 2,
      summary: `${e.reason ?? 'interrupted'}${e.timeline.injectedAt === undefined ? ' before injecting' : '; the fault was rolled back'}`,
      checks: [],
    };
  }

  const h = e.experiment.spec.hypothesis;
  const checks: Check[] = [];
  const { injectedAt } = e.timeline;
  const services = new Set(e.slos.map((s) => s.service));

  let consumed: number | null = null;
  let burn: number | null = null;
  let recovery: number | null = null;
  const max = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
  for (const slo of e.slos) {
    const r = sloChecks(e, slo, checks);
    consumed = max(consumed, r.consumed);
    burn = max(burn, r.burn);
    // Every target SLO must have recovered: the slowest one counts; one that never did makes it null.
    recovery =
      slo === e.slos[0]
        ? r.recovery
        : recovery === null || r.recovery === null
          ? null
          : Math.max(recovery, r.recovery);
  }

  // Alerts: detection is the first SLO alert of a target service that starts firing after
  // injection. Alerts already firing before it (an earlier experiment's ticket) are not news.
  const fired = new Set<string>();
  let detection: number | null = null;
  if (injectedAt !== undefined) {
    const already = new Set<string>();
    const before = e.alerts.filter((s) => s.t < injectedAt).at(-1);
    for (const a of before?.prometheus ?? []) if (a.state === 'firing') already.add(describeAlert(a));
    for (const s of e.alerts) {
      if (s.t < injectedAt) continue;
      const fresh = firingSloAlerts(s, services).filter((a) => !already.has(a));
      if (fresh.length && detection === null) detection = s.t - injectedAt;
      for (const a of s.prometheus) {
        if (a.state === 'firing' && !already.has(describeAlert(a))) fired.add(describeAlert(a));
      }
    }
  }

  for (const x of h.expectAlert) {
    const at = injectedAt === undefined ? undefined : firstFiring(e.alerts, x, injectedAt);
    const within = x.within ?? Infinity;
    const inTime = at !== undefined && at - injectedAt! <= within;
    checks.push({
      name: 'expectAlert',
      passed: inTime,
      expected: `${expectationText(x)} firing in Prometheus within ${formatSeconds(within)}`,
      observed: at === undefined ? 'never fired' : `fired after ${formatSeconds(at - injectedAt!)}`,
    });
    // The whole paging path: Alertmanager routed it, and the receiver got the notification.
    const routed = e.alerts.some((s) =>
      (s.alertmanager ?? []).some(
        (a) =>
          a.labels.alertname === x.alertname &&
          labelsMatch(a.labels, x.labels) &&
          (x.receiver === undefined || a.receivers.includes(x.receiver)),
      ),
    );
    const notified = e.notifications.find(
      (n) =>
        (x.receiver === undefined || n.receiver === x.receiver) &&
        n.alerts.some(
          (a) =>
            a.status === 'firing' && a.labels.alertname === x.alertname && labelsMatch(a.labels, x.labels),
        ),
    );
    const checkedReceivers = e.engine === 'local';
    checks.push({
      name: 'alertDelivered',
      passed: routed && (!checkedReceivers || notified !== undefined),
      expected: `Alertmanager routes it${x.receiver ? ` to ${x.receiver}` : ''}${checkedReceivers ? ' and the receiver is notified' : ''}`,
      observed: !routed
        ? 'not seen at Alertmanager'
        : !checkedReceivers
          ? 'routed by Alertmanager'
          : notified
            ? `${notified.receiver} notified at ${notified.received_at}`
            : 'routed, but no notification reached the receiver',
    });
  }
  for (const x of h.expectNoAlert) {
    const at = injectedAt === undefined ? undefined : firstFiring(e.alerts, x, injectedAt);
    checks.push({
      name: 'expectNoAlert',
      passed: at === undefined,
      expected: `${expectationText(x)} does not fire`,
      observed: at === undefined ? 'did not fire' : `fired after ${formatSeconds(at - injectedAt!)}`,
    });
  }

  if (e.outcome === 'aborted') {
    checks.push({
      name: 'abortGuard',
      passed: false,
      expected: `burn rate stays under ${e.experiment.spec.abort?.burnRate ?? '?'}× for less than ${formatSeconds(e.experiment.spec.abort?.for ?? 0)}`,
      observed:
        `tripped${e.timeline.abortedAt && injectedAt ? ` after ${formatSeconds(e.timeline.abortedAt - injectedAt)}` : ''}: ${e.reason ?? ''}`.trim(),
    });
  }

  const failed = checks.filter((c) => !c.passed);
  const status = failed.length === 0 ? 'passed' : 'failed';
  const summary =
    status === 'passed'
      ? `hypothesis held (${checks.length} check${checks.length === 1 ? '' : 's'})`
      : `hypothesis failed: ${failed.map((c) => `${c.name}${c.slo ? ` ${c.slo}` : ''} (${c.observed})`).join('; ')}`;
  return {
    status,
    exitCode: status === 'passed' ? 0 : 1,
    summary,
    checks,
    budgetConsumed: consumed,
    maxBurnRate: burn,
    detectionSeconds: detection,
    recoverySeconds: recovery,
    alertsFired: [...fired].sort(),
  };
}
