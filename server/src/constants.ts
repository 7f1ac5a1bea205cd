export const PLUGIN_ID = 'button-personalization';
export const MERCHANT_OFFER_UID = `plugin::${PLUGIN_ID}.merchant-offer` as const;
