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

/**
 * The brand catalogue's operations on the Merchants page, each its own action: sync Button's catalogue now, and
 * create entries and import icons from it. Like the Commissions operations they give no tab: the page needs `read`.
 */
export const CATALOGUE_OPERATIONS = {
  catalogue: action('catalogue'),
  import: action('import'),
};

/** Importing an icon adds a file: the server also asks for the Media Library's own upload permission. */
export const MEDIA_LIBRARY_UPLOAD = {
  upload: [{ action: 'plugin::upload.assets.create', subject: null }],
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
