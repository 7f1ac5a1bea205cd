import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ButtonOffersRequest } from '../button-client';
import { safeParseBounded, type InputLimits, type ValidationIssue } from '../utils/validation';

const PRINTABLE_ASCII = /^[\x21-\x7E]+$/;
export const MAX_IDENTIFIERS = 10; // Button's limit on device_ids + email_sha256s together
// Deliberately loose: Button hashes whatever the publisher knows as the email; we only refuse obvious non-emails,
// and anything invisible or ambiguous (control and format characters such as bidi overrides, lone surrogates).
const LOOKS_LIKE_EMAIL = /^[^\s@\p{Cc}\p{Cf}\p{Cs}]+@[^\s@\p{Cc}\p{Cf}\p{Cs}]+$/u;
// Button's docs: "whitespace trimmed". Only ASCII whitespace: a Unicode space around an id is refused, not hidden.
const ASCII_SPACE_AROUND = /^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g;
/**
 * IDFA, IDFV, GAID and the other vendor advertising ids are 36-character UUIDs; some publishers send a 64-character
 * hex hash instead. 128 leaves room for a prefixed or vendor-specific form without admitting payloads.
 */
export const MAX_DEVICE_ID_LENGTH = 128;
/** The longest BCP 47 tag in practical use ("zh-Hant-TW", "sr-Latn-RS", "en-US-x-twain") is far below this. */
export const MAX_LOCALE_LENGTH = 35;
const LOCALE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/**
 * A valid body has six fields, arrays of ten and nothing nested: anything far beyond is refused before the schema
 * walks it (see safeParseBounded), with one short issue.
 */
const OFFERS_INPUT_LIMITS: Partial<InputLimits> = { maxDepth: 4, maxArrayLength: 100, maxKeys: 100, maxNodes: 1_000 };

// Length first, with `abort`: a 60 KB string is refused on its length without a regex ever reading it.
const boundedString = (max: number) =>
  z.string({ error: 'must be a string' }).max(max, { error: `must be at most ${max} characters`, abort: true });

const printable = (max: number) =>
  boundedString(max).min(1, 'must not be empty').regex(PRINTABLE_ASCII, 'must be printable ASCII without spaces (0x21-0x7E)');

const identifierList = <T extends z.ZodType>(item: T) =>
  z.array(item, { error: 'must be an array' }).max(MAX_IDENTIFIERS, `must have at most ${MAX_IDENTIFIERS} items`).optional();

export const offersRequestSchema = z
  .strictObject(
    {
      // Optional here: an end user's or an assertion's id comes from the caller (offers/bind-caller.ts).
      user_id: printable(255).optional(),
      device_ids: identifierList(
        z
          .string({ error: 'must be a string' })
          .max(4 * MAX_DEVICE_ID_LENGTH, { error: `must be at most ${MAX_DEVICE_ID_LENGTH} characters`, abort: true })
          .overwrite((id) => id.replace(ASCII_SPACE_AROUND, ''))
          .min(1, { error: 'must not be blank', abort: true })
          .max(MAX_DEVICE_ID_LENGTH, { error: `must be at most ${MAX_DEVICE_ID_LENGTH} characters`, abort: true })
          .regex(PRINTABLE_ASCII, 'must be printable ASCII without spaces (0x21-0x7E)')
      ),
      email_sha256s: identifierList(
        boundedString(64).regex(/^[0-9a-fA-F]{64}$/, 'must be a SHA-256 hex digest (64 hex characters)')
      ),
      emails: identifierList(
        z
          .string({ error: 'must be a string' })
          .max(1_024, { error: 'is too long', abort: true })
          .trim()
          .max(320, { error: 'is too long', abort: true })
          .regex(LOOKS_LIKE_EMAIL, 'must be an email address')
      ),
      merchant_id: printable(255).optional(),
      locale: boundedString(MAX_LOCALE_LENGTH).regex(LOCALE_TAG, 'must be a locale code such as en or fr-CA').optional(),
    },
    { error: 'the body must be a JSON object' }
  )
  .superRefine((body, ctx) => {
    const count = (body.device_ids?.length ?? 0) + (body.email_sha256s?.length ?? 0) + (body.emails?.length ?? 0);
    if (count > MAX_IDENTIFIERS) {
      ctx.addIssue({
        code: 'custom',
        path: ['device_ids'],
        message: `device_ids, email_sha256s and emails together must have at most ${MAX_IDENTIFIERS} identifiers (got ${count})`,
      });
    }
  });

export interface OffersQuery {
  button: ButtonOffersRequest;
  locale?: string;
}

/** A valid body, before the caller decides whose offers these are (offers/bind-caller.ts). */
export interface ParsedOffersRequest {
  /** The body's `user_id`, if it named one. */
  userId?: string;
  button: Omit<ButtonOffersRequest, 'user_id'>;
  locale?: string;
}

export type ParseResult =
  | { success: true; request: ParsedOffersRequest }
  | { success: false; issues: ValidationIssue[]; /** Issues found but not listed. */ more: number };

/** Button's rule: SHA-256 hex of the email after trimming and lower-casing. */
export function hashEmail(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/**
 * Validates a request body and turns it into what Button is sent. Issues name the field and never repeat the
 * value (it may be an email or a device id). The locale is only checked for shape here: whether this Strapi has
 * it is the controller's next question (offers/locales.ts).
 */
export function parseOffersRequest(body: unknown): ParseResult {
  const result = safeParseBounded(offersRequestSchema, body, OFFERS_INPUT_LIMITS);
  if (!result.success) return { success: false, issues: result.issues, more: result.more };

  const { user_id, device_ids, email_sha256s, emails, merchant_id, locale } = result.data;
  const hashes = unique([...(email_sha256s ?? []).map((hash) => hash.toLowerCase()), ...(emails ?? []).map(hashEmail)]);
  const devices = unique(device_ids ?? []);
  const button: ParsedOffersRequest['button'] = {};
  if (devices.length > 0) button.device_ids = devices;
  if (hashes.length > 0) button.email_sha256s = hashes;
  if (merchant_id !== undefined) button.merchant_id = merchant_id;
  return {
    success: true,
    request: { ...(user_id === undefined ? {} : { userId: user_id }), button, ...(locale === undefined ? {} : { locale }) },
  };
}

const unique = (values: string[]) => [...new Set(values)];
