import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import { getService } from '../utils/get-service';
import { parseOrThrow } from '../utils/validation';
import {
  describeConfig,
  effectiveOffersSettings,
  runtimeSettingsSchema,
  type OffersSettings,
  type RuntimeSettings,
} from './runtime-settings';

const STORE_KEY = 'settings';

/**
 * Runtime settings, kept in memory so the offers hot path never reads the store; loaded at bootstrap, replaced on
 * save. (Several Strapi instances each reload on boot: a save reaches the others on their next restart.)
 */
const settingsService = ({ strapi }: { strapi: Core.Strapi }) => {
  let saved: RuntimeSettings = {};
  const store = () => strapi.store({ type: 'plugin', name: PLUGIN_ID });
  const config = () => getService(strapi, 'button').config();

  return {
    async load() {
      const stored = runtimeSettingsSchema.safeParse((await store().get({ key: STORE_KEY })) ?? {});
      saved = stored.success ? stored.data : {};
    },
    offers(): OffersSettings {
      return effectiveOffersSettings(config(), saved);
    },
    async update(input: unknown) {
      const next = parseOrThrow(runtimeSettingsSchema, input, 'Invalid settings');
      await store().set({ key: STORE_KEY, value: next });
      saved = next;
      return this.describe();
    },
    describe() {
      return { effective: describeConfig(config()), runtime: saved, offers: effectiveOffersSettings(config(), saved) };
    },
  };
};

export default settingsService;
