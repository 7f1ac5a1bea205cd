import type Redis from 'ioredis';
import type { SeenMerchant } from '../merchants/registry';
import type { RedisLink } from './redis-link';

/**
 * Merges each field as "firstSeenAt:lastSeenAt", keeping the earliest first and the latest last sighting, and
 * returns the whole hash: one round trip, and two instances merging at once both end with the union.
 */
const MERGE = `
for i = 1, #ARGV, 2 do
  local id = ARGV[i]
  local first, last = string.match(ARGV[i + 1], '^(%d+):(%d+)$')
  if first ~= nil then
    first = tonumber(first)
    last = tonumber(last)
    local known = redis.call('HGET', KEYS[1], id)
    if known then
      local known_first, known_last = string.match(known, '^(%d+):(%d+)$')
      if known_first ~= nil then
        first = math.min(first, tonumber(known_first))
        last = math.max(last, tonumber(known_last))
      end
    end
    redis.call('HSET', KEYS[1], id, string.format('%d:%d', first, last))
  end
end
return redis.call('HGETALL', KEYS[1])
`;

// Off the request path (a timer, the admin's Merchants page): a few thousand fields may take longer than a hot-path call.
const BACKGROUND_TIMEOUT_MS = 2_000;

type Merge = (key: string, ...fieldsAndValues: string[]) => Promise<string[]>;

/** The seen-merchants registry's copy in Redis: the union of what every instance saw. */
export interface SharedSeenMerchants {
  /** Adds these sightings and returns everything the fleet has seen; rejects when Redis is unusable. */
  merge(seen: Record<string, SeenMerchant>): Promise<Record<string, SeenMerchant>>;
  /** Removes ids the registry no longer keeps (past its cap), so the hash stays as bounded as the registry. */
  forget(ids: readonly string[]): Promise<void>;
}

export function createSharedSeenMerchants(options: { redis: Redis; link: RedisLink; key: string }): SharedSeenMerchants {
  const { link, key } = options;
  const redis = options.redis as Redis & { buttonMergeSeen?: Merge };
  if (redis.buttonMergeSeen === undefined) redis.defineCommand('buttonMergeSeen', { numberOfKeys: 1, lua: MERGE });
  const merge = redis.buttonMergeSeen as Merge;

  return {
    async merge(seen) {
      const args = Object.entries(seen).flatMap(([id, at]) => [id, `${Math.trunc(at.firstSeenAt)}:${Math.trunc(at.lastSeenAt)}`]);
      const flat = await link.run(() => merge.call(redis, key, ...args), { timeoutMs: BACKGROUND_TIMEOUT_MS });
      const merged: Record<string, SeenMerchant> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const [first, last] = (flat[i + 1] as string).split(':').map(Number);
        if (Number.isFinite(first) && Number.isFinite(last))
          merged[flat[i] as string] = { firstSeenAt: first!, lastSeenAt: last! };
      }
      return merged;
    },
    async forget(ids) {
      if (ids.length > 0) await link.run((client) => client.hdel(key, ...ids), { timeoutMs: BACKGROUND_TIMEOUT_MS });
    },
  };
}
