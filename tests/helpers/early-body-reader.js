'use strict';

const { PassThrough } = require('node:stream');

/**
 * A body reader that runs before every other middleware, the button-personalization plugin's included: stands
 * for another plugin that registered one with `strapi.server.use` before this plugin (configured middlewares
 * cannot get ahead of server-level ones, so the factory puts it at the head of the Koa stack).
 * EARLY_BODY_READER=consume drains the stream; =reserialise parses the JSON and hands on a fresh stream of the
 * re-serialised text (what a careless "raw body" helper does).
 */
module.exports = (_config, { strapi }) => {
  const mode = process.env.EARLY_BODY_READER ?? 'consume';
  const reader = async (ctx, next) => {
    if (ctx.method !== 'POST') return next();
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    if (mode === 'reserialise') {
      let text = Buffer.concat(chunks).toString('utf8');
      try {
        text = JSON.stringify(JSON.parse(text));
      } catch {
        // not JSON: handed on as it came
      }
      const fresh = new PassThrough();
      fresh.headers = { ...ctx.req.headers, 'content-length': String(Buffer.byteLength(text)) };
      fresh.method = ctx.req.method;
      fresh.url = ctx.req.url;
      fresh.end(text);
      ctx.req = fresh;
      ctx.request.req = fresh;
    }
    return next();
  };
  strapi.server.app.middleware.unshift(reader);
  return (_ctx, next) => next();
};
