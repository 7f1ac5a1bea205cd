import { ACTIONS, requireAdmin } from '../admin-access/permissions';

/**
 * Admin panel routes, under /button-personalization: an admin JWT and the named RBAC action on every one. Metrics
 * are scraped from the content API only (`metrics.scrape`, with an API token): the admin panel never reads them.
 */
export default {
  type: 'admin' as const,
  routes: [
    { method: 'GET' as const, path: '/merchants', handler: 'merchants.list', config: { policies: requireAdmin(ACTIONS.read) } },
    {
      method: 'POST' as const,
      path: '/merchants/:merchantId/draft',
      handler: 'merchants.createDraft',
      config: { policies: requireAdmin(ACTIONS.read) },
    },
    { method: 'GET' as const, path: '/catalogue', handler: 'catalogue.list', config: { policies: requireAdmin(ACTIONS.read) } },
    {
      method: 'GET' as const,
      path: '/catalogue/syncs',
      handler: 'catalogue.syncs',
      config: { policies: requireAdmin(ACTIONS.read) },
    },
    {
      method: 'POST' as const,
      path: '/catalogue/syncs',
      handler: 'catalogue.syncNow',
      config: { policies: requireAdmin(ACTIONS.catalogue) },
    },
    {
      method: 'GET' as const,
      path: '/catalogue/brands/:merchantId',
      handler: 'catalogue.brand',
      config: { policies: requireAdmin(ACTIONS.read) },
    },
    {
      method: 'GET' as const,
      path: '/catalogue/brands/:merchantId/icon',
      handler: 'catalogue.icon',
      config: { policies: requireAdmin(ACTIONS.read) },
    },
    // Also needs the Content Manager's create permission on merchant-offer (checked by the service, as for drafts).
    {
      method: 'POST' as const,
      path: '/catalogue/:merchantId/entry',
      handler: 'catalogue.createEntry',
      config: { policies: requireAdmin(ACTIONS.import) },
    },
    // Also needs the Media Library's upload permission; sets the logo only where the Content Manager allows it.
    {
      method: 'POST' as const,
      path: '/catalogue/:merchantId/icon',
      handler: 'catalogue.importIcon',
      config: { policies: requireAdmin(ACTIONS.import) },
    },
    { method: 'POST' as const, path: '/preview', handler: 'offers.preview', config: { policies: requireAdmin(ACTIONS.preview) } },
    { method: 'GET' as const, path: '/health', handler: 'health.get', config: { policies: requireAdmin(ACTIONS.read) } },
    {
      method: 'POST' as const,
      path: '/pub-refs/decode',
      handler: 'pub-refs.decode',
      config: { policies: requireAdmin(ACTIONS.debug) },
    },
    {
      method: 'POST' as const,
      path: '/pub-refs/build',
      handler: 'pub-refs.build',
      config: { policies: requireAdmin(ACTIONS.debug) },
    },
    {
      method: 'GET' as const,
      path: '/commissions',
      handler: 'commissions.list',
      config: { policies: requireAdmin(ACTIONS.read) },
    },
    // Before /commissions/:transactionId, which would take "export" for an id.
    {
      method: 'GET' as const,
      path: '/commissions/export',
      handler: 'commissions.exportCsv',
      config: { policies: requireAdmin(ACTIONS.export) },
    },
    {
      method: 'GET' as const,
      path: '/reconciliation',
      handler: 'commissions.reconciliation',
      config: { policies: requireAdmin(ACTIONS.read) },
    },
    {
      method: 'POST' as const,
      path: '/reconciliation/runs',
      handler: 'commissions.reconcileNow',
      config: { policies: requireAdmin(ACTIONS.reconcile) },
    },
    {
      method: 'GET' as const,
      path: '/reconciliation/accounts',
      handler: 'commissions.accounts',
      config: { policies: requireAdmin(ACTIONS.reconcile) },
    },
    {
      method: 'POST' as const,
      path: '/erasure',
      handler: 'commissions.erase',
      config: { policies: requireAdmin(ACTIONS.erase) },
    },
    {
      method: 'GET' as const,
      path: '/commissions/:transactionId',
      handler: 'commissions.detail',
      config: { policies: requireAdmin(ACTIONS.read) },
    },
    { method: 'GET' as const, path: '/settings', handler: 'settings.get', config: { policies: requireAdmin(ACTIONS.settings) } },
    {
      method: 'PUT' as const,
      path: '/settings',
      handler: 'settings.update',
      config: { policies: requireAdmin(ACTIONS.settings) },
    },
  ],
};
