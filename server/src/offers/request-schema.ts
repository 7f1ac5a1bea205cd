import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ButtonOffersRequest } from '../button-client';
import { toValidationIssues, type ValidationIssue } from '../utils/validation';

const PRINTABLE_ASCII = /^[\x21-\x7E]+$/;
const MAX_IDENTIFIERS = 10; // Button's limit on device_ids + email_sha256s together
// Deliberately loose: Button hashes whatever the publisher knows as the email; we only refuse obvious non-emails.
const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+$/;

const printable = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(PRINTABLE_ASCII, 'must be printable ASCII without spaces (0x21-0x7E)');

const identifierList = <T extends z.ZodType>(item: T) =>
  z.array(item, { error: 'must be an array' }).max(MAX_IDENTIFIERS, `must have at most ${MAX_IDENTIFIERS} items`).optional();

export const offersRequestSchema = z
  .strictObject(
    {
      user_id: printable(255),
      device_ids: identifierList(
        z.string({ error: 'must be a string' }).trim().min(1, 'must not be blank').max(255, 'must be at most 255 characters')
      ),
      email_sha256s: identifierList(
        z.string({ error: 'must be a string' }).regex(/^[0-9a-fA-F]{64}$/, 'must be a SHA-256 hex digest (64 hex characters)')
      ),
      emails: identifierList(
        z.string({ error: 'must be a string' }).trim().max(320, 'is too long').regex(LOOKS_LIKE_EMAIL, 'must be an email address')
      ),
      merchant_id: printable(255).optional(),
      locale: z
        .string({ error: 'must be a string' })
        .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a locale code such as en or fr-CA')
        .optional(),
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

export type ParseResult = { success: true; query: OffersQuery } | { success: false; issues: ValidationIssue[] };

/** Button's rule: SHA-256 hex of the email after trimming and lower-casing. */
export function hashEmail(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/**
 * Validates a request body and turns it into what Button is sent. Issues name the field and never repeat the
 * value (it may be an email or a device id).
 */
export function parseOffersRequest(body: unknown): ParseResult {
  const result = offersRequestSchema.safeParse(body);
  if (!result.success) return { success: false, issues: toValidationIssues(result.error, body) };

  const { user_id, device_ids, email_sha256s, emails, merchant_id, locale } = result.data;
  const hashes = unique([...(email_sha256s ?? []).map((hash) => hash.toLowerCase()), ...(emails ?? []).map(hashEmail)]);
  const devices = unique(device_ids ?? []);
  const button: ButtonOffersRequest = { user_id };
  if (devices.length > 0) button.device_ids = devices;
  if (hashes.length > 0) button.email_sha256s = hashes;
  if (merchant_id !== undefined) button.merchant_id = merchant_id;
  return { success: true, query: { button, locale } };
}

const unique = (values: string[]) => [...new Set(values)];
