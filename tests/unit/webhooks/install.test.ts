import type { Core } from '@strapi/strapi';
import { checkWebhookMiddlewareOrder } from '../../../server/src/webhooks/install';
import { WEBHOOK_MIDDLEWARE_TAG } from '../../../server/src/webhooks/middleware';

// Stand-ins for the koa stack: strapi::body is recognised by the koa-body call in its source.
const ours = Object.defineProperty(async () => undefined, WEBHOOK_MIDDLEWARE_TAG, { value: true });
const body = async (ctx: unknown) => {
  const koaBody = (_: unknown) => undefined;
  return koaBody(ctx);
};
const other = async () => undefined;
const strapiWith = (middleware: unknown[]) => ({ server: { app: { middleware } } }) as unknown as Core.Strapi;

describe('checkWebhookMiddlewareOrder', () => {
  it.each([
    ['before the body parser', [other, ours, other, body], { ok: true }],
    ['with no body parser found', [ours, other], { ok: true }],
    ['after the body parser', [other, body, ours], { ok: false, reason: 'strapi::body runs before the webhook middleware' }],
    ['missing', [other, body], { ok: false, reason: 'the webhook middleware is not installed' }],
  ])('%s', (_label, stack, expected) => {
    expect(checkWebhookMiddlewareOrder(strapiWith(stack))).toEqual(expected);
  });
});
