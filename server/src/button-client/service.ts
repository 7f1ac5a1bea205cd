import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import { parsePluginConfig, type PluginConfig } from '../config/schema';
import { createButtonClient, type ButtonClient } from './client';

/**
 * The plugin's one Button client (and so its one connection pool), created on first use from the validated
 * config and closed in the plugin's destroy.
 */
const buttonService = ({ strapi }: { strapi: Core.Strapi }) => {
  let config: PluginConfig | undefined;
  let client: ButtonClient | undefined;

  const getConfig = (): PluginConfig => {
    config ??= parsePluginConfig(strapi.config.get(`plugin::${PLUGIN_ID}`));
    return config;
  };

  return {
    config: getConfig,
    client(): ButtonClient {
      client ??= createButtonClient(getConfig(), {
        onRetry: ({ attempt, delayMs, error }) =>
          strapi.log.debug(`[${PLUGIN_ID}] Button attempt ${attempt} failed (${error.code}); retrying in ${delayMs} ms`),
      });
      return client;
    },
    async close(): Promise<void> {
      const closing = client;
      client = undefined;
      await closing?.close();
    },
  };
};

export default buttonService;
