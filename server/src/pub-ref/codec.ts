import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  CLICK_ID_LENGTH,
  formatPubRef,
  MAX_OFFER_ID_LENGTH,
  parsePubRef,
  shownRate,
  signedPartOf,
  TAG_LENGTH,
  type PubRefFields,
  type ShownRate,
} from './format';

/**
 * Signs and verifies pubRefs (format in `format.ts`). Pure and stateless: no Strapi, no storage; serving an
 * offer writes nothing, and Button's webhook brings back everything the ledger needs.
 */

export interface OfferForPubRef {
  id: string;
  rate_percent: string | null;
  rate_fixed: string | null;
  currency: string | null;
}

export interface EncodeOptions {
  /** Random bytes source (tests pass a seeded one); defaults to `crypto.randomBytes`. */
  randomBytes?: (size: number) => Buffer;
}

export type PubRefSignature = 'valid' | 'invalid' | 'unsigned';

export type DecodedPubRef =
  | {
      ok: true;
      clickId: string;
      offerId: string;
      rate: ShownRate;
      /** 'valid' only when a tag is present and matches under the given secret. */
      signature: PubRefSignature;
      tagValid: boolean;
    }
  | { ok: false; reason: 'absent' | 'not-a-plugin-pub-ref' };

const PRINTABLE = /^[\x21-\x7E]+$/;
const OFFER_DIGEST_LENGTH = 16;

/** A fresh click id: 72 random bits in 12 base64url characters (collisions: ~1e-4 after a billion clicks). */
export function newClickId(random: (size: number) => Buffer = randomBytes): string {
  return random((CLICK_ID_LENGTH * 3) / 4).toString('base64url');
}

/**
 * How an offer id travels: as is when it fits (Button's ids are about 22 characters), else `#` + 16 base64url
 * characters of its SHA-256, so the 100-character limit holds for any id. Publishers match such rows with
 * `offerIdForPubRef(id)`.
 */
export function offerIdForPubRef(offerId: string): string {
  if (offerId.length <= MAX_OFFER_ID_LENGTH && PRINTABLE.test(offerId) && !offerId.startsWith('#')) return offerId;
  return `#${createHash('sha256')
    .update(offerId)
    .digest('base64url')
    .slice(0, OFFER_DIGEST_LENGTH - 1)}`;
}

/**
 * The pubRef for one served offer. Without a secret the pubRef is unsigned (empty tag): still traceable,
 * but the ledger marks it as not verified.
 */
export function encodePubRef(offer: OfferForPubRef, secret: string | undefined, options: EncodeOptions = {}): string {
  const fields: PubRefFields = {
    clickId: newClickId(options.randomBytes),
    offerId: offerIdForPubRef(offer.id),
    rate: shownRate(offer),
  };
  return formatPubRef(fields, secret === undefined ? '' : tagFor(signedPartOf(fields), secret));
}

/** Reads a pubRef that came back from Button and checks its tag against the secret (if one is configured). */
export function decodePubRef(pubRef: string | null | undefined, secret: string | undefined): DecodedPubRef {
  if (pubRef === null || pubRef === undefined || pubRef === '') return { ok: false, reason: 'absent' };
  const parsed = parsePubRef(pubRef);
  if (parsed === undefined) return { ok: false, reason: 'not-a-plugin-pub-ref' };
  const signature = checkTag(parsed.signedPart, parsed.tag, secret);
  return {
    ok: true,
    clickId: parsed.clickId,
    offerId: parsed.offerId,
    rate: parsed.rate,
    signature,
    tagValid: signature === 'valid',
  };
}

function tagFor(signedPart: string, secret: string): string {
  return createHmac('sha256', secret).update(signedPart).digest('base64url').slice(0, TAG_LENGTH);
}

function checkTag(signedPart: string, tag: string, secret: string | undefined): PubRefSignature {
  if (tag === '') return 'unsigned';
  if (secret === undefined) return 'invalid'; // nothing to verify against: never trust it
  const expected = Buffer.from(tagFor(signedPart, secret));
  const given = Buffer.from(tag);
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'valid' : 'invalid';
}
