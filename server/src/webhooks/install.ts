import type { Core } from '@strapi/strapi';
import { createWebhookMiddleware, WEBHOOK_MIDDLEWARE_FIX, WEBHOOK_MIDDLEWARE_TAG } from './middleware';

type Handler = ((...args: never[]) => unknown) & { [WEBHOOK_MIDDLEWARE_TAG]?: true };

export { WEBHOOK_MIDDLEWARE_FIX };

/** From register(): a server-level middleware, which Strapi 5.54 runs before every configured one. */
export function installWebhookMiddleware(strapi: Core.Strapi): void {
  strapi.server.use(createWebhookMiddleware(strapi));
}

/**
 * From bootstrap() (after Strapi added the configured middlewares): checks that a webhook middleware sits
 * before the body parser, so the raw body is there. When none does, the endpoint still fails closed at run
 * time (it sees a consumed stream and answers 503); this check says so at boot, with the fix.
 */
export function checkWebhookMiddlewareOrder(strapi: Core.Strapi): { ok: boolean; reason?: string } {
  const stack = (strapi.server.app as unknown as { middleware: Handler[] }).middleware;
  const ourIndex = stack.findIndex((handler) => handler[WEBHOOK_MIDDLEWARE_TAG] === true);
  // strapi::body's handler is recognisable by the koa-body call it wraps (read from @strapi/core 5.54).
  const bodyIndex = stack.findIndex((handler) => Function.prototype.toString.call(handler).includes('koaBody'));
  if (ourIndex === -1) return { ok: false, reason: 'the webhook middleware is not installed' };
  if (bodyIndex !== -1 && bodyIndex < ourIndex) return { ok: false, reason: 'strapi::body runs before the webhook middleware' };
  return { ok: true };
}
