import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from './constants';
import { getService } from './utils/get-service';
import { checkWebhookMiddlewareOrder, WEBHOOK_MIDDLEWARE_FIX } from './webhooks/install';

const bootstrap = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = getService(strapi, 'button').config();
  // Say what is (and is not) configured, never the values themselves.
  if (config.apiKey === undefined) {
    strapi.log.warn(`[${PLUGIN_ID}] BUTTON_API_KEY is not set: the offers endpoint answers 503 until it is configured`);
  } else {
    strapi.log.info(`[${PLUGIN_ID}] calling Button at ${new URL(config.baseUrl).origin} (pool of ${config.pool.connections} keep-alive connections)`);
  }
  if (config.webhookSecret === undefined) {
    strapi.log.warn(`[${PLUGIN_ID}] BUTTON_WEBHOOK_SECRET is not set: the webhook endpoint answers 503 (Button retries) until it is configured`);
  }
  if (config.pubRefSecret === undefined) {
    strapi.log.warn(`[${PLUGIN_ID}] BUTTON_PUBREF_SECRET is not set: offers are served with unsigned pubRefs, which the ledger marks as not verified`);
  }
  const order = checkWebhookMiddlewareOrder(strapi);
  if (!order.ok) {
    strapi.log.error(`[${PLUGIN_ID}] ${order.reason}: webhooks will be refused (503) because their raw body is not available. Fix: ${WEBHOOK_MIDDLEWARE_FIX}`);
  }
};

export default bootstrap;
