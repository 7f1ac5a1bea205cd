import type { Core } from '@strapi/strapi';
import { PLUGIN_ID, WEBHOOK_PATH } from '../../constants';
import { errorEnvelope } from '../../utils/error-envelope';
import { BodyTooLargeError, isStreamConsumed, readRawBody } from './raw-body';

type Context = Parameters<Core.MiddlewareHandler>[0];
type Next = Parameters<Core.MiddlewareHandler>[1];

/** Button's transactions are a few KB; line items for a large basket stay far below this. */
export const WEBHOOK_MAX_BODY_BYTES = 256 * 1024; // 256 KiB

/**
 * What a publisher does when something reads webhook bodies before the plugin (logged at boot and at run time).
 * A body reader that another plugin installs with `strapi.server.use` runs before every configured middleware, so
 * the second sentence is usually the one that applies.
 */
export const WEBHOOK_MIDDLEWARE_FIX =
  `add 'plugin::${PLUGIN_ID}.webhooks' to config/middlewares before 'strapi::body' and before any other middleware ` +
  `that reads request bodies; a body reader installed by another plugin must skip ${WEBHOOK_PATH} (under the REST prefix)`;

/** Where the capture leaves what it read, for the route handler (commissions controller `webhook`). */
export const RAW_BODY = Symbol.for(`${PLUGIN_ID}.webhook-raw-body`);

export type CapturedBody =
  | { kind: 'bytes'; bytes: Buffer }
  | { kind: 'too-large'; limit: number }
  | { kind: 'unreadable' }
  /** Someone read the stream before the capture ran: the bytes Button signed are gone. */
  | { kind: 'consumed' };

export function capturedBody(ctx: Context): CapturedBody | undefined {
  return (ctx.state as Record<symbol, CapturedBody | undefined>)[RAW_BODY];
}

/**
 * Keeps the webhook's exact bytes for its declared route (`POST /webhooks`, content API). Installed from
 * register() with `strapi.server.use`, so it runs before every configured middleware, `strapi::body` included
 * (Strapi 5.54). For the webhook path only, it reads the body (at most 256 KiB), leaves the result on
 * `ctx.state[RAW_BODY]` and passes the request on through Strapi's normal pipeline (access log, errors,
 * security, router); the route handler checks the signature over those bytes. Every other request is untouched.
 *
 * Having read the stream, it must keep `strapi::body` (koa-body 6) off it: parsing a consumed stream fails
 * ("stream is not readable", a 500). It does so by making the request say it has no body: koa-body parses only
 * when `ctx.is(...)` recognises a type, and type-is (what koa-body, co-body, koa-bodyparser and Express's
 * body-parser all use) reports no type for a request with neither Content-Length nor Transfer-Encoding. Handing
 * the parser a fresh stream of the same bytes instead would let it judge the body first: its own 400 for
 * malformed JSON, a 4xx/500 for a signed body labelled gzip that is not, where the webhook must answer itself.
 */
export function createRawBodyCapture(strapi: Core.Strapi): Core.MiddlewareHandler {
  // Every request the server gets passes here: the lower-cased webhook path is built once per prefix.
  let cached: { prefix: string; path: string } | undefined;
  const path = () => {
    const prefix = strapi.config.get<string>('api.rest.prefix', '/api');
    if (cached?.prefix !== prefix) cached = { prefix, path: `${prefix}${WEBHOOK_PATH}`.replace(/\/+/g, '/').toLowerCase() };
    return cached.path;
  };

  return async function buttonWebhookRawBody(ctx: Context, next: Next) {
    if (!isWebhookPath(ctx.path, path())) return next();
    if (ctx.method !== 'POST') {
      // Answered here: the router cannot, since strapi::public's catch-all GET route (static files) takes GET
      // and HEAD on every path (a 404 then). Not reaching strapi::logger, it writes the access-log line itself,
      // in that middleware's format and level (@strapi/core 5.54 middlewares/logger.js).
      const start = Date.now();
      ctx.status = 405;
      ctx.set('Allow', 'POST');
      ctx.set('Cache-Control', 'no-store');
      ctx.body = errorEnvelope(405, 'MethodNotAllowedError', 'Use POST', {});
      strapi.log.http(`${ctx.method} ${ctx.url} (${Math.ceil(Date.now() - start)} ms) ${ctx.status}`);
      return;
    }
    const state = ctx.state as Record<symbol, CapturedBody | undefined>;
    // Installed twice (register() and config/middlewares): the first capture wins, the stream is gone after it.
    if (state[RAW_BODY] === undefined) state[RAW_BODY] = await capture(ctx);
    delete ctx.req.headers['content-length'];
    delete ctx.req.headers['transfer-encoding'];
    return next();
  };
}

async function capture(ctx: Context): Promise<CapturedBody> {
  if (isStreamConsumed(ctx.req)) return { kind: 'consumed' };
  try {
    return { kind: 'bytes', bytes: await readRawBody(ctx.req, WEBHOOK_MAX_BODY_BYTES) };
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { kind: 'too-large', limit: error.limit };
    return { kind: 'unreadable' };
  }
}

/** As the router matches it: case-insensitive, with or without a trailing slash (@koa/router defaults); `expected` is lower-case. */
function isWebhookPath(requestPath: string, expected: string): boolean {
  const given = requestPath.toLowerCase();
  return given === expected || given === `${expected}/`;
}
