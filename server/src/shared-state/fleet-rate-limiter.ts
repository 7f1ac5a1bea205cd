import type Redis from 'ioredis';
import type { RateDecision, RateLimiter, LocalRateLimiter } from '../button-client/rate-limiter';
import type { RedisLink } from './redis-link';

/**
 * A token bucket in one Redis hash, taken atomically by one script call: one round trip per acquire, and the
 * clock is Redis's own (TIME), so instances whose clocks disagree still share one bucket. Same shape as the local
 * limiter (button-client/rate-limiter.ts): the burst is paid for out of the minute, so no window holds more than
 * the budget.
 *
 * Written here rather than taken from rate-limiter-flexible: its Redis limiters count fixed windows (a fleet could
 * send twice the budget across a window boundary) or, for a sliding window, store one entry per call, where this is
 * two numbers per fleet.
 */
const TAKE_TOKEN = `
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local capacity = tonumber(ARGV[1])
local refill_per_ms = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
if now > at then
  tokens = math.min(capacity, tokens + (now - at) * refill_per_ms)
  at = now
end
local allowed = 0
local wait_ms = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait_ms = math.ceil((1 - tokens) / refill_per_ms)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return { allowed, wait_ms }
`;

type TakeToken = (key: string, capacity: number, refillPerMs: string, ttlMs: number) => Promise<[number, number]>;

/** Where a decision came from: what metrics count. */
export type DecisionSource = 'shared' | 'fallback';

export interface FleetRateLimiter extends RateLimiter {
  readonly perMinute: number;
  readonly fallbackPerMinute: number;
}

/**
 * The fleet's Button budget in Redis, with this instance's local share whenever Redis is down or slow (see
 * RedisLink). Every call the client makes (first attempts, retries, hedges) comes through here.
 *
 * The refill is spread over 61 s rather than 60: a token taken at t reaches Button a few milliseconds (under load
 * on a busy host, up to hundreds) later, and the extra second keeps Button's own 60 s count under the budget
 * whatever that delay, for 1.6% of throughput.
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
  const burst = Math.max(1, Math.min(Math.ceil(perMinute / 60), perMinute));
  const refillPerMs = (Math.max(perMinute - burst, 1) / 61_000).toPrecision(17);
  const ttlMs = 120_000; // an idle fleet's bucket is full again after a minute; after two, drop the key
  const redis = options.redis as Redis & { buttonTakeToken?: TakeToken };
  if (redis.buttonTakeToken === undefined) redis.defineCommand('buttonTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN });
  const take = redis.buttonTakeToken as TakeToken;

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
        answer = await link.run(() => take.call(redis, key, burst, refillPerMs, ttlMs));
      } catch {
        return decide('fallback', fallback.tryAcquire(), started);
      }
      const [allowed, waitMs] = answer;
      const decision: RateDecision = allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(1, waitMs) };
      return decide('shared', decision, started);
    },
  };
}
