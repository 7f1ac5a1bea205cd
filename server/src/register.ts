import type { Core } from '@strapi/strapi';
import { MERCHANT_OFFER_UID } from './constants';
import { createOffersBodyGuard } from './offers/body-guard';
import { getService } from './utils/get-service';
import { installWebhookMiddleware } from './webhooks/install';

const READ_ACTIONS = new Set(['findMany', 'findFirst', 'findOne', 'count']);

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // Before strapi::body, so Button's webhook signature is checked over the raw bytes (see webhooks/middleware.ts).
  installWebhookMiddleware(strapi);
  // Also before strapi::body: the offers endpoint answers 415/413 itself for bodies it would never accept
  // (see offers/body-guard.ts), instead of Strapi's parser answering 500 to some of them.
  strapi.server.use(createOffersBodyGuard(strapi));

  // Any change to a merchant-offer document (Content Manager or code: create, update, publish, delete...) drops
  // the offers endpoint's cached CMS content, so editors see their change on the next request.
  strapi.documents.use(async (context, next) => {
    const result = await next();
    if (context.uid === MERCHANT_OFFER_UID && !READ_ACTIONS.has(context.action)) getService(strapi, 'offers').invalidateContent();
    return result;
  });
};

export default register;
