import { PLUGIN_ID } from '../constants';

/**
 * The plugin's admin RBAC actions (Settings > Roles > Plugins > Button Personalization). Every admin route
 * requires one of them server-side; the admin pages check the same ones to hide what a role may not use.
 */
export const ACTIONS = {
  read: `plugin::${PLUGIN_ID}.read`,
  preview: `plugin::${PLUGIN_ID}.preview`,
  debug: `plugin::${PLUGIN_ID}.debug`,
  settings: `plugin::${PLUGIN_ID}.settings`,
  reconcile: `plugin::${PLUGIN_ID}.reconcile`,
  export: `plugin::${PLUGIN_ID}.export`,
  erase: `plugin::${PLUGIN_ID}.erase`,
  catalogue: `plugin::${PLUGIN_ID}.catalogue`,
  import: `plugin::${PLUGIN_ID}.import`,
} as const;

export const ACTION_DEFINITIONS = [
  { uid: 'read', displayName: 'Read merchants, commissions and health' },
  { uid: 'preview', displayName: 'Run live offer previews (calls Button)' },
  { uid: 'debug', displayName: 'Decode and build pubRefs' },
  { uid: 'settings', displayName: 'Read and change settings' },
  { uid: 'reconcile', displayName: "Run reconciliation with Button's Transactions API now" },
  { uid: 'export', displayName: 'Export commissions (CSV)' },
  { uid: 'erase', displayName: "Erase an end user's data from the commission ledger" },
  { uid: 'catalogue', displayName: "Sync Button's brand catalogue now" },
  { uid: 'import', displayName: 'Create merchant offers and import icons from the brand catalogue' },
].map((action) => ({ ...action, section: 'plugins', pluginName: PLUGIN_ID }));

/** Route policies: an authenticated admin holding `action`. */
export const requireAdmin = (action: string) => [
  'admin::isAuthenticatedAdmin',
  { name: 'admin::hasPermissions', config: { actions: [action] } },
];
