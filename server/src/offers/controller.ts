import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { isButtonError } from '../button-client';
import { PLUGIN_ID } from '../constants';
import { errorEnvelope } from '../utils/error-envelope';
import { getService } from '../utils/get-service';
import { offersRoutes, restPrefix } from '../utils/paths';
import { validationDetails } from '../utils/validation';
import { toHttpError } from './http-errors';
import { parseOffersRequest } from './request-schema';

type Context = Parameters<Core.MiddlewareHandler>[0];

const INVALID_REQUEST = 'Invalid offers request';

const offersController = ({ strapi }: { strapi: Core.Strapi }) => {
  // The `http_route` labels: the routes' paths as clients call them (from the route definitions, see utils/paths.ts).
  let routes: ReturnType<typeof offersRoutes> | undefined;

  /** Runs one offers request and records its duration under its route's path, whatever the outcome. */
  const measured = async (ctx: Context, handler: 'find' | 'preview') => {
    routes ??= offersRoutes(restPrefix(strapi));
    const route = routes[handler];
    const started = performance.now();
    // Every answer this controller means to give (400s included) is written here, so ctx.status is it; anything
    // thrown is a bug that Strapi's error middleware answers with a 500.
    let status = 500;
    try {
      await answerOffers(strapi, ctx);
      status = ctx.status;
    } finally {
      getService(strapi, 'metrics').observeOffersRequest(route, status, (performance.now() - started) / 1000);
    }
  };

  return {
    /** POST <api.rest.prefix>/button-personalization/offers */
    find: (ctx: Context) => measured(ctx, 'find'),
    /** POST /button-personalization/preview (admin): exactly what the public endpoint answers, for the live preview. */
    preview: (ctx: Context) => measured(ctx, 'preview'),
  };
};

async function answerOffers(strapi: Core.Strapi, ctx: Context) {
  const requestId = randomUUID();
  ctx.set('X-Request-Id', requestId);
  // Rates are per user and per moment: no browser, CDN or proxy may keep them.
  ctx.set('Cache-Control', 'no-store');

  const parsed = parseOffersRequest(ctx.request.body);
  if (!parsed.success) return invalid(ctx, validationDetails(parsed.issues, parsed.more));
  const offers = getService(strapi, 'offers');
  // Before the content cache or any query sees it: an unknown locale is the caller's mistake and leaves nothing behind.
  let locale: string | undefined;
  if (parsed.query.locale !== undefined) {
    locale = await offers.resolveLocale(parsed.query.locale);
    if (locale === undefined) {
      return invalid(ctx, {
        errors: [{ path: ['locale'], message: 'is not a locale configured in this Strapi', name: 'ValidationError' }],
      });
    }
  }

  // A client that hangs up should not keep a Button call (and its retries) running on its behalf.
  const abort = new AbortController();
  const onClose = () => {
    if (!ctx.res.writableFinished) abort.abort();
  };
  ctx.res.once('close', onClose);
  try {
    ctx.body = await offers.personalize(
      { ...parsed.query, locale },
      {
        requestId,
        signal: abort.signal,
      }
    );
  } catch (error) {
    if (!isButtonError(error)) throw error;
    const answer = toHttpError(error);
    strapi.log[answer.logLevel](
      `[${PLUGIN_ID}] offers request ${requestId} failed: ${error.code} after ${error.attempts} attempt(s): ${error.message}`
    );
    ctx.status = answer.status;
    if (answer.retryAfter !== undefined) ctx.set('Retry-After', String(answer.retryAfter));
    ctx.body = answer.body;
  } finally {
    ctx.res.off('close', onClose);
  }
}

/** A 400 in Strapi's ValidationError envelope, answered here (the edge) rather than thrown. */
function invalid(ctx: Context, details: Record<string, unknown>): void {
  ctx.status = 400;
  ctx.body = errorEnvelope(400, 'ValidationError', INVALID_REQUEST, details);
}

export default offersController;
