/**
 * The pubRef wire formats: parsing and formatting only, no crypto and no Node import, so the admin panel (a
 * browser) can read pubRefs too. Signing and verification live in `codec.ts`.
 *
 *   b2~<click id>~<tag>~<issued>~<rate>~<offer id>     (issued since 0.2.0)
 *   b1~<click id>~<tag>~<rate>~<offer id>              (0.1.0: still read, never `valid`: not bound to a user)
 *
 * - `b2`: format and version. A new format gets a new prefix and old pubRefs stay readable.
 * - click id: 12 base64url characters (72 random bits), one per served offer.
 * - tag: 12 base64url characters of HMAC-SHA256 over everything except the tag, then a newline and the user id
 *   the offers were fetched for (b2: the user id is signed, never carried; b1 signed no user id). Empty when no
 *   pubRef secret is configured (the pubRef is then "unsigned" and always reported as not valid).
 * - issued: when the offer was served, in whole seconds since 1970 in base36 (1 to 7 characters: 6 until 2038,
 *   7 until 4453), so the ledger can flag pubRefs used long after, or before, they were issued.
 * - rate: `p<decimal>` (percent), `f<decimal>[<CUR>]` (fixed amount, ISO 4217 currency), `n` (the offer had no
 *   rate) or `x` (a rate too long to carry, see below).
 * - offer id: last, so it may contain any printable character, `~` included. An id longer than
 *   `MAX_OFFER_ID_LENGTH` is replaced by `#` + a 16-character digest of it (see `codec.ts`).
 *
 * `~` separates fields: it is printable, unreserved in URLs (RFC 3986), and never part of a base64url
 * string, a base36 number or a decimal. Worst case (b2): 2 + 5 separators + 12 + 12 + 7 (issued) + 20 (`f` +
 * 16-character decimal + currency) + 40 (offer) = 98 characters.
 */

export const PUB_REF_PREFIX = 'b2';
export const PUB_REF_V1_PREFIX = 'b1';
export const PUB_REF_MAX_LENGTH = 100; // the Button iOS SDK's documented limit
export const CLICK_ID_LENGTH = 12;
export const TAG_LENGTH = 12;
/** b2 carries offer ids up to 40 characters (Button's are about 22); b1 carried up to 48. */
export const MAX_OFFER_ID_LENGTH = 40;
const MAX_OFFER_ID_LENGTH_V1 = 48;
export const MAX_ISSUED_LENGTH = 7;
export const MAX_DECIMAL_LENGTH = 16;
const SEPARATOR = '~';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const CURRENCY = /^[A-Z]{3}$/;
const PRINTABLE = /^[\x21-\x7E]+$/;
const BASE36 = /^[0-9a-z]+$/;

/** The rate the user was shown, exactly as Button sent it (decimal strings, never rounded). */
export type ShownRate =
  | { kind: 'percent'; value: string }
  | { kind: 'fixed'; value: string; currency: string | null }
  | { kind: 'none' }
  /** Button sent a rate the format cannot carry (a decimal over 16 characters, or a currency that is not 3 letters). */
  | { kind: 'unrepresentable' };

export interface PubRefFields {
  clickId: string;
  /** When the offer was served, in whole seconds since 1970. */
  issuedAtSeconds: number;
  /** Button's offer id, or `#` + its digest when the id was longer than 48 characters. */
  offerId: string;
  rate: ShownRate;
}

export interface ParsedPubRef extends PubRefFields {
  version: 1 | 2;
  /** When the offer was served (b2), in ms since 1970; null for b1, which did not carry it. */
  issuedAtMs: number | null;
  /** The tag as carried: '' for an unsigned pubRef. */
  tag: string;
  /** The part the tag signs. */
  signedPart: string;
}

/** The rate as Button sent it, in the most precise form the format can carry. */
export function shownRate(offer: { rate_percent: string | null; rate_fixed: string | null; currency: string | null }): ShownRate {
  if (offer.rate_percent !== null) {
    return isCarriedDecimal(offer.rate_percent) ? { kind: 'percent', value: offer.rate_percent } : { kind: 'unrepresentable' };
  }
  if (offer.rate_fixed !== null) {
    const currency = offer.currency === null ? null : offer.currency.toUpperCase();
    if (!isCarriedDecimal(offer.rate_fixed) || (currency !== null && !CURRENCY.test(currency)))
      return { kind: 'unrepresentable' };
    return { kind: 'fixed', value: offer.rate_fixed, currency };
  }
  return { kind: 'none' };
}

export function formatRate(rate: ShownRate): string {
  switch (rate.kind) {
    case 'percent':
      return `p${rate.value}`;
    case 'fixed':
      return `f${rate.value}${rate.currency ?? ''}`;
    case 'none':
      return 'n';
    case 'unrepresentable':
      return 'x';
  }
}

export function parseRate(text: string): ShownRate | undefined {
  if (text === 'n') return { kind: 'none' };
  if (text === 'x') return { kind: 'unrepresentable' };
  if (text.startsWith('p') && isCarriedDecimal(text.slice(1))) return { kind: 'percent', value: text.slice(1) };
  if (text.startsWith('f')) {
    const match = /^f(-?\d+(?:\.\d+)?)([A-Z]{3})?$/.exec(text);
    if (match && isCarriedDecimal(match[1] as string))
      return { kind: 'fixed', value: match[1] as string, currency: match[2] ?? null };
  }
  return undefined;
}

/** What the tag signs (before the user id is appended): every field but the tag, in wire order. */
export function signedPartOf(fields: PubRefFields): string {
  return [PUB_REF_PREFIX, fields.clickId, formatIssued(fields.issuedAtSeconds), formatRate(fields.rate), fields.offerId].join(
    SEPARATOR
  );
}

export function formatPubRef(fields: PubRefFields, tag: string): string {
  return [
    PUB_REF_PREFIX,
    fields.clickId,
    tag,
    formatIssued(fields.issuedAtSeconds),
    formatRate(fields.rate),
    fields.offerId,
  ].join(SEPARATOR);
}

function formatIssued(seconds: number): string {
  return Math.max(0, Math.floor(seconds)).toString(36);
}

/**
 * Reads a pubRef without checking its tag. Returns undefined for anything that is not a pubRef of this plugin
 * (null, a publisher's own format, garbage): the caller keeps the raw string regardless.
 */
export function parsePubRef(pubRef: string | null | undefined): ParsedPubRef | undefined {
  if (typeof pubRef !== 'string' || pubRef.length > PUB_REF_MAX_LENGTH || !PRINTABLE.test(pubRef)) return undefined;
  const parts = pubRef.split(SEPARATOR);
  if (parts[0] === PUB_REF_PREFIX) return parseV2(parts);
  if (parts[0] === PUB_REF_V1_PREFIX) return parseV1(parts);
  return undefined;
}

function parseV2(parts: string[]): ParsedPubRef | undefined {
  if (parts.length < 6) return undefined;
  const [, clickId = '', tag = '', issuedText = '', rateText = ''] = parts;
  const offerId = parts.slice(5).join(SEPARATOR);
  if (!validClickAndTag(clickId, tag)) return undefined;
  if (issuedText.length > MAX_ISSUED_LENGTH || !BASE36.test(issuedText) || (issuedText.length > 1 && issuedText[0] === '0'))
    return undefined;
  const rate = parseRate(rateText);
  if (rate === undefined || offerId === '' || offerId.length > MAX_OFFER_ID_LENGTH) return undefined;
  const issuedAtSeconds = parseInt(issuedText, 36);
  const fields: PubRefFields = { clickId, issuedAtSeconds, offerId, rate };
  return { version: 2, ...fields, issuedAtMs: issuedAtSeconds * 1000, tag, signedPart: signedPartOf(fields) };
}

function parseV1(parts: string[]): ParsedPubRef | undefined {
  if (parts.length < 5) return undefined;
  const [, clickId = '', tag = '', rateText = ''] = parts;
  const offerId = parts.slice(4).join(SEPARATOR);
  const rate = parseRate(rateText);
  if (!validClickAndTag(clickId, tag)) return undefined;
  if (rate === undefined || offerId === '' || offerId.length > MAX_OFFER_ID_LENGTH_V1) return undefined;
  const signedPart = [PUB_REF_V1_PREFIX, clickId, formatRate(rate), offerId].join(SEPARATOR);
  return { version: 1, clickId, issuedAtSeconds: 0, offerId, rate, issuedAtMs: null, tag, signedPart };
}

function validClickAndTag(clickId: string, tag: string): boolean {
  if (clickId.length !== CLICK_ID_LENGTH || !BASE64URL.test(clickId)) return false;
  return tag === '' || (tag.length === TAG_LENGTH && BASE64URL.test(tag));
}

function isCarriedDecimal(value: string): boolean {
  return value.length <= MAX_DECIMAL_LENGTH && DECIMAL.test(value);
}
