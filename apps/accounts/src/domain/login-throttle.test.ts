import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  it('refuses after maxFailures within the window and says how long to wait', () => {
    let now = 1_000_000;
    const t = new LoginThrottle({ maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(t.retryAfter(['email:a'])).toBe(0);
      t.recordFailure(['email:a']);
      now += 1000;
    }
    // The first failure was 3 s ago: it leaves the window in 57 s.
    expect(t.retryAfter(['email:a'])).toBe(57);
    expect(t.retryAfter(['email:b'])).toBe(0);
    now += 57_000;
    expect(t.retryAfter(['email:a'])).toBe(0);
  });

  it('forgets a key after a success and never tracks more than maxKeys', () => {
    const t = new LoginThrottle({ maxFailures: 1, windowMs: 60_000, maxKeys: 2 });
    t.recordFailure(['a']);
    t.recordSuccess(['a']);
    expect(t.retryAfter(['a'])).toBe(0);
    t.recordFailure(['b']);
    t.recordFailure(['c']);
    t.recordFailure(['d']);
    expect(t.retryAfter(['b'])).toBe(0);
    expect(t.retryAfter(['d'])).toBeGreaterThan(0);
  });
});
