import type { ButtonOffer } from '../button-client';

/**
 * The pubRef a served offer carries to the Button SDK's PurchasePathRequest, and back in Button's webhooks.
 * For now it is the offer id itself (what Button recommends at minimum); the signed click-id codec replaces
 * this one function.
 */
export function pubRefForOffer(offer: ButtonOffer, _merchantId: string): string {
  return offer.id;
}
