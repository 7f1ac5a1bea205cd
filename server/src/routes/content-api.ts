import { webhookRequestSchema, webhookResponseSchema } from '../commissions/intake/schema';
import { offersRequestDocSchema } from '../documentation/schemas';
import { offersResponseSchema } from '../offers/response-schema';

/**
 * `content-api` routes live under /api/button-personalization and are granted like any content-API action:
 * a Users & Permissions role (Settings > Users & Permissions > Roles) or an API token with
 * `plugin::button-personalization.offers.find` (offers) or `plugin::button-personalization.metrics.scrape`
 * (Prometheus metrics). Nothing else is public by default; the webhook is (`auth: false`): Button calls it, and it
 * trusts only `X-Button-Signature` over the raw bytes, which commissions/intake/capture.ts keeps before
 * `strapi::body`. Other methods on its path get 405 (`Allow: POST`).
 *
 * `request` and `response` are zod schemas for `strapi openapi generate` (@strapi/openapi reads them from the
 * routes). Strapi 5.54 does not validate a custom controller's requests or answers against them: the controllers
 * keep their own validation and error details (offers/request-schema.ts, commissions/intake/payload.ts).
 */
export default {
  type: 'content-api' as const,
  routes: [
    {
      method: 'POST' as const,
      path: '/offers',
      handler: 'offers.find',
      request: { body: { 'application/json': offersRequestDocSchema } },
      response: offersResponseSchema,
      config: { policies: [] },
    },
    { method: 'GET' as const, path: '/metrics', handler: 'metrics.scrape', config: { policies: [] } },
    {
      method: 'POST' as const,
      path: '/webhooks',
      handler: 'commissions.webhook',
      request: { body: { 'application/json': webhookRequestSchema } },
      response: webhookResponseSchema,
      config: { auth: false as const, policies: [] },
    },
  ],
};
