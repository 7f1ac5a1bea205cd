import { fullJitterDelay, parseRetryAfter, retryAfterSeconds } from '../../../server/src/button-client/backoff';

describe('fullJitterDelay', () => {
  const options = { baseDelayMs: 25, maxDelayMs: 250 };

  it.each([
    [1, 25],
    [2, 50],
    [3, 100],
    [4, 200],
    [5, 250], // capped
    [10, 250],
  ])('retry %i waits in [0, %i)', (retry, ceiling) => {
    expect(fullJitterDelay(retry, options, () => 0)).toBe(0);
    expect(fullJitterDelay(retry, options, () => 0.5)).toBe(Math.floor(ceiling / 2));
    const top = fullJitterDelay(retry, options, () => 0.999999);
    expect(top).toBeLessThan(ceiling);
    expect(top).toBeGreaterThanOrEqual(ceiling - 1);
  });

  it('spreads retries over the whole window (full jitter, not equal jitter)', () => {
    const draws = Array.from({ length: 1000 }, (_, i) => fullJitterDelay(3, options, () => i / 1000));
    expect(Math.min(...draws)).toBe(0);
    expect(Math.max(...draws)).toBe(99);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter(['7', '9'], now)).toBe(7000);
  });

  it('reads an HTTP date, and a past date means now', () => {
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
  });
});

describe('retryAfterSeconds', () => {
  it('rounds up to whole seconds, at least 1, with a fallback', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1500)).toBe(2);
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(undefined)).toBe(1);
    expect(retryAfterSeconds(undefined, 60_000)).toBe(60);
  });
});
