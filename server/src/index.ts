/**
 * Server entry: only gathers the plugin's parts (register, bootstrap, destroy, config, routes, controllers,
 * services, content types). Each capability has its own folder: button-client, offers, pub-ref, commissions
 * (webhook intake and the ledger), merchants, health, metrics, settings, shutdown; plus config, content-types,
 * graphql and documentation (what other plugins may expose), admin-access (the RBAC actions) and contracts (the
 * types the admin panel and clients share). services/index.ts builds every service with its dependencies.
 */
import bootstrap from './bootstrap';
import config from './config';
import contentTypes from './content-types';
import controllers from './controllers';
import destroy from './destroy';
import register from './register';
import routes from './routes';
import services from './services';
import { createRawBodyCapture } from './commissions';

export default {
  register,
  bootstrap,
  destroy,
  config,
  controllers,
  routes,
  services,
  contentTypes,
  policies: {},
  // The webhook's raw-body capture is installed by register(); this name lets an app place it explicitly if it must.
  middlewares: {
    webhooks: (_config: unknown, { strapi }: { strapi: Parameters<typeof createRawBodyCapture>[0] }) =>
      createRawBodyCapture(strapi),
  },
};

// For publishers' own servers: sign, read and verify pubRefs outside Strapi (see the README).
export { decodePubRef, encodePubRef, parsePubRef, offerIdForPubRef, PUB_REF_MAX_LENGTH } from './pub-ref';
export { checkWebhookSignature, signWebhookBody } from './commissions/intake/signature';
export type { TransactionStateChange, StateChangeListener } from './commissions/ledger/state-change';
