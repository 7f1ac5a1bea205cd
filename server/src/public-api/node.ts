/**
 * The package's Strapi-free entry (`strapi-plugin-button-personalization/node`), for a publisher's own servers:
 * plain Node (CommonJS or ESM), no Strapi, no `@strapi/*` package loaded. Everything here uses node:crypto only.
 *
 * - the pubRef codec: sign pubRefs as the offers endpoint does, read the ones Button's webhooks bring back;
 * - Button's webhook signature (`X-Button-Signature`), for a backend that receives the webhooks itself;
 * - signed user assertions (`X-Button-User-Assertion`): mint one per session for apps without a Strapi account.
 *
 * Built to CommonJS (server/tsconfig.public-api.json); ESM code imports it by name through Node's CommonJS interop
 * (`import { mintUserAssertion } from 'strapi-plugin-button-personalization/node'`).
 */
export {
  decodePubRef,
  encodePubRef,
  newClickId,
  offerIdForPubRef,
  type DecodedPubRef,
  type EncodeOptions,
  type OfferForPubRef,
  type PubRefSignature,
} from '../pub-ref/codec';
export { parsePubRef, PUB_REF_MAX_LENGTH, PUB_REF_PREFIX, shownRate, type ParsedPubRef, type ShownRate } from '../pub-ref/format';
export { DEFAULT_PUB_REF_MAX_AGE_DAYS, pubRefFreshness, type PubRefFreshness } from '../pub-ref/freshness';
export { checkWebhookSignature, SIGNATURE_HEADER, signWebhookBody, type SignatureCheck } from '../commissions/intake/signature';
export {
  ASSERTION_HEADER,
  mintUserAssertion,
  verifyUserAssertion,
  type AssertionCheck,
  type MintOptions,
} from '../access/assertion';
