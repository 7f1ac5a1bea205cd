import type { Clock } from './clock';

/**
 * Button allows 5,000 requests per minute per organization. The limiter keeps every call this instance makes
 * (first attempts, retries and hedges alike) under the configured rate.
 *
 * The interface is the seam for a store shared between instances (Redis, say): a shared implementation answers
 * the same question for the whole fleet.
 */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  tryAcquire(): RateDecision;
}

/**
 * A token bucket whose burst is paid for out of the minute: refill is (perMinute - burst) / 60 s, so no window of
 * 60 s ever holds more than `perMinute` calls, burst included.
 */
export function createLocalRateLimiter(options: { perMinute: number; burst?: number; clock: Clock }): RateLimiter {
  const burst = Math.max(1, Math.min(options.burst ?? Math.ceil(options.perMinute / 60), options.perMinute));
  const refillPerMs = Math.max(options.perMinute - burst, 1) / 60_000;
  let tokens = burst;
  let last = options.clock.now();

  return {
    tryAcquire() {
      const now = options.clock.now();
      tokens = Math.min(burst, tokens + (now - last) * refillPerMs);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / refillPerMs) };
    },
  };
}
