import Redis from 'ioredis';
import type { RedisConnectionLike } from '../config/schema';

/** The two connections the shared state needs: one for commands, one held by pub/sub (Redis's rule, not ours). */
export interface RedisConnections {
  command: Redis;
  subscriber: Redis;
  /** Closes what the plugin opened; an app's own connection is left open. */
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  url?: string;
  connection?: RedisConnectionLike;
  connectTimeoutMs: number;
}

/**
 * Opens the connections from a URL, or beside an app's own connection.
 *
 * Owned command connections are built to fail fast rather than wait: no offline queue (a command sent while
 * disconnected is refused at once instead of queued until Redis returns) and a single attempt per command. The
 * subscriber keeps ioredis's offline queue so its SUBSCRIBE waits for the first connection; after a reconnect the
 * invalidation bus subscribes again. Reconnects back off to 2 s, forever: Redis coming back is the normal case.
 */
export function openRedisConnections(options: RedisConnectionOptions): RedisConnections {
  const retryStrategy = (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2_000);
  // disconnectTimeout: how long ioredis waits for a closed socket's "close" before destroying it (2 s by default,
  // which holds a shutdown up for a socket that never connected).
  const common = { connectTimeout: options.connectTimeoutMs, disconnectTimeout: 200, retryStrategy, lazyConnect: false };
  // The app's connection is an ioredis instance (checked by the config's schema): the cast only narrows the type.
  const shared = options.connection as Redis | undefined;
  const command = shared ?? new Redis(options.url as string, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  // autoResubscribe off: ioredis's own resubscribe after a reconnect is a promise nobody handles, so a shutdown
  // racing a reconnect rejected it with "Connection is closed." as an unhandled rejection (a CI flake, and a crash
  // under Node's default --unhandled-rejections=throw). The invalidation bus subscribes again itself, with a handler.
  const subscriberOptions = { autoResubscribe: false };
  const subscriber = shared
    ? shared.duplicate(subscriberOptions)
    : new Redis(options.url as string, { ...common, ...subscriberOptions, maxRetriesPerRequest: null });

  const quit = async (connection: Redis) => {
    try {
      // QUIT waits for replies in flight; a connection that is down is simply dropped.
      if (connection.status === 'ready') await connection.quit();
      else connection.disconnect();
    } catch {
      connection.disconnect();
    }
  };

  return {
    command,
    subscriber,
    async close() {
      await Promise.all([quit(subscriber), ...(shared ? [] : [quit(command)])]);
    },
  };
}
