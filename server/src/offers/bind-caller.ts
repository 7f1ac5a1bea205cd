import type { Caller } from '../access/caller';
import type { ValidationIssue } from '../utils/validation';
import { MAX_IDENTIFIERS, type OffersQuery, type ParsedOffersRequest } from './request-schema';

export type BindResult =
  | { ok: true; query: OffersQuery }
  | { ok: false; status: 400; issues: ValidationIssue[] }
  | { ok: false; status: 403; message: string };

/**
 * Whose offers a request gets. A caller that vouches for a user (a signed-in end user, a signed assertion) gets
 * that user's, and a body naming anyone else is refused rather than silently answered for the caller: a client
 * bug, or someone trying. A trusted caller (an API token, the admin's preview) names the user in the body.
 */
export function bindCaller(request: ParsedOffersRequest, caller: Caller | 'admin'): BindResult {
  const vouched = caller === 'admin' ? undefined : caller.userId;
  if (vouched === undefined) {
    if (request.userId === undefined) {
      return { ok: false, status: 400, issues: [{ path: ['user_id'], message: 'is required', name: 'ValidationError' }] };
    }
    return { ok: true, query: { button: { ...request.button, user_id: request.userId }, locale: request.locale } };
  }
  if (request.userId !== undefined && request.userId !== vouched) {
    return { ok: false, status: 403, message: "user_id must be the caller's own user (or be left out)" };
  }
  const button = { ...request.button, user_id: vouched };
  const emailSha256 = caller === 'admin' ? undefined : caller.emailSha256;
  if (emailSha256 !== undefined) {
    const hashes = button.email_sha256s ?? [];
    const count = hashes.length + (button.device_ids?.length ?? 0);
    // Button takes at most ten identifiers: the caller's own ones win over the signed-in email's hash.
    if (!hashes.includes(emailSha256) && count < MAX_IDENTIFIERS) button.email_sha256s = [...hashes, emailSha256];
  }
  return { ok: true, query: { button, locale: request.locale } };
}
