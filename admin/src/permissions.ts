import { PLUGIN_ID } from './pluginId';

/** The plugin's RBAC actions, as the server registers them (server/src/admin-access/permissions.ts). */
const action = (name: string) => [{ action: `plugin::${PLUGIN_ID}.${name}`, subject: null }];

export const PERMISSIONS = {
  read: action('read'),
  preview: action('preview'),
  debug: action('debug'),
  settings: action('settings'),
};

/** The menu entry shows for a role holding any of them (Strapi keeps a link when at least one matches). */
export const ANY_PLUGIN_PERMISSION = [...PERMISSIONS.read, ...PERMISSIONS.preview, ...PERMISSIONS.debug, ...PERMISSIONS.settings];
