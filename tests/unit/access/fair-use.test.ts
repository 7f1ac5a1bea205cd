import { createFairUse } from '../../../server/src/access/fair-use';
import { parsePluginConfig } from '../../../server/src/config/schema';
import { bucketShape, createLocalBuckets } from '../../../server/src/shared-state/token-buckets';

describe('fair use', () => {
  it('gives each caller its own bucket, keyed by an HMAC (never the id or address itself)', async () => {
    const seen: string[] = [];
    const buckets = createLocalBuckets({ maxKeys: 100, now: () => 0 });
    const fairUse = createFairUse({
      config: parsePluginConfig({ fairUse: { perUserPerMinute: 60, perIpPerMinute: 0 } }).fairUse,
      limiter: {
        acquire: async (key, perMinute) => {
          seen.push(key);
          return buckets.take(key, bucketShape(perMinute));
        },
      },
      keySecret: 'k',
    });
    const alice = { kind: 'end-user' as const, userId: 'alice', limitKeys: [{ limit: 'user' as const, key: 'user:alice' }] };
    const bob = { kind: 'end-user' as const, userId: 'bob', limitKeys: [{ limit: 'user' as const, key: 'user:bob' }] };
    expect(await fairUse.check(alice)).toEqual({ allowed: true });
    expect(await fairUse.check(alice)).toEqual({ allowed: false, retryAfterMs: expect.any(Number), limit: 'user' });
    expect(await fairUse.check(bob)).toEqual({ allowed: true });
    expect(seen.join(' ')).not.toMatch(/alice|bob/);

    // A limit set to 0 is off: no bucket at all.
    const publicCaller = {
      kind: 'assertion' as const,
      userId: 'p',
      limitKeys: [{ limit: 'ip' as const, key: 'ip:198.51.100.1' }],
    };
    for (let i = 0; i < 5; i += 1) expect(await fairUse.check(publicCaller)).toEqual({ allowed: true });
  });

  it('keeps at most maxKeys callers in memory, forgetting the least recently seen', () => {
    let now = 0;
    const buckets = createLocalBuckets({ maxKeys: 3, now: () => now });
    const shape = bucketShape(60); // burst 1
    for (const key of ['a', 'b', 'c']) expect(buckets.take(key, shape).allowed).toBe(true);
    now = 1;
    expect(buckets.take('a', shape).allowed).toBe(false); // 'a' is now the most recent
    expect(buckets.take('d', shape).allowed).toBe(true); // evicts 'b'
    expect(buckets.size).toBe(3);
    expect(buckets.take('b', shape).allowed).toBe(true); // forgotten: a fresh bucket (evicts 'c')
    expect(buckets.take('a', shape).allowed).toBe(false); // still remembered
    for (let i = 0; i < 10_000; i += 1) buckets.take(`spray-${i}`, shape);
    expect(buckets.size).toBe(3);
  });
});
