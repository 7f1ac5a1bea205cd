import type Redis from 'ioredis';
import type { RedisLink } from './redis-link';

/** What one instance tells the others to drop: CMS content, i18n locales, or the runtime settings. */
export type Invalidation = 'content' | 'locales' | 'settings';
const KINDS: ReadonlySet<string> = new Set<Invalidation>(['content', 'locales', 'settings']);

export interface InvalidationBus {
  /** Tells the other instances; never throws and never waits on a Redis that is down (their TTLs catch up). */
  publish(kind: Invalidation): void;
  /** Called for every kind another instance published, and for all of them after a reconnect (messages sent while
   * this instance was cut off are lost: Redis pub/sub does not keep them). */
  subscribe(listener: (kind: Invalidation) => void): void;
  close(): void;
}

/**
 * Redis pub/sub on one channel. Messages are tiny JSON (`{"kind":"content","from":"<instance>"}`): no content, no
 * ids, so a reader of the channel learns only that something changed. An instance ignores its own messages (it
 * already invalidated locally) and anything malformed.
 */
export function createInvalidationBus(options: {
  command: Redis;
  subscriber: Redis;
  link: RedisLink;
  channel: string;
  instanceId: string;
  log: { debug(message: string): void };
}): InvalidationBus {
  const { subscriber, link, channel, instanceId } = options;
  const listeners: Array<(kind: Invalidation) => void> = [];
  let closed = false;
  let cutOff = false;

  const deliver = (kind: Invalidation) => {
    for (const listener of listeners) listener(kind);
  };
  const onMessage = (from: string, raw: string) => {
    if (from !== channel) return;
    let message: { kind?: unknown; from?: unknown };
    try {
      message = JSON.parse(raw) as typeof message;
    } catch {
      return;
    }
    if (typeof message.kind !== 'string' || !KINDS.has(message.kind) || message.from === instanceId) return;
    deliver(message.kind as Invalidation);
  };

  subscriber.on('message', onMessage);
  subscriber.on('error', () => undefined); // reconnects on its own; the command link reports the outage
  subscriber.on('close', () => {
    cutOff = true;
  });
  const subscribe = () =>
    subscriber.subscribe(channel).catch((error: unknown) => options.log.debug(`subscribe failed: ${String(error)}`));
  subscriber.on('ready', () => {
    if (!cutOff || closed) return;
    cutOff = false;
    // A reconnect: subscribe again (the connection has ioredis's autoResubscribe off, see redis-connection.ts), and
    // since whatever was published meanwhile is gone, drop everything once.
    subscribe();
    for (const kind of KINDS) deliver(kind as Invalidation);
  });
  subscribe();

  return {
    publish(kind) {
      const message = JSON.stringify({ kind, from: instanceId });
      link.run((redis) => redis.publish(channel, message)).catch(() => undefined);
    },
    subscribe(listener) {
      listeners.push(listener);
    },
    close() {
      closed = true;
      subscriber.off('message', onMessage);
    },
  };
}
