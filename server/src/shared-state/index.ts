import { randomUUID } from 'node:crypto';
import { systemClock } from '../button-client/clock';
import { createLocalRateLimiter, type RateDecision, type RateLimiter } from '../button-client/rate-limiter';
import { redactUrl } from '../config/redact-url';
import type { PluginConfig } from '../config/schema';
import type { Log } from '../utils/log';
import { createFleetRateLimiter, type DecisionSource } from './fleet-rate-limiter';
import { createInvalidationBus, type InvalidationBus } from './invalidation-bus';
import { openRedisConnections } from './redis-connection';
import { createRedisLink, type ModeChange, type SharedMode } from './redis-link';
import { createSharedSeenMerchants, type SharedSeenMerchants } from './seen-merchants';
import { bucketShape, createLocalBuckets, createRedisBuckets } from './token-buckets';

export type { Invalidation } from './invalidation-bus';
export type { SharedSeenMerchants } from './seen-merchants';

/** `local`: no Redis configured, each instance on its own (the single-instance behaviour). */
export type SharedStateMode = 'local' | SharedMode;

export interface SharedStateEvents {
  /** Every rate-limit decision, with the time it took (seconds). */
  onDecision?(source: DecisionSource | 'local', decision: RateDecision, seconds: number): void;
  onModeChange?(change: ModeChange): void;
}

export interface SharedStateStatus {
  mode: SharedStateMode;
  /** When the mode last changed (ISO 8601); null for `local`. */
  since: string | null;
  /** Where Redis is, redacted (no password); null when an app connection was passed or none is configured. */
  redis_url: string | null;
  /** The Button budget this instance draws from: the fleet's when shared, its own otherwise. */
  budget_per_minute: number;
  /** What the instance keeps to while Redis is down (null without Redis: the budget is already local). */
  fallback_per_minute: number | null;
}

/** Per-caller budgets (fair use): one bucket per key, shared by the fleet when Redis is configured. */
export interface CallerLimiter {
  /** `key` is opaque and already hashed by the caller (access/fair-use.ts): it ends up in Redis as is. */
  acquire(key: string, perMinute: number): Promise<RateDecision>;
}

/** What instances share through Redis, or this instance's own equivalents when Redis is not configured. */
export interface SharedState {
  readonly configured: boolean;
  readonly rateLimiter: RateLimiter;
  readonly callerLimiter: CallerLimiter;
  readonly bus: InvalidationBus;
  /** The fleet's seen-merchants union; undefined without Redis (the registry then merges through the database). */
  readonly seenMerchants: SharedSeenMerchants | undefined;
  status(): SharedStateStatus;
  close(): Promise<void>;
}

const localBus: InvalidationBus = { publish: () => undefined, subscribe: () => undefined, close: () => undefined };

/** The share of the budget one instance keeps to while Redis is unreachable. */
export function fallbackPerMinute(rateLimit: PluginConfig['rateLimit']): number {
  return rateLimit.fallbackPerMinute ?? Math.max(1, Math.floor(rateLimit.perMinute / rateLimit.expectedInstances));
}

export function createSharedState(options: {
  config: Pick<PluginConfig, 'redis' | 'rateLimit' | 'fairUse'>;
  log: Log;
  events?: () => SharedStateEvents[];
}): SharedState {
  const { config, log } = options;
  const { redis, rateLimit } = config;
  const events = () => options.events?.() ?? [];
  // Per instance without Redis, and the fallback with it: each instance then counts on its own.
  const localCallers = createLocalBuckets({ maxKeys: config.fairUse.maxTrackedCallers });

  if (redis.url === undefined && redis.connection === undefined) {
    const limiter = createLocalRateLimiter({ perMinute: rateLimit.perMinute, clock: systemClock });
    return {
      configured: false,
      rateLimiter: {
        acquire: () => {
          const started = performance.now();
          const decision = limiter.tryAcquire();
          const seconds = (performance.now() - started) / 1000;
          for (const listener of events()) listener.onDecision?.('local', decision, seconds);
          return Promise.resolve(decision);
        },
      },
      callerLimiter: { acquire: (key, perMinute) => Promise.resolve(localCallers.take(key, bucketShape(perMinute))) },
      bus: localBus,
      seenMerchants: undefined,
      status: () => ({
        mode: 'local',
        since: null,
        redis_url: null,
        budget_per_minute: rateLimit.perMinute,
        fallback_per_minute: null,
      }),
      close: () => Promise.resolve(),
    };
  }

  const fallbackBudget = fallbackPerMinute(rateLimit);
  const connections = openRedisConnections(redis);
  const link = createRedisLink(connections.command, redis);
  const key = (name: string) => `${redis.keyPrefix}${name}`;
  const where = redis.url === undefined ? 'the app’s Redis connection' : redactUrl(redis.url);

  link.onModeChange((change) => {
    if (change.mode === 'fallback') {
      log.warn(
        `Redis (${where}) is unreachable (${change.reason ?? 'error'}): this instance keeps to a local budget of ` +
          `${fallbackBudget} Button calls a minute (rateLimit.fallbackPerMinute) until it answers again`
      );
    } else if (change.mode === 'shared') {
      log.info(
        change.previous === 'fallback'
          ? `Redis (${where}) answers again: back on the fleet's shared budget of ${rateLimit.perMinute} calls a minute`
          : `sharing the Button budget (${rateLimit.perMinute} calls a minute), invalidations and merchants through Redis (${where})`
      );
    }
    for (const listener of events()) listener.onModeChange?.(change);
  });

  const rateLimiter = createFleetRateLimiter({
    redis: connections.command,
    link,
    key: key('rate-limit'),
    perMinute: rateLimit.perMinute,
    fallback: createLocalRateLimiter({ perMinute: fallbackBudget, clock: systemClock }),
    fallbackPerMinute: fallbackBudget,
    onDecision: (source, decision, seconds) => {
      for (const listener of events()) listener.onDecision?.(source, decision, seconds);
    },
  });
  const bus = createInvalidationBus({
    command: connections.command,
    subscriber: connections.subscriber,
    link,
    channel: key('invalidate'),
    instanceId: randomUUID(),
    log,
  });

  const redisBuckets = createRedisBuckets(connections.command, link);
  const callerLimiter: CallerLimiter = {
    async acquire(callerKey, perMinute) {
      const shape = bucketShape(perMinute);
      try {
        const [allowed, waitMs] = await redisBuckets.take(key(`caller:${callerKey}`), shape);
        return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(1, waitMs) };
      } catch {
        return localCallers.take(callerKey, shape);
      }
    },
  };

  return {
    configured: true,
    rateLimiter,
    callerLimiter,
    bus,
    seenMerchants: createSharedSeenMerchants({ redis: connections.command, link, key: key('seen-merchants') }),
    status: () => ({
      mode: link.mode,
      since: new Date(link.since).toISOString(),
      redis_url: redis.url === undefined ? null : redactUrl(redis.url),
      budget_per_minute: link.mode === 'shared' ? rateLimit.perMinute : fallbackBudget,
      fallback_per_minute: fallbackBudget,
    }),
    async close() {
      link.close();
      bus.close();
      await connections.close();
    },
  };
}

export type { SharedMode };
