// The supervisor's chaos endpoints: what the controller reports becomes gameday_chaos_experiment_*
// on /metrics; a bad field is a 400 naming it and changes nothing.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertSink } from './alert-sink';
import { createStackServer, StackMetrics } from './stack-server';

let server: Server;
let base: string;

beforeEach(async () => {
  server = createStackServer(new StackMetrics(), new AlertSink(undefined));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => new Promise<void>((r) => server.close(() => r())));

const put = (path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const metrics = async () => (await fetch(`${base}/metrics`)).text();

const result = {
  experiment: 'casino-errors',
  verdict: 'failed',
  endedAt: 1_796_653_300,
  budgetConsumed: 0.0164,
  maxBurnRate: 495.7,
  detectionSeconds: null,
  recoverySeconds: 25,
};

describe('PUT /chaos/result', () => {
  it('turns a finished run into gameday_chaos_experiment_* series', async () => {
    expect(
      (await put('/chaos/active', { experiment: 'casino-errors', fault: 'http-error', active: true })).status,
    ).toBe(200);
    // From the injection on, every verdict's run counter exists at 0 (increase() sees the first run).
    expect(await metrics()).toMatch(
      /gameday_chaos_experiment_runs_total\{experiment="casino-errors",verdict="passed"\} 0/,
    );
    const r = await put('/chaos/result', result);
    expect(r.status).toBe(200);
    const text = await metrics();
    expect(text).toMatch(
      /gameday_chaos_experiment_runs_total\{experiment="casino-errors",verdict="failed"\} 1/,
    );
    expect(text).toMatch(/gameday_chaos_experiment_verdict\{experiment="casino-errors",verdict="failed"\} 1/);
    expect(text).toMatch(/gameday_chaos_experiment_verdict\{experiment="casino-errors",verdict="passed"\} 0/);
    expect(text).toMatch(
      /gameday_chaos_experiment_budget_consumed_ratio\{experiment="casino-errors"\} 0.0164/,
    );
    expect(text).toMatch(/gameday_chaos_experiment_recovery_seconds\{experiment="casino-errors"\} 25/);
    expect(text).toMatch(
      /gameday_chaos_experiment_last_run_timestamp_seconds\{experiment="casino-errors"\} 1796653300/,
    );
    // Not measured (no alert fired): no series, only the metric's HELP and TYPE.
    expect(text).not.toMatch(/gameday_chaos_experiment_detection_seconds\{/);
    expect(text).toMatch(/# TYPE gameday_chaos_experiment_detection_seconds gauge/);
  });

  it.each([
    ['experiment', { ...result, experiment: 'Casino Errors' }, 'experiment must be a lower-case name'],
    [
      'verdict',
      { ...result, verdict: 'maybe' },
      'verdict must be one of passed, failed, refused, error, interrupted',
    ],
    ['endedAt', { ...result, endedAt: 'yesterday' }, 'endedAt must be a Unix time in seconds'],
    ['budgetConsumed', { ...result, budgetConsumed: '2%' }, 'budgetConsumed must be a number or null'],
  ])('refuses a bad %s with a 400 naming it, and records nothing', async (_field, body, detail) => {
    const r = await put('/chaos/result', body);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { detail: string }).detail).toBe(detail);
    expect(await metrics()).not.toMatch(/gameday_chaos_experiment_runs_total\{/);
  });
});
