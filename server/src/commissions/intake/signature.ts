import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Button's webhook signature: HMAC-SHA256 of the raw request body bytes, keyed with the webhook secret, as 64
 * lowercase hex characters in `X-Button-Signature` (no timestamp, no prefix). Pure: no Strapi import.
 */

export const SIGNATURE_HEADER = 'x-button-signature';
const HEX_SHA256 = /^[0-9a-f]{64}$/;

export type SignatureCheck = { valid: true } | { valid: false; reason: 'missing' | 'malformed' | 'mismatch' };

export function signWebhookBody(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Checks a signature header against the bytes received. Only the exact bytes are ever verified (never a
 * re-serialised object), and the comparison is constant-time over equal-length digests.
 */
export function checkWebhookSignature(body: Buffer, header: string | string[] | undefined, secret: string): SignatureCheck {
  if (header === undefined || header === '' || (Array.isArray(header) && header.length === 0))
    return { valid: false, reason: 'missing' };
  // Two signature headers is not something Button sends: refuse rather than pick one.
  if (Array.isArray(header)) return { valid: false, reason: 'malformed' };
  const given = header.trim();
  if (!HEX_SHA256.test(given)) return { valid: false, reason: 'malformed' };
  const expected = Buffer.from(signWebhookBody(body, secret), 'hex');
  return timingSafeEqual(Buffer.from(given, 'hex'), expected) ? { valid: true } : { valid: false, reason: 'mismatch' };
}
