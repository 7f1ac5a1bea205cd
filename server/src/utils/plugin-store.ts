import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';

/** The part of Strapi's plugin store a service uses: small enough to fake with a Map in unit tests. */
export interface PluginStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

/** The plugin's own store in Strapi's core store (`strapi.store`), resolved at each call: the database may not be up yet. */
export function strapiPluginStore(strapi: Core.Strapi): PluginStore {
  const store = () => strapi.store({ type: 'plugin', name: PLUGIN_ID });
  return {
    get: async (key) => (await store().get({ key })) as unknown,
    set: async (key, value) => {
      await store().set({ key, value });
    },
  };
}
