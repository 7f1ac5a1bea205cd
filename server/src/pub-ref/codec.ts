import { createHash, createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';
import {
  CLICK_ID_LENGTH,
  formatPubRef,
  MAX_OFFER_ID_LENGTH,
  parsePubRef,
  shownRate,
  signedPartOf,
  TAG_LENGTH,
  type ParsedPubRef,
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
  /** Random bytes source (tests pass a seeded one); defaults to a pool filled by `crypto.randomFillSync`. */
  randomBytes?: (size: number) => Buffer;
  /** The issue time source, in ms since 1970; defaults to `Date.now`. */
  now?: () => number;
}

/**
 * - `valid`: a b2 pubRef whose tag matches under the secret AND the user id given: issued by this server, to
 *   this user, unchanged.
 * - `invalid`: the tag does not match: changed, issued to another user, or under another secret.
 * - `unsigned`: no tag (issued while no pubRef secret was configured).
 * - `unverified`: a signed b2 pubRef but no user id to check it against (e.g. a webhook without
 *   `publisher_customer_id`, or the admin debugger without a user id): nothing proves it.
 * - `unbound`: a 0.1.0 (b1) pubRef with a matching tag: genuine, but bound to no user, so anyone's transaction
 *   could carry it. Readable, never `valid`.
 */
export type PubRefSignature = 'valid' | 'invalid' | 'unsigned' | 'unverified' | 'unbound';

export type DecodedPubRef =
  | {
      ok: true;
      version: 1 | 2;
      clickId: string;
      offerId: string;
      rate: ShownRate;
      /** When the offer was served (ISO 8601), as the pubRef says; null for b1. Only trust it when tagValid. */
      issuedAt: string | null;
      signature: PubRefSignature;
      /** signature === 'valid': issued by this server to this very user, unchanged. */
      tagValid: boolean;
    }
  | { ok: false; reason: 'absent' | 'not-a-plugin-pub-ref' };

const PRINTABLE = /^[\x21-\x7E]+$/;
const OFFER_DIGEST_LENGTH = 16;

const CLICK_ID_BYTES = (CLICK_ID_LENGTH * 3) / 4;
const POOL_BYTES = 4096; // 455 click ids per refill

/**
 * Every served offer needs a click id, and one `randomBytes` call per offer showed in the offers endpoint's profile
 * (a synchronous call into the CSPRNG each time, more than the HMAC itself). The same CSPRNG fills a 4 KB pool
 * instead, read once and never handed out (randomUUID does the same): each id is encoded from bytes no other id
 * used.
 */
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

function pooledClickId(): string {
  if (poolOffset + CLICK_ID_BYTES > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const id = pool.toString('base64url', poolOffset, poolOffset + CLICK_ID_BYTES);
  poolOffset += CLICK_ID_BYTES;
  return id;
}

/** A fresh click id: 72 random bits in 12 base64url characters (collisions: ~1e-4 after a billion clicks). */
export function newClickId(random?: (size: number) => Buffer): string {
  return random === undefined ? pooledClickId() : random(CLICK_ID_BYTES).toString('base64url');
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
 * The pubRef for one offer served to `userId` (the `user_id` the offers were fetched for, which Button brings
 * back as `publisher_customer_id`). The tag signs the user id; the pubRef never carries it. Without a secret
 * the pubRef is unsigned (empty tag): still traceable, but the ledger marks it as not verified.
 */
export function encodePubRef(
  offer: OfferForPubRef,
  secret: string | undefined,
  userId: string,
  options: EncodeOptions = {}
): string {
  // 0.1.0's signature was (offer, secret, options): refuse rather than bind a pubRef to "undefined".
  if (typeof userId !== 'string' || userId === '')
    throw new TypeError('encodePubRef needs the user id the offer is served to (the offers request user_id)');
  const fields: PubRefFields = {
    clickId: newClickId(options.randomBytes),
    issuedAtSeconds: Math.floor((options.now ?? Date.now)() / 1000),
    offerId: offerIdForPubRef(offer.id),
    rate: shownRate(offer),
  };
  return formatPubRef(fields, secret === undefined ? '' : tagFor(signedPartOf(fields), userId, secret));
}

/**
 * Reads a pubRef that came back from Button and checks its tag against the secret (if one is configured) and
 * the user id the transaction belongs to (`publisher_customer_id`). Without a user id a signed pubRef can only
 * be `unverified`: `valid` always means "this server issued it to this user".
 */
export function decodePubRef(
  pubRef: string | null | undefined,
  secret: string | undefined,
  userId?: string | null
): DecodedPubRef {
  if (pubRef === null || pubRef === undefined || pubRef === '') return { ok: false, reason: 'absent' };
  const parsed = parsePubRef(pubRef);
  if (parsed === undefined) return { ok: false, reason: 'not-a-plugin-pub-ref' };
  const signature = checkTag(parsed, secret, userId ?? undefined);
  return {
    ok: true,
    version: parsed.version,
    clickId: parsed.clickId,
    offerId: parsed.offerId,
    rate: parsed.rate,
    issuedAt: parsed.issuedAtMs === null ? null : new Date(parsed.issuedAtMs).toISOString(),
    signature,
    tagValid: signature === 'valid',
  };
}

/**
 * Domain separation: the signed part is printable ASCII without newlines, so `signed + "\n" + user id` cannot
 * be read two ways (a user id cannot slide into the signed fields or the other way round).
 */
function tagFor(signedPart: string, userId: string | null, secret: string): string {
  const message = userId === null ? signedPart : `${signedPart}\n${userId}`;
  return createHmac('sha256', secret).update(message).digest('base64url').slice(0, TAG_LENGTH);
}

function sameTag(tag: string, expected: string): boolean {
  const given = Buffer.from(tag);
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function checkTag(parsed: ParsedPubRef, secret: string | undefined, userId: string | undefined): PubRefSignature {
  if (parsed.tag === '') return 'unsigned';
  if (secret === undefined) return 'invalid'; // nothing to verify against: never trust it
  if (parsed.version === 1) return sameTag(parsed.tag, tagFor(parsed.signedPart, null, secret)) ? 'unbound' : 'invalid';
  if (userId === undefined || userId === '') return 'unverified';
  return sameTag(parsed.tag, tagFor(parsed.signedPart, userId, secret)) ? 'valid' : 'invalid';
}
