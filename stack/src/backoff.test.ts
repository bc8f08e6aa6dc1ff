import { backoffDelay, RestartBackoff } from './backoff';

describe('restart backoff', () => {
  it('doubles from 1 s and caps at 30 s like a Kubernetes CrashLoopBackOff', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20, 1000].map((n) => backoffDelay(n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('keeps growing while a component crashes again before it has been ready for 60 s', () => {
    const backoff = new RestartBackoff();
    let now = 0;
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      delays.push(backoff.crashed(now));
      now += delays[delays.length - 1]! + 500;
      backoff.ready(now);
      now += 59_000;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('starts again at 1 s after the component has been ready for 60 s', () => {
    const backoff = new RestartBackoff();
    expect(backoff.crashed(0)).toBe(1_000);
    expect(backoff.crashed(1_000)).toBe(2_000);
    expect(backoff.crashed(3_000)).toBe(4_000);
    backoff.ready(10_000);
    expect(backoff.crashed(70_000)).toBe(1_000);
    expect(backoff.crashed(71_000)).toBe(2_000);
  });

  it('does not reset for a component that never became ready, however long it ran', () => {
    const backoff = new RestartBackoff();
    expect(backoff.crashed(0)).toBe(1_000);
    expect(backoff.crashed(600_000)).toBe(2_000);
  });
});
