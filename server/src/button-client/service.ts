import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import { parsePluginConfig, type PluginConfig } from '../config/schema';
import type { PluginMetrics } from '../metrics/registry';
import { createButtonClient, type ButtonClient } from './client';
import { combineEvents, type ButtonClientEvents } from './events';

export interface ButtonService {
  config(): PluginConfig;
  /** The plugin's one client (and so its one connection pool), created on first use. */
  client(): ButtonClient;
  /** The client if it exists yet, without creating it (for metrics and health reads). */
  peek(): ButtonClient | undefined;
  close(): Promise<void>;
}

/**
 * Holds the validated config and the Button client, wiring the client's events to metrics, health and logs. Closed in
 * the plugin's destroy.
 */
const buttonService = ({ strapi }: { strapi: Core.Strapi }): ButtonService => {
  let config: PluginConfig | undefined;
  let client: ButtonClient | undefined;

  const getConfig = (): PluginConfig => {
    config ??= parsePluginConfig(strapi.config.get(`plugin::${PLUGIN_ID}`));
    return config;
  };

  const logEvents: ButtonClientEvents = {
    onRetry(event) {
      strapi.log.debug(
        `[${PLUGIN_ID}] Button call ${event.attempt} failed (${event.error.code}); retrying in ${event.delayMs} ms`
      );
    },
    onBreakerStateChange(state) {
      const message = `[${PLUGIN_ID}] circuit breaker ${state}`;
      if (state === 'open') strapi.log.warn(`${message}: Button is failing, offers requests fail fast until a probe succeeds`);
      else strapi.log.info(message);
    },
  };

  return {
    config: getConfig,
    client() {
      // Looked up by name: typing them through getService would make the services' types circular.
      const metrics = strapi.plugin(PLUGIN_ID).service('metrics') as PluginMetrics;
      const health = strapi.plugin(PLUGIN_ID).service('health') as { events: ButtonClientEvents };
      client ??= createButtonClient(getConfig(), { events: combineEvents(metrics.events, health.events, logEvents) });
      return client;
    },
    peek: () => client,
    async close() {
      const closing = client;
      client = undefined;
      await closing?.close();
    },
  };
};

export default buttonService;
