import type { Core } from '@strapi/strapi';
import { PLUGIN_ID, WEBHOOK_PATH } from '../constants';
import { getService } from '../utils/get-service';
import { errorAnswer, handleWebhook, type WebhookAnswer } from './controller';
import { SIGNATURE_HEADER } from './signature';
import { BodyTooLargeError, isStreamConsumed, readRawBody } from './raw-body';

type Context = Parameters<Core.MiddlewareHandler>[0];
type Next = Parameters<Core.MiddlewareHandler>[1];

/** Button's transactions are a few KB; line items for a large basket stay far below this. */
export const WEBHOOK_MAX_BODY_BYTES = 256 * 1024; // 256 KiB

/** What a publisher does when something reads webhook bodies before the plugin (logged at boot and at run time). */
export const WEBHOOK_MIDDLEWARE_FIX = `add 'plugin::${PLUGIN_ID}.webhooks' to config/middlewares before 'strapi::body' and before any other middleware that reads request bodies`;

/**
 * Serves `POST /api/button-personalization/webhooks` from a server-level middleware registered in the plugin's
 * register(), so it runs BEFORE `strapi::body`: the signature is checked over the exact bytes received,
 * whatever the app's config/middlewares says, and nothing has to be configured by the publisher. Having read
 * the stream it must answer itself (calling next() would make strapi::body fail on the consumed stream), so it
 * answers in Strapi's error envelope and never lets an exception escape. Every other request passes through.
 */
export function createWebhookMiddleware(strapi: Core.Strapi): Core.MiddlewareHandler {
  const path = () => `${strapi.config.get<string>('api.rest.prefix', '/api')}${WEBHOOK_PATH}`.replace(/\/+/g, '/');
  let warnedConsumed = false;
  const log = {
    info: (message: string) => strapi.log.info(`[${PLUGIN_ID}] ${message}`),
    warn: (message: string) => strapi.log.warn(`[${PLUGIN_ID}] ${message}`),
    error: (message: string) => strapi.log.error(`[${PLUGIN_ID}] ${message}`),
  };

  const middleware = async function buttonWebhookMiddleware(ctx: Context, next: Next) {
    if (ctx.path !== path() && ctx.path !== `${path()}/`) return next();
    // Answered here, before strapi::logger (which only logs what reaches it): write its access-log line, in its
    // exact format and level (@strapi/core 5.54 middlewares/logger.js), so deliveries show up like any request.
    const start = Date.now();
    try {
      await serve(ctx);
    } finally {
      strapi.log.http(`${ctx.method} ${ctx.url} (${Math.ceil(Date.now() - start)} ms) ${ctx.status}`);
    }
  };

  const serve = async (ctx: Context) => {
    if (ctx.method !== 'POST') {
      ctx.set('Allow', 'POST');
      return send(ctx, errorAnswer(405, 'MethodNotAllowedError', 'Use POST'));
    }
    // Fail closed: if anything parsed the body before us, the bytes Button signed are gone.
    if (isStreamConsumed(ctx.req)) {
      if (!warnedConsumed)
        log.error(`webhook refused: the raw request body was already consumed. Fix: ${WEBHOOK_MIDDLEWARE_FIX}`);
      warnedConsumed = true;
      return send(ctx, errorAnswer(503, 'ServiceUnavailableError', 'Webhook signature cannot be verified on this server'));
    }

    let raw: Buffer;
    try {
      raw = await readRawBody(ctx.req, WEBHOOK_MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        ctx.set('Connection', 'close');
        return send(ctx, errorAnswer(413, 'PayloadTooLargeError', error.message, { limit: error.limit }));
      }
      return send(ctx, errorAnswer(400, 'BadRequestError', 'The request body could not be read'));
    }

    try {
      const config = getService(strapi, 'button').config();
      const answer = await handleWebhook(raw, ctx.get(SIGNATURE_HEADER) || undefined, {
        webhookSecret: config.webhookSecret,
        record: (event) => getService(strapi, 'commissions').record(event),
        log,
      });
      send(ctx, answer);
    } catch (error) {
      log.error(`webhook failed unexpectedly: ${(error as Error).name}`);
      send(ctx, errorAnswer(500, 'InternalServerError', 'The webhook could not be processed; retry later'));
    }
  };
  Object.defineProperty(middleware, WEBHOOK_MIDDLEWARE_TAG, { value: true });
  return middleware;
}

/** Marks every instance, so the boot check finds it wherever it was installed (register() or config/middlewares). */
export const WEBHOOK_MIDDLEWARE_TAG = Symbol.for(`${PLUGIN_ID}.webhook-middleware`);

function send(ctx: Context, answer: WebhookAnswer): void {
  ctx.status = answer.status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = answer.body;
}
