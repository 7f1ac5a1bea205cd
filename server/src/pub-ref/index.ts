/**
 * The pubRef codec: what a served offer hands to the Button SDK's PurchasePathRequest (`pubRef`) and what
 * Button's webhooks bring back as `pub_ref`. Exported from the plugin's server entry for publishers' own
 * servers; `format.ts` has no Node import and can be bundled into the admin panel.
 */
import type { ButtonOffer } from '../button-client';
import { encodePubRef } from './codec';

export {
  decodePubRef,
  encodePubRef,
  newClickId,
  offerIdForPubRef,
  type DecodedPubRef,
  type OfferForPubRef,
  type PubRefSignature,
} from './codec';
export { parsePubRef, PUB_REF_MAX_LENGTH, PUB_REF_PREFIX, shownRate, type ShownRate } from './format';
export { DEFAULT_PUB_REF_MAX_AGE_DAYS, pubRefFreshness } from './freshness';

/**
 * The `pubRefFor` the offers merge uses: a fresh click id per served offer, bound to the user the offers were
 * fetched for and signed when a secret is set.
 */
export function pubRefIssuer(secret: string | undefined, userId: string): (offer: ButtonOffer, merchantId: string) => string {
  return (offer) => encodePubRef(offer, secret, userId);
}
