import type Redis from 'ioredis';
import type { RateDecision, RateLimiter, LocalRateLimiter } from '../button-client/rate-limiter';
import type { RedisLink } from './redis-link';
import { bucketShape, createRedisBuckets } from './token-buckets';

/** Where a decision came from: what metrics count. */
export type DecisionSource = 'shared' | 'fallback';

export interface FleetRateLimiter extends RateLimiter {
  readonly perMinute: number;
  readonly fallbackPerMinute: number;
}

/**
 * How long tokens taken from Redis may be spent locally. Tokens are counted as spent when taken, so a lease can
 * only delay a call, never add one: a token taken at t is used by t + 500 ms, inside the second of margin the
 * bucket's 61 s refill leaves (token-buckets.ts), and one not used by then is dropped.
 */
const LEASE_MS = 500;

/**
 * The fleet's Button budget in Redis (one bucket, token-buckets.ts), with this instance's local share whenever Redis
 * is down or slow (see RedisLink). Every call the client makes (first attempts, retries, hedges) comes through here.
 *
 * Tokens are leased in small batches rather than fetched one per call: a Redis round trip awaited on every request
 * cost 0.6 ms at the median and 17 ms at p99 in the benchmark (the reply waits its turn on a busy event loop), where
 * a token already in hand costs microseconds. The batch adapts to this instance's rate: it doubles when a lease is
 * needed again within half a lease's life and halves when most of one expires unused, between 1 and a quarter of the
 * bucket's burst (so that one instance never holds the fleet's whole burst); the next lease is fetched in the
 * background when half of the current one is spent. At low rates (or a small budget) the batch stays 1: one round trip per call, as before.
 * When Redis says the bucket is empty, calls are refused here until the next token is due (at most LEASE_MS),
 * without asking Redis again: an overloaded fleet does not also load Redis with a round trip per refusal.
 */
export function createFleetRateLimiter(options: {
  redis: Redis;
  link: RedisLink;
  key: string;
  perMinute: number;
  fallback: LocalRateLimiter;
  fallbackPerMinute: number;
  /** `seconds`: how long this decision took, Redis round trip included (what the limiter adds to a request). */
  onDecision?: (source: DecisionSource, decision: RateDecision, seconds: number) => void;
  now?: () => number;
}): FleetRateLimiter {
  const { link, key, perMinute, fallback } = options;
  const now = options.now ?? (() => performance.now());
  const buckets = createRedisBuckets(options.redis, link);
  const shape = bucketShape(perMinute);
  const maxBatch = Math.max(1, Math.floor(shape.burst / 4));
  let batch = 1;
  // Leases in hand, oldest first: each keeps its own expiry, so no token outlives LEASE_MS after it was taken.
  const leases: Array<{ tokens: number; size: number; expiresAt: number }> = [];
  let lastGranted = 0;
  let lastWaitMs = 1;
  // The bucket was empty: until a token is due again, refuse here rather than ask Redis (refusing is always safe).
  let emptyUntil = 0;
  let lastFetchAt = Number.NEGATIVE_INFINITY;
  let fetching: Promise<void> | undefined;

  const decide = (source: DecisionSource, decision: RateDecision, started: number) => {
    options.onDecision?.(source, decision, (performance.now() - started) / 1000);
    return decision;
  };

  let expiredUnused = false;
  const inHand = () => leases.reduce((sum, lease) => sum + lease.tokens, 0);
  const takeLeased = (): boolean => {
    const at = now();
    while (leases.length > 0 && (leases[0]!.tokens === 0 || at >= leases[0]!.expiresAt)) {
      // More than half of a lease expired unused: leases are too big for this rate.
      if (leases[0]!.tokens > leases[0]!.size / 2) expiredUnused = true;
      leases.shift();
    }
    const first = leases[0];
    if (first === undefined) return false;
    first.tokens -= 1;
    return true;
  };

  /** One round trip for the next lease; concurrent callers share it. Rejects when Redis is unusable. */
  const fetchLease = (): Promise<void> => {
    fetching ??= (async () => {
      try {
        // Most of a lease expired unused since the last fetch: too big for this rate. Another one needed within half
        // a lease's life: too small. (Below about four calls a second the batch stays 1 and nothing is prefetched,
        // so a quiet instance never lets tokens expire: many quiet instances on a small budget waste none of it.)
        const fast = lastGranted > 0 && now() - lastFetchAt < LEASE_MS / 2;
        if (expiredUnused) batch = Math.max(1, Math.floor(batch / 2));
        else if (fast) batch = Math.min(maxBatch, batch * 2);
        expiredUnused = false;
        lastFetchAt = now();
        const [granted, waitMs] = await buckets.take(key, shape, batch);
        lastGranted = granted;
        lastWaitMs = Math.max(1, waitMs);
        if (granted === 0) emptyUntil = now() + Math.min(lastWaitMs, LEASE_MS);
        if (granted > 0) leases.push({ tokens: granted, size: granted, expiresAt: now() + LEASE_MS });
      } finally {
        fetching = undefined;
      }
    })();
    return fetching;
  };

  // After the caller's own work: setImmediate runs once the request that took the token has gone on (its awaited
  // continuation is a microtask), so building and writing the Redis command is never on that request's path.
  let prefetchQueued = false;
  const prefetch = () => {
    if (batch === 1 || prefetchQueued || fetching !== undefined || inHand() > batch / 2) return;
    prefetchQueued = true;
    setImmediate(() => {
      prefetchQueued = false;
      if (fetching === undefined && inHand() <= batch / 2) fetchLease().catch(() => undefined);
    });
  };

  return {
    perMinute,
    fallbackPerMinute: options.fallbackPerMinute,
    async acquire(): Promise<RateDecision> {
      const started = performance.now();
      if (takeLeased()) {
        prefetch();
        return decide('shared', { allowed: true }, started);
      }
      const refusedFor = emptyUntil - now();
      if (refusedFor > 0) return decide('shared', { allowed: false, retryAfterMs: Math.ceil(refusedFor) }, started);
      // Twice at most: a lease fetched for other callers may be gone by the time this one looks.
      for (let round = 0; round < 2; round += 1) {
        try {
          await fetchLease();
        } catch {
          return decide('fallback', fallback.tryAcquire(), started);
        }
        if (takeLeased()) {
          prefetch();
          return decide('shared', { allowed: true }, started);
        }
        if (lastGranted === 0) break; // the bucket is empty: asking again now would not help
      }
      return decide('shared', { allowed: false, retryAfterMs: lastWaitMs }, started);
    },
  };
}
