import type Redis from 'ioredis';
import type { RateDecision } from '../button-client/rate-limiter';
import type { RedisLink } from './redis-link';

/**
 * A token bucket in one Redis hash, taken atomically by one script call: one round trip per take, and the
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
local want = tonumber(ARGV[4]) or 1
local granted = 0
local wait_ms = 0
if tokens >= 1 then
  granted = math.min(math.floor(tokens), want)
  tokens = tokens - granted
else
  wait_ms = math.ceil((1 - tokens) / refill_per_ms)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return { granted, wait_ms }
`;

type TakeToken = (key: string, capacity: number, refillPerMs: string, ttlMs: number, want: number) => Promise<[number, number]>;

/** A bucket's burst and refill for a per-minute budget. */
export interface BucketShape {
  burst: number;
  refillPerMs: number;
}

/**
 * The burst is paid for out of the minute (refill (perMinute - burst) / 61 s), so no 60 s window holds more than
 * `perMinute`. The refill is spread over 61 s rather than 60: a token taken at t reaches Button a few milliseconds
 * (under load on a busy host, up to hundreds) later, and the extra second keeps Button's own 60 s count under the
 * budget whatever that delay, for 1.6% of throughput.
 */
export function bucketShape(perMinute: number): BucketShape {
  const burst = Math.max(1, Math.min(Math.ceil(perMinute / 60), perMinute));
  return { burst, refillPerMs: Math.max(perMinute - burst, 1) / 61_000 };
}

const IDLE_TTL_MS = 120_000; // an idle bucket is full again after a minute; after two, its key goes

/** Token buckets in Redis, one hash per key, each take one atomic script call (one round trip). */
export function createRedisBuckets(client: Redis, link: RedisLink) {
  const redis = client as Redis & { buttonTakeToken?: TakeToken };
  if (redis.buttonTakeToken === undefined) redis.defineCommand('buttonTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN });
  const take = redis.buttonTakeToken as TakeToken;
  return {
    /**
     * Takes up to `want` tokens (as many as the bucket holds, at least one, or none): `[granted, waitMs]`, waitMs
     * being how long until one token is there when none was. Rejects when Redis is unusable (RedisLink): the caller
     * decides what the fallback is.
     */
    take(key: string, shape: BucketShape, want = 1): Promise<[number, number]> {
      return link.run(() => take.call(redis, key, shape.burst, shape.refillPerMs.toPrecision(17), IDLE_TTL_MS, want));
    },
  };
}

/**
 * Token buckets in this process, one per key, at most `maxKeys` of them: past that, the least recently used goes
 * (it was idle longest, so it was the fullest anyway). For per-caller limits without Redis, or while it is down.
 */
export function createLocalBuckets(options: { maxKeys: number; now?: () => number }) {
  const now = options.now ?? (() => performance.now());
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key: string, shape: BucketShape): RateDecision {
      const at = now();
      const known = buckets.get(key);
      let tokens = known === undefined ? shape.burst : Math.min(shape.burst, known.tokens + (at - known.at) * shape.refillPerMs);
      buckets.delete(key); // re-inserted last: Map order is then least recently used first
      let decision: RateDecision;
      if (tokens >= 1) {
        tokens -= 1;
        decision = { allowed: true };
      } else {
        decision = { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / shape.refillPerMs) };
      }
      buckets.set(key, { tokens, at });
      while (buckets.size > options.maxKeys) buckets.delete(buckets.keys().next().value as string);
      return decision;
    },
    get size() {
      return buckets.size;
    },
  };
}
