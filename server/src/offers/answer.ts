import type { Core } from '@strapi/strapi';
import type { Caller } from '../access/caller';
import { isButtonError } from '../button-client';
import { retryAfterSeconds } from '../button-client/backoff';
import { PLUGIN_ID } from '../constants';
import type { ErrorResponse, OffersResponse } from '../contracts/offers';
import { errorEnvelope } from '../utils/error-envelope';
import { getService } from '../utils/get-service';
import { validationDetails } from '../utils/validation';
import { bindCaller } from './bind-caller';
import { toHttpError } from './http-errors';
import { parseOffersRequest } from './request-schema';

/** What an offers request gets, whichever API asked (REST, the admin's preview, GraphQL). */
export interface OffersAnswer {
  status: number;
  body: OffersResponse | ErrorResponse;
  /** Seconds, for a Retry-After header (429s and 503s). */
  retryAfter?: number;
}

const INVALID_REQUEST = 'Invalid offers request';

const invalid = (details: Record<string, unknown>): OffersAnswer => ({
  status: 400,
  body: errorEnvelope(400, 'ValidationError', INVALID_REQUEST, details),
});

/**
 * One offers request from start to finish, once the caller is known: the body, whose offers, fair use, the locale,
 * then Button and the merge. Every answer the plugin means to give is returned (never thrown); anything thrown is a
 * bug for Strapi's error middleware. `caller` is 'admin' for the admin's live preview (trusted, not rate-limited
 * per caller: the admin's own permission guards it).
 */
export async function answerOffers(
  strapi: Core.Strapi,
  input: { body: unknown; caller: Caller | 'admin'; requestId: string; signal: AbortSignal }
): Promise<OffersAnswer> {
  const { caller } = input;
  const parsed = parseOffersRequest(input.body);
  if (!parsed.success) return invalid(validationDetails(parsed.issues, parsed.more));
  const bound = bindCaller(parsed.request, caller);
  if (!bound.ok) {
    if (bound.status === 400) return invalid(validationDetails(bound.issues, 0));
    return { status: 403, body: errorEnvelope(403, 'ForbiddenError', bound.message, { code: 'USER_MISMATCH' }) };
  }
  // After the request is known valid and the caller's own (those answers cost nothing), before anything costs.
  if (caller !== 'admin') {
    const fair = await getService(strapi, 'access').fairUse.check(caller);
    if (!fair.allowed) {
      return {
        status: 429,
        retryAfter: retryAfterSeconds(fair.retryAfterMs),
        body: errorEnvelope(429, 'RateLimitError', 'Too many offers requests from this caller: slow down', {
          code: 'CALLER_RATE_LIMITED',
          limit: fair.limit,
        }),
      };
    }
  }

  const offers = getService(strapi, 'offers');
  const query = bound.query;
  // Before the content cache or any query sees it: an unknown locale is the caller's mistake and leaves nothing behind.
  if (query.locale !== undefined) {
    const locale = await offers.resolveLocale(query.locale);
    if (locale === undefined) {
      return invalid({
        errors: [{ path: ['locale'], message: 'is not a locale configured in this Strapi', name: 'ValidationError' }],
      });
    }
    query.locale = locale;
  }

  try {
    return { status: 200, body: await offers.personalize(query, { requestId: input.requestId, signal: input.signal }) };
  } catch (error) {
    if (!isButtonError(error)) throw error;
    const answer = toHttpError(error);
    strapi.log[answer.logLevel](
      `[${PLUGIN_ID}] offers request ${input.requestId} failed: ${error.code} after ${error.attempts} attempt(s): ${error.message}`
    );
    return {
      status: answer.status,
      body: answer.body,
      ...(answer.retryAfter === undefined ? {} : { retryAfter: answer.retryAfter }),
    };
  }
}

/** The response a request's client may hang up on (Node's ServerResponse, as Koa and the GraphQL plugin expose it). */
interface ClosableResponse {
  writableFinished: boolean;
  once(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

/**
 * Runs `work` with a signal that aborts when the client hangs up before the answer is written: a client that is gone
 * should not keep a Button call (and its retries) running on its behalf. REST and GraphQL both answer through it.
 */
export async function untilClientHangsUp<T>(res: ClosableResponse, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) abort.abort();
  };
  res.once('close', onClose);
  try {
    return await work(abort.signal);
  } finally {
    res.off('close', onClose);
  }
}
