import { PLUGIN_ID } from '../constants';
import type { PluginConfig } from '../config/schema';
import type { Log } from '../utils/log';
import { createButtonClient, type ButtonClient, type ButtonClientDeps } from './client';
import { combineEvents, type ButtonClientEvents } from './events';
import type { RateLimiter } from './rate-limiter';

export interface ButtonService {
  /** The plugin's one client (and so its one connection pool), created on first use. */
  client(): ButtonClient;
  /** The client if it exists yet, without creating it (for metrics and health reads). */
  peek(): ButtonClient | undefined;
  close(): Promise<void>;
}

export interface ButtonServiceDeps {
  config: PluginConfig;
  log: Pick<Log, 'debug' | 'info' | 'warn'>;
  /**
   * Listeners other capabilities attach (metrics, health), read once when the client is created: a getter, since
   * those services may be built after this one.
   */
  events?: () => ButtonClientEvents[];
  /** The limiter every call goes through: the local token bucket by default, a shared one for a fleet. */
  rateLimiter?: RateLimiter;
  /** How the client is made: the real one, or a fake in unit tests. */
  createClient?: (config: PluginConfig, deps: ButtonClientDeps) => ButtonClient;
}

/** Holds the Button client, wiring its events to metrics, health and logs. Closed in the plugin's destroy. */
export function createButtonService(deps: ButtonServiceDeps): ButtonService {
  const { config, log } = deps;
  const createClient = deps.createClient ?? createButtonClient;
  let client: ButtonClient | undefined;

  const logEvents: ButtonClientEvents = {
    onRetry(event) {
      log.debug(`[${PLUGIN_ID}] Button call ${event.attempt} failed (${event.error.code}); retrying in ${event.delayMs} ms`);
    },
    onBreakerStateChange(state, { reason, timeToOpenMs, failures }) {
      const trip = timeToOpenMs === undefined ? reason : `${reason}: ${failures} failures in ${Math.round(timeToOpenMs)} ms`;
      const message = `[${PLUGIN_ID}] circuit breaker ${state} (${trip})`;
      if (state === 'open') log.warn(`${message}: Button is failing, offers requests fail fast until a probe succeeds`);
      else log.info(message);
    },
  };

  return {
    client() {
      client ??= createClient(config, {
        events: combineEvents(...(deps.events?.() ?? []), logEvents),
        ...(deps.rateLimiter === undefined ? {} : { rateLimiter: deps.rateLimiter }),
      });
      return client;
    },
    peek: () => client,
    async close() {
      const closing = client;
      client = undefined;
      await closing?.close();
    },
  };
}
