import type { PluginConfig } from '../config/schema';
import type { PluginStore } from '../utils/plugin-store';
import {
  describeConfig,
  effectiveOffersSettings,
  runtimeSettingsSchema,
  type OffersSettings,
  type RuntimeSettings,
} from './runtime-settings';

const STORE_KEY = 'settings';

export interface SettingsServiceDeps {
  config: PluginConfig;
  store: PluginStore;
}

/**
 * Runtime settings, kept in memory so the offers hot path never reads the store; loaded at bootstrap, replaced on
 * save. (Several Strapi instances each reload on boot: a save reaches the others on their next restart.)
 */
export function createSettingsService({ config, store }: SettingsServiceDeps) {
  let saved: RuntimeSettings = {};

  const describe = () => ({ effective: describeConfig(config), runtime: saved, offers: effectiveOffersSettings(config, saved) });

  return {
    async load() {
      // What the store holds was valid when saved; a value from an older version that no longer is, is dropped.
      const stored = runtimeSettingsSchema.safeParse((await store.get(STORE_KEY)) ?? {});
      saved = stored.success ? stored.data : {};
    },
    offers(): OffersSettings {
      return effectiveOffersSettings(config, saved);
    },
    /** `next` was validated by the controller (settings/controller.ts). */
    async update(next: RuntimeSettings) {
      await store.set(STORE_KEY, next);
      saved = next;
      return describe();
    },
    describe,
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
