import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { Caller } from '../access/caller';
import { errorEnvelope } from '../utils/error-envelope';
import { getService } from '../utils/get-service';
import { offersRoutes, restPrefix } from '../utils/paths';
import { answerOffers, untilClientHangsUp } from './answer';

type Context = Parameters<Core.MiddlewareHandler>[0];

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
      await answerOffersOverRest(strapi, ctx, handler);
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

/** The REST answer: headers, then the shared pipeline (offers/answer.ts) with the caller this request is. */
async function answerOffersOverRest(strapi: Core.Strapi, ctx: Context, handler: 'find' | 'preview') {
  const requestId = randomUUID();
  ctx.set('X-Request-Id', requestId);
  // Rates are per user and per moment: no browser, CDN or proxy may keep them.
  ctx.set('Cache-Control', 'no-store');

  let caller: Caller | 'admin' = 'admin';
  if (handler === 'find') {
    const resolved = getService(strapi, 'access').resolve(ctx);
    if (!resolved.ok) {
      ctx.status = resolved.status;
      const name = resolved.status === 401 ? 'UnauthorizedError' : 'ForbiddenError';
      ctx.body = errorEnvelope(resolved.status, name, resolved.message, { code: resolved.code });
      return;
    }
    caller = resolved.caller;
  }

  const answer = await untilClientHangsUp(ctx.res, (signal) =>
    answerOffers(strapi, { body: ctx.request.body, caller, requestId, signal })
  );
  ctx.status = answer.status;
  if (answer.retryAfter !== undefined) ctx.set('Retry-After', String(answer.retryAfter));
  ctx.body = answer.body;
}

export default offersController;
