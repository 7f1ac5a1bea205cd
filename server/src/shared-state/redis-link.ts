import type Redis from 'ioredis';

/** Whether this instance currently uses Redis: `connecting` until the first answer, then `shared` or `fallback`. */
export type SharedMode = 'connecting' | 'shared' | 'fallback';

export interface ModeChange {
  mode: SharedMode;
  previous: SharedMode;
  /** Why Redis is not used, for a fall back: an error code or "timeout", never a URL or a value. */
  reason?: string;
}

export class RedisUnavailableError extends Error {
  readonly code = 'REDIS_UNAVAILABLE';
}

export interface RedisLink {
  readonly mode: SharedMode;
  /** Epoch ms of the last mode change. */
  readonly since: number;
  /**
   * Runs one command if Redis is usable now, bounded by the command timeout. Rejects at once (no I/O) while Redis
   * is known to be down, except for one probe every `retryAfterMs`; any failure or timeout marks it down.
   */
  run<T>(command: (redis: Redis) => Promise<T>, options?: { timeoutMs?: number }): Promise<T>;
  onModeChange(listener: (change: ModeChange) => void): void;
  /** Before the plugin closes its connections (shutdown): what follows is not an outage, and is not reported. */
  close(): void;
}

/**
 * The health of the command connection, judged by its own calls: what makes "Redis down or slow" cost an offers
 * request at most `commandTimeoutMs` once, and nothing afterwards until a probe finds Redis answering again.
 * ioredis's own status only says whether the socket is up, not whether Redis answers in time.
 */
export function createRedisLink(
  redis: Redis,
  options: { commandTimeoutMs: number; retryAfterMs: number; now?: () => number }
): RedisLink {
  const now = options.now ?? Date.now;
  const listeners: Array<(change: ModeChange) => void> = [];
  let mode: SharedMode = 'connecting';
  let since = now();
  let retryAt = 0;
  let probing = false;
  let closing = false;
  let probeTimer: NodeJS.Timeout | undefined;

  const setMode = (next: SharedMode, reason?: string) => {
    if (next === mode) return;
    const change: ModeChange = { mode: next, previous: mode, ...(reason === undefined ? {} : { reason }) };
    mode = next;
    since = now();
    for (const listener of listeners) listener(change);
  };
  const markDown = (reason: string) => {
    if (closing) return;
    retryAt = now() + options.retryAfterMs;
    setMode('fallback', reason);
    scheduleProbe();
  };
  /**
   * A command that timed out (or failed) with the socket still up: no 'ready' event will come, so probe once the
   * retry delay is over, traffic or not. Without it an idle instance said "Redis unreachable" (Health page, metrics)
   * until its next offers request, long after Redis answered again. A failed probe marks it down, scheduling the next.
   */
  function scheduleProbe() {
    if (closing || probeTimer !== undefined) return;
    probeTimer = setTimeout(() => {
      probeTimer = undefined;
      // Socket down: ioredis reconnects, and the 'ready' handler below probes then.
      if (closing || mode === 'shared' || redis.status !== 'ready') return;
      // Due now: the timer's clock and Date.now() may disagree by a millisecond, and a probe refused as "too early"
      // would schedule nothing (CI caught an instance left in fallback that way).
      retryAt = 0;
      link.run((client) => client.ping()).catch(() => undefined);
    }, options.retryAfterMs);
    probeTimer.unref();
  }

  const link: RedisLink = {
    get mode() {
      return mode;
    },
    get since() {
      return since;
    },
    onModeChange(listener) {
      listeners.push(listener);
    },
    close() {
      closing = true;
      clearTimeout(probeTimer);
      probeTimer = undefined;
    },
    async run(command, runOptions = {}) {
      if (closing) throw new RedisUnavailableError('closing');
      if (redis.status !== 'ready') {
        if (mode !== 'connecting' || redis.status === 'end') markDown(redis.status);
        throw new RedisUnavailableError(`Redis is ${redis.status}`);
      }
      const isProbe = mode !== 'shared';
      if (isProbe) {
        // Known down (or not yet known up): one call at a time finds out, the rest use the fallback meanwhile.
        if (probing || (mode === 'fallback' && now() < retryAt)) throw new RedisUnavailableError('Redis is down');
        probing = true;
      }
      let timer: NodeJS.Timeout | undefined;
      try {
        const result = await Promise.race([
          command(redis),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new RedisUnavailableError('timeout')),
              runOptions.timeoutMs ?? options.commandTimeoutMs
            );
          }),
        ]);
        setMode('shared');
        return result;
      } catch (error) {
        markDown(error instanceof RedisUnavailableError ? 'timeout' : ((error as NodeJS.ErrnoException).code ?? 'error'));
        throw error instanceof RedisUnavailableError ? error : new RedisUnavailableError('Redis command failed');
      } finally {
        clearTimeout(timer);
        if (isProbe) probing = false;
      }
    },
  };
  // A connection that (re)connects is probed at once, traffic or not: the mode (metrics, Health page) says "shared"
  // again as soon as Redis answers, not at the first offers request after.
  redis.on('ready', () => {
    retryAt = 0;
    if (mode !== 'shared') link.run((client) => client.ping()).catch(() => undefined);
  });
  // ioredis reports socket errors as events; with no listener Node would print each one. Commands fail on their own.
  redis.on('error', (error: NodeJS.ErrnoException) => {
    if (mode !== 'fallback') markDown(error.code ?? 'error');
  });
  redis.on('end', () => markDown('closed'));

  return link;
}
