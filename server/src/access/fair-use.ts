import { createHmac } from 'node:crypto';
import type { PluginConfig } from '../config/schema';
import type { CallerLimiter } from '../shared-state';
import type { Caller } from './caller';

export type FairUseDecision = { allowed: true } | { allowed: false; retryAfterMs: number; limit: 'api-token' | 'user' | 'ip' };

/**
 * Per-caller limits in front of the shared Button budget: an API token, an end user and (for public callers) an
 * address each get their own bucket, so one busy client is answered 429 long before it can spend what the others
 * need. Checked before anything else is done for the request, Button budget included.
 *
 * Bucket keys are HMACs of "token:<id>", "user:<id>" or "ip:<address>" with `keySecret`: user ids and addresses
 * never reach Redis (or this process's map) in the clear, and instances sharing the secret share the buckets.
 */
export function createFairUse(deps: { config: PluginConfig['fairUse']; limiter: CallerLimiter; keySecret: string }) {
  const perMinute = {
    'api-token': deps.config.perApiTokenPerMinute,
    user: deps.config.perUserPerMinute,
    ip: deps.config.perIpPerMinute,
  } as const;
  const bucketKey = (key: string) => createHmac('sha256', deps.keySecret).update(key).digest('base64url').slice(0, 32);

  return {
    async check(caller: Caller): Promise<FairUseDecision> {
      for (const { limit, key } of caller.limitKeys) {
        const budget = perMinute[limit];
        if (budget === 0) continue; // this limit is off
        const decision = await deps.limiter.acquire(`${limit}:${bucketKey(key)}`, budget);
        if (!decision.allowed) return { allowed: false, retryAfterMs: decision.retryAfterMs, limit };
      }
      return { allowed: true };
    },
  };
}

export type FairUse = ReturnType<typeof createFairUse>;
