import { createLatencyTracker } from '../../../server/src/button-client/latency-tracker';
import { createLocalRateLimiter } from '../../../server/src/button-client/rate-limiter';
import { createRetryBudget } from '../../../server/src/button-client/retry-budget';
import { createSlidingWindow } from '../../../server/src/button-client/sliding-window';
import { createFakeClock } from '../../helpers/fake-clock';

describe('sliding window', () => {
  it('sums what happened within the window only', () => {
    const clock = createFakeClock();
    const window = createSlidingWindow(['hits'] as const, { windowMs: 1_000, buckets: 10, clock });
    window.add('hits', 3);
    clock.advance(500);
    window.add('hits', 2);
    expect(window.sum('hits')).toBe(5);
    clock.advance(600); // the first 3 are now older than the window
    expect(window.sum('hits')).toBe(2);
    clock.advance(1_000);
    expect(window.sum('hits')).toBe(0);
  });
});

describe('retry budget', () => {
  it('allows retries up to the ratio of requests, then refuses', () => {
    const clock = createFakeClock();
    const budget = createRetryBudget({ ratio: 0.2, minPerWindow: 0, windowMs: 10_000, clock });
    for (let i = 0; i < 100; i += 1) budget.recordRequest();
    const granted = Array.from({ length: 30 }, () => budget.tryAcquire()).filter(Boolean).length;
    expect(granted).toBe(20);
  });

  it('keeps a floor so a quiet instance can still retry', () => {
    const clock = createFakeClock();
    const budget = createRetryBudget({ ratio: 0.1, minPerWindow: 3, windowMs: 10_000, clock });
    budget.recordRequest();
    expect([budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('refills as the window slides', () => {
    const clock = createFakeClock();
    const budget = createRetryBudget({ ratio: 0.5, minPerWindow: 0, windowMs: 10_000, clock });
    for (let i = 0; i < 4; i += 1) budget.recordRequest();
    expect([budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire()]).toEqual([true, true, false]);
    clock.advance(10_001);
    for (let i = 0; i < 2; i += 1) budget.recordRequest();
    expect(budget.tryAcquire()).toBe(true);
  });
});

describe('local rate limiter', () => {
  it('never allows more than perMinute calls in any minute, burst included', () => {
    const clock = createFakeClock();
    const limiter = createLocalRateLimiter({ perMinute: 600, clock });
    let allowed = 0;
    // Hammer it every 10 ms for a whole minute.
    for (let t = 0; t < 60_000; t += 10) {
      if (limiter.tryAcquire().allowed) allowed += 1;
      clock.advance(10);
    }
    expect(allowed).toBeLessThanOrEqual(600);
    expect(allowed).toBeGreaterThanOrEqual(590);
  });

  it('says how long until the next call may go', () => {
    const clock = createFakeClock();
    const limiter = createLocalRateLimiter({ perMinute: 60, burst: 1, clock });
    expect(limiter.tryAcquire()).toEqual({ allowed: true });
    const refused = limiter.tryAcquire();
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      clock.advance(refused.retryAfterMs);
    }
    expect(limiter.tryAcquire()).toEqual({ allowed: true });
  });
});

describe('latency tracker', () => {
  it('has no opinion until it has enough samples, then reports percentiles', () => {
    const tracker = createLatencyTracker({ size: 100, minSamples: 10 });
    for (let i = 1; i <= 9; i += 1) tracker.record(i);
    expect(tracker.percentile(95)).toBeUndefined();
    for (let i = 10; i <= 100; i += 1) tracker.record(i);
    expect(tracker.percentile(95)).toBe(95);
    expect(tracker.percentile(50)).toBe(50);
  });

  it('forgets the oldest samples beyond its size', () => {
    const tracker = createLatencyTracker({ size: 10, minSamples: 1 });
    for (let i = 0; i < 10; i += 1) tracker.record(1000);
    for (let i = 0; i < 10; i += 1) tracker.record(1);
    expect(tracker.percentile(99)).toBe(1);
  });
});
