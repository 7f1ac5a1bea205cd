import { PLUGIN_ID } from '../pluginId';

/** Prefixes a translation key with the plugin id, as registerTrads stores them. */
export const getTranslation = (key: string) => `${PLUGIN_ID}.${key}`;
