import { createButtonError, type ButtonError, type ButtonErrorDetails } from './errors';
import { parseRetryAfter } from './backoff';
import {
  buttonErrorEnvelopeSchema,
  buttonListSuccessSchema,
  buttonOffersSuccessSchema,
  type ButtonMerchantOffers,
} from './schemas';

export interface RawResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

// Statuses worth another attempt: the next one may land on a healthy Button node. 501/505 and the like won't.
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const MAX_MESSAGE_LENGTH = 200;

/**
 * Decides what one Button answer means. Button's own clients decide success on `meta.status`, not the HTTP
 * status, so both must say "ok". Pure: the current time is passed in for Retry-After dates.
 */
export function interpretOffersResponse(response: RawResponse, nowEpochMs: number): ButtonMerchantOffers[] {
  return interpret(response, nowEpochMs, (json) => {
    const parsed = buttonOffersSuccessSchema.safeParse(json);
    return parsed.success ? { ok: true, value: parsed.data.object.merchant_offers } : { ok: false, issues: parsed.error.issues };
  });
}

/** One page of a Button list: its objects (unvalidated: the reader checks what it uses) and the next page's URL. */
export interface ListPage {
  objects: unknown[];
  next: string | null;
}

/** Like interpretOffersResponse, for Button's list endpoints (`{meta: {status, next, previous}, objects}`). */
export function interpretListResponse(response: RawResponse, nowEpochMs: number): ListPage {
  return interpret(response, nowEpochMs, (json) => {
    const parsed = buttonListSuccessSchema.safeParse(json);
    return parsed.success
      ? { ok: true, value: { objects: parsed.data.objects, next: parsed.data.meta.next ?? null } }
      : { ok: false, issues: parsed.error.issues };
  });
}

type Parsed<T> = { ok: true; value: T } | { ok: false; issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> };

function interpret<T>(response: RawResponse, nowEpochMs: number, parse: (json: unknown) => Parsed<T>): T {
  const json = parseJson(response.text);
  const { statusCode } = response;

  if (statusCode >= 200 && statusCode < 300) {
    const parsed = parse(json);
    if (parsed.ok) return parsed.value;
    const upstreamMessage = errorMessageOf(json);
    const reason =
      json === undefined
        ? 'was not JSON'
        : upstreamMessage !== undefined
          ? `was an error envelope: ${upstreamMessage}`
          : describeIssues(parsed.issues);
    return fail('INVALID_RESPONSE', `Button answered ${statusCode} but its body ${reason}`, {
      retryable: false,
      upstreamStatus: statusCode,
      upstreamMessage,
    });
  }

  const upstreamMessage = errorMessageOf(json);
  const suffix = upstreamMessage === undefined ? '' : `: ${upstreamMessage}`;
  const retryAfterMs = parseRetryAfter(response.headers['retry-after'], nowEpochMs);
  const retryable = RETRYABLE_STATUSES.has(statusCode);
  const details = { retryable, upstreamStatus: statusCode, upstreamMessage, retryAfterMs };
  if (statusCode === 429) return fail('RATE_LIMITED', `Button rate-limited the request (429)${suffix}`, details);
  if (statusCode === 401 || statusCode === 403)
    return fail('AUTH_REJECTED', `Button rejected the API key (${statusCode})${suffix}`, details);
  if (statusCode === 408) return fail('UPSTREAM_TIMEOUT', `Button timed out reading the request (408)`, details);
  if (statusCode >= 500) return fail('UPSTREAM_UNAVAILABLE', `Button answered ${statusCode}${suffix}`, details);
  return fail('REQUEST_REJECTED', `Button rejected the request (${statusCode})${suffix}`, details);
}

function fail(code: ButtonError['code'], message: string, details: ButtonErrorDetails): never {
  throw createButtonError(code, message, details);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorMessageOf(json: unknown): string | undefined {
  const envelope = buttonErrorEnvelopeSchema.safeParse(json);
  if (!envelope.success || envelope.data.meta?.status === 'ok') return undefined;
  const message = envelope.data.error?.message;
  return message === undefined ? undefined : message.slice(0, MAX_MESSAGE_LENGTH);
}

function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  const first = issues[0];
  if (first === undefined) return 'did not match the expected schema';
  const where = first.path.length > 0 ? first.path.map(String).join('.') : 'body';
  return `did not match the expected schema (${where}: ${first.message})`;
}
