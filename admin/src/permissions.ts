import { PLUGIN_ID } from './pluginId';

/** The plugin's RBAC actions, as the server registers them (server/src/admin-access/permissions.ts). */
const action = (name: string) => [{ action: `plugin::${PLUGIN_ID}.${name}`, subject: null }];

export const PERMISSIONS = {
  read: action('read'),
  preview: action('preview'),
  debug: action('debug'),
  settings: action('settings'),
};

/**
 * Operations on the Commissions page, each its own action (server/src/admin-access/permissions.ts): run the
 * reconciliation now (and list Button accounts), export the ledger as CSV, erase an end user's data. They give no
 * tab of their own: the page needs `read` first.
 */
export const COMMISSION_OPERATIONS = {
  reconcile: action('reconcile'),
  export: action('export'),
  erase: action('erase'),
};

/** The menu entry shows for a role holding any of them (Strapi keeps a link when at least one matches). */
export const ANY_PLUGIN_PERMISSION = [...PERMISSIONS.read, ...PERMISSIONS.preview, ...PERMISSIONS.debug, ...PERMISSIONS.settings];

/**
 * Create entry makes Content Manager content: the server asks for the Content Manager's own create permission on
 * merchant-offer (server/src/merchants/draft-permission.ts); the page uses it to disable the action up front.
 */
export const CONTENT_MANAGER_CREATE = {
  create: [{ action: 'plugin::content-manager.explorer.create', subject: `plugin::${PLUGIN_ID}.merchant-offer` }],
};
