import type { Clock } from './clock';

/**
 * Button allows 5,000 requests per minute per organization. The limiter keeps every call (first attempts, retries
 * and hedges alike) under the configured rate: this instance's alone, or with Redis the whole fleet's
 * (shared-state/fleet-rate-limiter.ts).
 */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** What the client asks before each call. Asynchronous because a shared budget lives in another process. */
export interface RateLimiter {
  acquire(): Promise<RateDecision>;
}

/** A limiter in this process: answers synchronously, and also serves as the fleet limiter's fallback. */
export interface LocalRateLimiter extends RateLimiter {
  tryAcquire(): RateDecision;
}

/**
 * A token bucket whose burst is paid for out of the minute: refill is (perMinute - burst) / 60 s, so no window of
 * 60 s ever holds more than `perMinute` calls, burst included.
 */
export function createLocalRateLimiter(options: { perMinute: number; burst?: number; clock: Clock }): LocalRateLimiter {
  const burst = Math.max(1, Math.min(options.burst ?? Math.ceil(options.perMinute / 60), options.perMinute));
  const refillPerMs = Math.max(options.perMinute - burst, 1) / 60_000;
  let tokens = burst;
  let last = options.clock.now();

  const tryAcquire = (): RateDecision => {
    const now = options.clock.now();
    tokens = Math.min(burst, tokens + (now - last) * refillPerMs);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / refillPerMs) };
  };
  return { tryAcquire, acquire: () => Promise.resolve(tryAcquire()) };
}
