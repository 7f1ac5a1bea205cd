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
  /** Tells the other instances a save happened (shared-state's invalidation bus; a no-op without Redis). */
  announce?: () => void;
  log?: { warn(message: string): void };
  /** Re-read from the store this often: how a save reaches instances that missed the announcement. */
  refreshEveryMs?: number;
}

/**
 * Runtime settings, kept in memory so the offers hot path never reads the store; loaded at bootstrap, replaced on
 * save. Other instances reload when the save is announced (Redis pub/sub: within a second), and in any case every
 * `refreshEveryMs` (30 s by default: the same bound as the CMS content cache when Redis is absent or down).
 */
export function createSettingsService({ config, store, announce, log, refreshEveryMs = 30_000 }: SettingsServiceDeps) {
  let saved: RuntimeSettings = {};
  let timer: NodeJS.Timeout | undefined;

  const describe = () => ({ effective: describeConfig(config), runtime: saved, offers: effectiveOffersSettings(config, saved) });

  let saves = 0;

  const load = async () => {
    const savesBefore = saves;
    // What the store holds was valid when saved; a value from an older version that no longer is, is dropped.
    const stored = runtimeSettingsSchema.safeParse((await store.get(STORE_KEY)) ?? {});
    // A save made here while this read ran is newer than what the read returned.
    if (saves === savesBefore) saved = stored.success ? stored.data : {};
  };

  return {
    load,
    /** Loads, then keeps re-reading on a timer (stopped by `stop`). */
    async start() {
      await load();
      timer = setInterval(() => {
        load().catch((error: unknown) => log?.warn(`could not re-read the runtime settings: ${String(error)}`));
      }, refreshEveryMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
    offers(): OffersSettings {
      return effectiveOffersSettings(config, saved);
    },
    /** `next` was validated by the controller (settings/controller.ts). */
    async update(next: RuntimeSettings) {
      saves += 1;
      await store.set(STORE_KEY, next);
      saved = next;
      announce?.();
      return describe();
    },
    describe,
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
