import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed user assertions: how a publisher's backend vouches for "this app user is user X" to the offers endpoint
 * when the app has no Strapi account (a public caller). The backend mints one per session with a secret it shares
 * with the plugin (`access.assertionSecret`); the app sends it as `X-Button-User-Assertion`; the plugin takes the
 * user id from it instead of trusting the request body.
 *
 *   bua1.<user id, base64url>.<expiry, Unix seconds>.<HMAC-SHA256 of everything before it, base64url>
 *
 * Short-lived by design (the plugin refuses one claiming to live longer than `access.assertionMaxTtlSeconds`), so a
 * leaked token is worth minutes, and there is no revocation list to keep. Plain node:crypto and no Strapi import:
 * publishers mint these in their own servers (the package's `/node` entry exports `mintUserAssertion`).
 */
export const ASSERTION_HEADER = 'x-button-user-assertion';
const VERSION = 'bua1';
const MAX_TOKEN_LENGTH = 1_024; // a 255-character user id is ~340 base64url characters; the rest is fixed
const MAX_USER_ID_LENGTH = 255;
const PRINTABLE_ASCII = /^[\x21-\x7E]+$/;

export interface MintOptions {
  /** The user id your apps give Button's SDK: 1-255 printable ASCII characters. */
  userId: string;
  /** The same secret as the plugin's `access.assertionSecret`. */
  secret: string;
  /** How long the app may use it; keep it short (default 15 minutes, at most the plugin's assertionMaxTtlSeconds). */
  ttlSeconds?: number;
  /** Unix time in seconds; for tests. */
  now?: number;
}

export type AssertionCheck =
  | { ok: true; userId: string; expiresAt: number }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'lifetime-too-long' };

const tag = (payload: string, secret: string) => createHmac('sha256', secret).update(payload).digest('base64url');

/** Mints an assertion for one user. Throws on a user id the offers endpoint would refuse anyway. */
export function mintUserAssertion({ userId, secret, ttlSeconds = 900, now }: MintOptions): string {
  if (userId.length === 0 || userId.length > MAX_USER_ID_LENGTH || !PRINTABLE_ASCII.test(userId)) {
    throw new TypeError('userId must be 1-255 printable ASCII characters');
  }
  if (secret.length === 0) throw new TypeError('secret must not be empty');
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new TypeError('ttlSeconds must be a positive integer');
  const expiresAt = Math.floor(now ?? Date.now() / 1000) + ttlSeconds;
  const payload = `${VERSION}.${Buffer.from(userId, 'utf8').toString('base64url')}.${expiresAt}`;
  return `${payload}.${tag(payload, secret)}`;
}

/** Checks an assertion's signature first, then its expiry and claimed lifetime; never says which user on failure. */
export function verifyUserAssertion(
  token: string,
  options: { secret: string; maxTtlSeconds: number; now?: number }
): AssertionCheck {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) return { ok: false, reason: 'malformed' };
  const [, encodedUser, expiry, signature] = parts as [string, string, string, string];
  if (!/^\d{1,12}$/.test(expiry) || !/^[A-Za-z0-9_-]+$/.test(encodedUser)) return { ok: false, reason: 'malformed' };

  const expected = Buffer.from(tag(`${VERSION}.${encodedUser}.${expiry}`, options.secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };

  const now = Math.floor(options.now ?? Date.now() / 1000);
  const expiresAt = Number(expiry);
  if (expiresAt <= now) return { ok: false, reason: 'expired' };
  if (expiresAt - now > options.maxTtlSeconds) return { ok: false, reason: 'lifetime-too-long' };
  const userId = Buffer.from(encodedUser, 'base64url').toString('utf8');
  if (userId.length === 0 || userId.length > MAX_USER_ID_LENGTH || !PRINTABLE_ASCII.test(userId)) {
    return { ok: false, reason: 'malformed' };
  }
  return { ok: true, userId, expiresAt };
}
