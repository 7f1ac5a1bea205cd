export const PLUGIN_ID = 'button-personalization';
export const MERCHANT_OFFER_UID = `plugin::${PLUGIN_ID}.merchant-offer` as const;
export const TRANSACTION_UID = `plugin::${PLUGIN_ID}.transaction` as const;
export const WEBHOOK_EVENT_UID = `plugin::${PLUGIN_ID}.webhook-event` as const;
/** The ledger's outbox: state changes waiting for (or delivered to) the publisher's hook. */
export const HOOK_DELIVERY_UID = `plugin::${PLUGIN_ID}.hook-delivery` as const;
export const RECONCILIATION_RUN_UID = `plugin::${PLUGIN_ID}.reconciliation-run` as const;
/** Button's brand catalogue as the last sync stored it, and the syncs themselves. */
export const BRAND_UID = `plugin::${PLUGIN_ID}.brand` as const;
export const CATALOGUE_SYNC_UID = `plugin::${PLUGIN_ID}.catalogue-sync` as const;
export const JOB_LOCK_UID = `plugin::${PLUGIN_ID}.job-lock` as const;
/** Content-API path of the webhook endpoint, under the app's REST prefix (`/api` by default). */
export const WEBHOOK_PATH = `/${PLUGIN_ID}/webhooks`;
/** The content-API action that grants the offers endpoint (REST and the GraphQL `buttonOffers` query). */
export const OFFERS_FIND_ACTION = `plugin::${PLUGIN_ID}.offers.find` as const;
