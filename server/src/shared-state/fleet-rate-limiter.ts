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
 * The fleet's Button budget in Redis (one bucket, token-buckets.ts), with this instance's local share whenever Redis
 * is down or slow (see RedisLink). Every call the client makes (first attempts, retries, hedges) comes through here.
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
}): FleetRateLimiter {
  const { link, key, perMinute, fallback } = options;
  const buckets = createRedisBuckets(options.redis, link);
  const shape = bucketShape(perMinute);

  const decide = (source: DecisionSource, decision: RateDecision, started: number) => {
    options.onDecision?.(source, decision, (performance.now() - started) / 1000);
    return decision;
  };

  return {
    perMinute,
    fallbackPerMinute: options.fallbackPerMinute,
    async acquire(): Promise<RateDecision> {
      const started = performance.now();
      let answer: [number, number];
      try {
        answer = await buckets.take(key, shape);
      } catch {
        return decide('fallback', fallback.tryAcquire(), started);
      }
      const [allowed, waitMs] = answer;
      const decision: RateDecision = allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(1, waitMs) };
      return decide('shared', decision, started);
    },
  };
}
