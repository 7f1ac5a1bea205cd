import type { Core } from '@strapi/strapi';
import { errorEnvelope } from '../utils/error-envelope';
import { offersRoutes, restPrefix } from '../utils/paths';

type Context = Parameters<Core.MiddlewareHandler>[0];
type Next = Parameters<Core.MiddlewareHandler>[1];

/**
 * A valid offers body is under 4 KB (a 255-character user id, ten identifiers of at most 320 characters, a
 * merchant id and a locale); 64 KiB leaves room for whitespace and future fields, and keeps a hostile body
 * from costing a megabyte of parsing (Strapi's own JSON limit) on every request.
 */
export const OFFERS_MAX_BODY_BYTES = 64 * 1024; // 64 KiB
const DRAIN_AT_MOST_BYTES = 1024 * 1024; // 1 MiB

/**
 * Serves as the offers endpoint's doorman, from a server-level middleware installed in register(), so it runs
 * BEFORE `strapi::body`: Strapi's body parser answers 500 to a malformed multipart body or a body labelled gzip
 * that is not gzip, and parses forms and text the endpoint never accepts. It decides on the headers alone and
 * never reads the stream, so a request it lets through reaches the body parser untouched:
 * - a Content-Type other than `application/json` (charset absent or UTF-8): 415;
 * - any Content-Encoding but identity: 415 with `Accept-Encoding: identity` (RFC 7694). Decoding was the other
 *   choice; refusing is safer and costs nothing: a body this small gains nothing from compression, and a
 *   decompressor is one more thing a hostile body could make expensive (a gzip bomb) or crash;
 * - a declared Content-Length over OFFERS_MAX_BODY_BYTES: 413. A chunked body (no Content-Length) is bounded by
 *   the app's own JSON limit in `strapi::body` (1 MB by default), which answers 413 too.
 * Only POSTs to the offers route and to the admin live preview (same controller, same bodies) are looked at.
 */
export function createOffersBodyGuard(strapi: Core.Strapi): Core.MiddlewareHandler {
  // The public route under the app's REST prefix, and the admin live preview (same controller, same bodies).
  // Runs on every request the server gets: the paths are built once per prefix, not per request.
  let cached: { prefix: string; find: string; preview: string } | undefined;
  const guarded = (path: string) => {
    const prefix = restPrefix(strapi);
    if (cached?.prefix !== prefix) cached = { prefix, ...offersRoutes(prefix) };
    const route = path.endsWith('/') && path.length > 1 ? path.slice(0, -1) : path;
    return route === cached.find || route === cached.preview;
  };

  return async function buttonOffersBodyGuard(ctx: Context, next: Next) {
    if (ctx.method !== 'POST' || !guarded(ctx.path)) return next();
    // Every answer of this route, the body parser's own 400s and 413s included, is per request: never stored.
    ctx.set('Cache-Control', 'no-store');

    const encoding = (ctx.get('Content-Encoding') || 'identity').trim().toLowerCase();
    if (encoding !== 'identity') {
      ctx.set('Accept-Encoding', 'identity');
      return refuse(ctx, 415, 'UnsupportedMediaTypeError', 'Content-Encoding is not supported: send the JSON body uncompressed');
    }
    // "IDENTITY" means no coding (tokens are case-insensitive), but the body parser only knows the lower-case one.
    delete ctx.req.headers['content-encoding'];
    const charset = (ctx.request.charset || 'utf-8').toLowerCase();
    // Media types are case-insensitive (RFC 9110); Koa's `request.type` keeps the case it was sent in.
    if (ctx.request.type.trim().toLowerCase() !== 'application/json' || (charset !== 'utf-8' && charset !== 'utf8')) {
      return refuse(ctx, 415, 'UnsupportedMediaTypeError', 'Send the body as JSON: Content-Type: application/json (UTF-8)');
    }
    const declared = ctx.get('Content-Length');
    if (declared !== '' && Number(declared) > OFFERS_MAX_BODY_BYTES) {
      // Node drains an unread body after the answer so the connection can serve the next request; past 1 MiB
      // (Strapi's own JSON limit) closing is cheaper than draining. Not always: closing with unread bytes makes the
      // kernel reset the connection, and a client still sending may then lose the 413 itself.
      if (Number(declared) > DRAIN_AT_MOST_BYTES) ctx.set('Connection', 'close');
      return refuse(ctx, 413, 'PayloadTooLargeError', `The request body is too large (at most ${OFFERS_MAX_BODY_BYTES} bytes)`, {
        limit: OFFERS_MAX_BODY_BYTES,
      });
    }
    return next();
  };
}

function refuse(ctx: Context, status: number, name: string, message: string, details: Record<string, unknown> = {}): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = errorEnvelope(status, name, message, details);
}
