import http from 'node:http';
import Koa from 'koa';
import { koaBody } from 'koa-body';
import request from 'supertest';
import type { Core } from '@strapi/strapi';
import { capturedBody, createRawBodyCapture, WEBHOOK_MAX_BODY_BYTES } from '../../../../server/src/commissions/intake/capture';
import { createRawBodyCheck, PROBE_BODY } from '../../../../server/src/commissions/intake/check';

/**
 * The raw-body capture in front of the body parser Strapi 5.54 uses (`strapi::body` is koa-body 6 with
 * `multipart: true, patchKoa: true`), on a small Koa app: the route sees the exact bytes, and the parser never
 * touches the consumed stream, whatever the body and its headers claim.
 */
const WEBHOOK_PATH = '/api/button-personalization/webhooks';

function app(options: { before?: Koa.Middleware } = {}) {
  const logged: string[] = [];
  const strapi = {
    config: { get: (_key: string, fallback: unknown) => fallback },
    log: { http: (line: string) => logged.push(line) },
  } as unknown as Core.Strapi;
  const koa = new Koa();
  if (options.before) koa.use(options.before);
  koa.use(createRawBodyCapture(strapi) as unknown as Koa.Middleware);
  koa.use(koaBody({ multipart: true, patchKoa: true }));
  koa.use(async (ctx) => {
    const captured = capturedBody(ctx as never);
    ctx.body = {
      kind: captured?.kind ?? null,
      hex: captured?.kind === 'bytes' ? captured.bytes.toString('hex') : null,
      parsed: ctx.request.body ?? null,
    };
  });
  return { koa, logged };
}

describe('createRawBodyCapture', () => {
  it.each([
    ['JSON', 'application/json', '{ "id" : "hook-1",  "amount": 1.50 }'],
    ['malformed JSON', 'application/json', '{"id": "hook-1", '],
    ['text', 'text/plain', 'hello'],
    ['a form', 'application/x-www-form-urlencoded', 'a=1&b=2'],
    ['a multipart label on a JSON body', 'multipart/form-data; boundary=x', '{"id":"hook-1"}'],
  ])('keeps the exact bytes of %s and keeps the body parser off the stream', async (_label, type, text) => {
    const res = await request(app().koa.callback()).post(WEBHOOK_PATH).set('Content-Type', type).send(text);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kind: 'bytes', hex: Buffer.from(text).toString('hex'), parsed: null });
  });

  it('keeps a body labelled gzip that is not gzip (the signature decides, not the parser)', async () => {
    const res = await request(app().koa.callback())
      .post(WEBHOOK_PATH)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send('{"id":"hook-1"}');
    expect(res.body).toMatchObject({ kind: 'bytes', hex: Buffer.from('{"id":"hook-1"}').toString('hex') });
  });

  it('keeps a chunked body (no Content-Length)', async () => {
    const { koa } = app();
    const server = http.createServer(koa.callback()).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const body = await new Promise<string>((resolve, reject) => {
        const req = http.request({
          port,
          host: '127.0.0.1',
          path: WEBHOOK_PATH,
          method: 'POST',
          agent: false,
          headers: { 'Content-Type': 'application/json' },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.write('{"a":');
        req.end('1}');
      });
      expect(JSON.parse(body)).toMatchObject({ kind: 'bytes', hex: Buffer.from('{"a":1}').toString('hex') });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('marks a body over the limit as too large without buffering it', async () => {
    const res = await request(app().koa.callback())
      .post(WEBHOOK_PATH)
      .set('Content-Type', 'application/json')
      .send('x'.repeat(WEBHOOK_MAX_BODY_BYTES + 1));
    expect(res.body).toMatchObject({ kind: 'too-large', parsed: null });
  });

  it('marks a stream consumed before it, and still keeps the parser off it', async () => {
    const drain: Koa.Middleware = async (ctx, next) => {
      for await (const _chunk of ctx.req) {
        // a body reader placed first
      }
      await next();
    };
    const res = await request(app({ before: drain }).koa.callback())
      .post(WEBHOOK_PATH)
      .send({ a: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'consumed', parsed: null });
  });

  it('matches the path as the router does (any case, trailing slash) and leaves other paths to the parser', async () => {
    const { koa } = app();
    expect((await request(koa.callback()).post(`${WEBHOOK_PATH.toUpperCase()}/`).send({ a: 1 })).body.kind).toBe('bytes');
    expect((await request(koa.callback()).post(`${WEBHOOK_PATH}-not`).send({ a: 1 })).body).toEqual({
      kind: null,
      hex: null,
      parsed: { a: 1 },
    });
  });

  it('answers other methods with 405, Allow: POST and the envelope, with an access-log line', async () => {
    const { koa, logged } = app();
    const res = await request(koa.callback()).get(`${WEBHOOK_PATH}?x=1`);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.body).toEqual({
      data: null,
      error: { status: 405, name: 'MethodNotAllowedError', message: 'Use POST', details: {} },
    });
    expect(logged).toEqual([expect.stringMatching(/^GET \/api\/button-personalization\/webhooks\?x=1 \(\d+ ms\) 405$/)]);
  });
});

describe('createRawBodyCheck', () => {
  /** Stands for the route handler: observes what reached it when the request is the check's probe. */
  const route =
    (check: ReturnType<typeof createRawBodyCheck>, alter?: (bytes: Buffer) => Buffer): Koa.Middleware =>
    async (ctx) => {
      if (!check.isProbe(ctx.get('x-button-personalization-probe') || undefined)) {
        ctx.status = 400;
        return;
      }
      const captured = capturedBody(ctx as never);
      check.observe(captured?.kind === 'bytes' && alter ? { kind: 'bytes', bytes: alter(captured.bytes) } : captured);
      ctx.status = 204;
    };
  const appWith = (
    check: ReturnType<typeof createRawBodyCheck>,
    options: { before?: Koa.Middleware; alter?: (bytes: Buffer) => Buffer }
  ) => {
    const { koa } = app({ before: options.before });
    koa.middleware.pop();
    koa.use(route(check, options.alter));
    return koa;
  };

  it('finds the exact bytes through the whole app: ok', async () => {
    const check = createRawBodyCheck();
    expect(check.verdict).toBe('pending');
    expect(await check.run(appWith(check, {}).callback(), WEBHOOK_PATH)).toEqual({ verdict: 'ok', status: 204 });
  });

  it('notices a body consumed before the capture: missing', async () => {
    const check = createRawBodyCheck();
    const drain: Koa.Middleware = async (ctx, next) => {
      for await (const _chunk of ctx.req) {
        // a body reader placed first
      }
      await next();
    };
    expect(await check.run(appWith(check, { before: drain }).callback(), WEBHOOK_PATH)).toEqual({
      verdict: 'missing',
      status: 204,
    });
  });

  it('notices re-serialised bytes: altered', async () => {
    const check = createRawBodyCheck();
    const reserialise = (bytes: Buffer) => Buffer.from(JSON.stringify(JSON.parse(bytes.toString())));
    expect(PROBE_BODY.equals(reserialise(PROBE_BODY))).toBe(false);
    expect(await check.run(appWith(check, { alter: reserialise }).callback(), WEBHOOK_PATH)).toEqual({
      verdict: 'altered',
      status: 204,
    });
  });

  it('stays pending when the probe never reaches the route, and accepts only its own nonce', async () => {
    const check = createRawBodyCheck(() => Buffer.alloc(16, 7));
    const refuse: Koa.Middleware = async (ctx) => {
      ctx.status = 403;
    };
    expect(await check.run(appWith(check, { before: refuse }).callback(), WEBHOOK_PATH)).toEqual({
      verdict: 'pending',
      status: 403,
    });
    expect(check.isProbe('07'.repeat(16))).toBe(true);
    expect(check.isProbe('08'.repeat(16))).toBe(false);
    expect(check.isProbe(undefined)).toBe(false);
  });
});
