import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import { parsePluginConfig, type PluginConfig } from './schema';

/**
 * Strapi deep-merges the app's `config/plugins` entry over `default`, then runs `validator` at boot:
 * a bad option stops the boot with a message naming it. Defaults live in the zod schema, so the
 * plugin reads the parsed config through `getPluginConfig` rather than the raw object.
 */
export default {
  default: {},
  validator(config: unknown) {
    parsePluginConfig(config);
  },
};

// Per Strapi instance (tests boot several in one process); parsed once, then shared.
const parsed = new WeakMap<Core.Strapi, PluginConfig>();

/**
 * The plugin's validated, typed configuration: the one place that reads it. Services receive it (or the part
 * they need) when they are built (see services/index.ts); nothing else reads `strapi.config` for it.
 */
export function getPluginConfig(strapi: Core.Strapi): PluginConfig {
  let config = parsed.get(strapi);
  if (config === undefined) {
    config = parsePluginConfig(strapi.config.get(`plugin::${PLUGIN_ID}`));
    parsed.set(strapi, config);
  }
  return config;
}
