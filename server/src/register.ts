import type { Core } from '@strapi/strapi';
import { registerMerchantField } from './catalogue/merchant-field';
import { installMerchantIdGuard } from './catalogue/merchant-id-guard';
import { registerCommissions } from './commissions';
import { MERCHANT_OFFER_UID } from './constants';
import { excludeFromDocumentation } from './documentation';
import { configureGraphQL } from './graphql';
import { createOffersBodyGuard } from './offers/body-guard';
import { installInFlightTracking } from './shutdown';
import { getService } from './utils/get-service';

const READ_ACTIONS = new Set(['findMany', 'findFirst', 'findOne', 'count']);

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // First of the plugin's server-level middlewares: counts every request (webhooks included) so that destroy()
  // can let them finish before anything they need is closed.
  installInFlightTracking(strapi);

  // Before strapi::body: keeps the webhook's raw bytes for its declared route (see commissions/intake/capture.ts),
  // and refuses Document Service writes to the ledger (Content Manager, REST, GraphQL, other plugins).
  registerCommissions(strapi);
  // Also before strapi::body: the offers endpoint answers 415/413 itself for bodies it would never accept
  // (see offers/body-guard.ts), instead of Strapi's parser answering 500 to some of them.
  strapi.server.use(createOffersBodyGuard(strapi));

  // The commission ledger is written by the signed webhook endpoint only: no generated GraphQL API, no generated
  // OpenAPI schema.
  configureGraphQL(strapi);
  excludeFromDocumentation(strapi);

  // merchant_id's input in the Content Manager: the catalogue picker, still a plain string underneath.
  registerMerchantField(strapi);
  // Its regex, length and uniqueness on drafts as well: free text typed in the picker is never stored unchecked.
  installMerchantIdGuard(strapi);

  // Any change to a merchant-offer document (Content Manager or code: create, update, publish, delete...) drops
  // the offers endpoint's cached CMS content, so editors see their change on the next request, and tells the
  // other instances to drop theirs (through Redis, when configured).
  strapi.documents.use(async (context, next) => {
    const result = await next();
    if (context.uid === MERCHANT_OFFER_UID && !READ_ACTIONS.has(context.action)) {
      getService(strapi, 'offers').invalidateContent();
      getService(strapi, 'sharedState').bus.publish('content');
    }
    return result;
  });
};

export default register;
