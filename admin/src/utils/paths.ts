import { PLUGIN_ID } from '../pluginId';

/** Admin-panel routes of the plugin's pages (react-router paths, not API URLs). */
export const pluginPath = (page = '') => `/plugins/${PLUGIN_ID}${page ? `/${page}` : ''}`;

export const TABS = ['merchants', 'preview', 'pub-refs', 'commissions', 'health', 'settings'] as const;
export type Tab = (typeof TABS)[number];
