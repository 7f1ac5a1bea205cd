import { parsePluginConfig } from './schema';

/**
 * Strapi deep-merges the app's `config/plugins` entry over `default`, then runs `validator` at boot:
 * a bad option stops the boot with a message naming it. Defaults live in the zod schema, so the
 * services read the parsed config (see `getPluginConfig`) rather than the raw object.
 */
export default {
  default: {},
  validator(config: unknown) {
    parsePluginConfig(config);
  },
};
