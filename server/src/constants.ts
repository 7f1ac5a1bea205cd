export const PLUGIN_ID = 'button-personalization';
export const MERCHANT_OFFER_UID = `plugin::${PLUGIN_ID}.merchant-offer` as const;
export const TRANSACTION_UID = `plugin::${PLUGIN_ID}.transaction` as const;
export const WEBHOOK_EVENT_UID = `plugin::${PLUGIN_ID}.webhook-event` as const;
/** The ledger's outbox: state changes waiting for (or delivered to) the publisher's hook. */
export const HOOK_DELIVERY_UID = `plugin::${PLUGIN_ID}.hook-delivery` as const;
export const RECONCILIATION_RUN_UID = `plugin::${PLUGIN_ID}.reconciliation-run` as const;
export const JOB_LOCK_UID = `plugin::${PLUGIN_ID}.job-lock` as const;
/** Content-API path of the webhook endpoint, under the app's REST prefix (`/api` by default). */
export const WEBHOOK_PATH = `/${PLUGIN_ID}/webhooks`;
/** The content-API action that grants the offers endpoint (REST and the GraphQL `buttonOffers` query). */
export const OFFERS_FIND_ACTION = `plugin::${PLUGIN_ID}.offers.find` as const;
