/**
 * `content-api` routes live under /api/button-personalization and are granted like any content-API action:
 * a Users & Permissions role (Settings > Users & Permissions > Roles) or an API token with
 * `plugin::button-personalization.offers.find` (offers) or `plugin::button-personalization.metrics.scrape`
 * (Prometheus metrics). Nothing is public by default.
 */
export default {
  type: 'content-api' as const,
  routes: [
    { method: 'POST' as const, path: '/offers', handler: 'offers.find', config: { policies: [] } },
    { method: 'GET' as const, path: '/metrics', handler: 'metrics.scrape', config: { policies: [] } },
  ],
};
