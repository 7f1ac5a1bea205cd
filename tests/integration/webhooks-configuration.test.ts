import path from 'node:path';
import { decodePubRef } from '../../server/src/pub-ref';
import { postWebhook, transaction, WEBHOOK_PATH, WEBHOOK_SECRET, webhookEvent } from '../helpers/ledger';
import { startPlayground, type Playground } from '../helpers/playground';
import { SIM_API_KEY, startSimulator, userWithEveryMerchant, type Simulator } from '../helpers/simulator';

/**
 * Commission tracking when it is not (fully) configured, and when the raw body is not available: it degrades
 * as documented, says so at boot without printing values, and fails closed.
 */
describe('without BUTTON_WEBHOOK_SECRET and BUTTON_PUBREF_SECRET', () => {
  let sim: Simulator;
  let app: Playground;

  beforeAll(async () => {
    sim = await startSimulator();
    app = await startPlayground({ BUTTON_API_KEY: SIM_API_KEY, BUTTON_API_BASE_URL: sim.url });
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  });

  it('warns at boot, naming each option and the variable the README reads it from', () => {
    const logs = app.logs.join('\n');
    expect(logs).toContain(
      "the `webhookSecret` option (BUTTON_WEBHOOK_SECRET in the README's setup) is not set: the webhook endpoint answers 503"
    );
    expect(logs).toContain(
      "the `pubRefSecret` option (BUTTON_PUBREF_SECRET in the README's setup) is not set: offers are served with unsigned pubRefs"
    );
  });

  it('still serves offers, with unsigned pubRefs that name the offer', async () => {
    const token = await app.createApiToken();
    const res = await app
      .http()
      .post('/api/button-personalization/offers')
      .set('Authorization', `Bearer ${token}`)
      .send({ user_id: userWithEveryMerchant() });
    expect(res.status).toBe(200);
    // No merchant content here, so nothing is listed: the next suite reads the unsigned pub_refs themselves.
    expect(res.body.meta.unmapped_merchant_ids.length).toBeGreaterThan(0);
  });

  it('refuses webhooks with 503 (Button keeps them and retries), storing nothing', async () => {
    const res = await postWebhook(app, JSON.stringify(webhookEvent('tx-pending', transaction({ pubRef: null }))));
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      data: null,
      error: { status: 503, name: 'ServiceUnavailableError', message: expect.any(String), details: {} },
    });
    expect(await app.strapi.db.query('plugin::button-personalization.webhook-event' as never).count({})).toBe(0);
  });
});

describe('unsigned pubRefs on the offers endpoint', () => {
  let sim: Simulator;
  let app: Playground;

  beforeAll(async () => {
    sim = await startSimulator();
    app = await startPlayground({
      BUTTON_API_KEY: SIM_API_KEY,
      BUTTON_API_BASE_URL: sim.url,
      BUTTON_OFFERS_INCLUDE_UNMAPPED: 'true',
      BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  });

  it('serves every offer with an unsigned b1 pubRef', async () => {
    const token = await app.createApiToken();
    const res = await app
      .http()
      .post('/api/button-personalization/offers')
      .set('Authorization', `Bearer ${token}`)
      .send({ user_id: userWithEveryMerchant() });
    expect(res.status).toBe(200);
    const offers = res.body.data.flatMap((entry: { offers: Array<{ id: string; pub_ref: string }> }) => entry.offers);
    expect(offers.length).toBeGreaterThan(0);
    for (const offer of offers)
      expect(decodePubRef(offer.pub_ref, undefined)).toMatchObject({ ok: true, offerId: offer.id, signature: 'unsigned' });
  });

  it('fails closed (503) with the fix in the log when something consumed the body before the plugin', async () => {
    const stack = (app.strapi.server.app as unknown as { middleware: unknown[] }).middleware;
    // Stands for a body parser placed ahead of the plugin: it reads the stream, then passes the request on.
    const consumer = async (ctx: { req: NodeJS.ReadableStream }, next: () => Promise<void>) => {
      for await (const _chunk of ctx.req) {
        // drain
      }
      await next();
    };
    stack.unshift(consumer);
    try {
      const res = await postWebhook(app, JSON.stringify(webhookEvent('tx-pending', transaction({ pubRef: null }))));
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ status: 503, name: 'ServiceUnavailableError' });
    } finally {
      stack.splice(stack.indexOf(consumer), 1);
    }
    expect(app.logs.join('\n')).toMatch(
      /raw request body was already consumed\. Fix: add .plugin::button-personalization.webhooks. to config\/middlewares before .strapi::body./
    );
    // Back to normal once nothing reads the body first.
    expect((await postWebhook(app, JSON.stringify(webhookEvent('tx-pending', transaction({ pubRef: null }))))).status).toBe(200);
  });

  it("serves the webhook without any change to the app's config/middlewares, and leaves other routes alone", async () => {
    // The boot check (a probe through the whole app once it listens) found the raw bytes intact.
    await waitFor(() => app.logs.some((line) => line.includes('raw-body check')));
    expect(app.strapi.plugin('button-personalization').service('commissions').rawBodyCheck.verdict).toBe('ok');
    expect(app.logs.join('\n')).not.toMatch(/raw-body check failed|the probe did not reach/);
    const res = await app.http().post(`${WEBHOOK_PATH}-not`).send({});
    expect(res.body?.error?.message).not.toBe('Use POST');
  });
});

describe.each([
  ['consumes', 'consume', 'missing', 'consumed'],
  ['re-serialises', 'reserialise', 'altered', 'altered'],
])('the raw-body boot check, when a body reader placed before the plugin %s the body', (_label, mode, verdict, word) => {
  let app: Playground;

  beforeAll(async () => {
    app = await startPlayground({
      BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PLAYGROUND_FIRST_MIDDLEWARE: path.resolve(__dirname, '../helpers/early-body-reader.js'),
      EARLY_BODY_READER: mode,
    });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('notices it once the server listens, and logs the fix', async () => {
    await app.http().get('/_health'); // supertest makes the server listen: the check runs then
    const check = app.strapi.plugin('button-personalization').service('commissions').rawBodyCheck;
    await waitFor(() => app.logs.some((line) => line.includes('raw-body check')));
    expect(check.verdict).toBe(verdict);
    expect(app.logs.join('\n')).toMatch(
      new RegExp(
        `raw-body check failed: the webhook route received the body ${word}, so webhooks will be refused \\(503\\).*` +
          "Fix: add 'plugin::button-personalization.webhooks' to config/middlewares before 'strapi::body'"
      )
    );
  });

  it('fails closed: a correctly signed webhook gets 503 (Button retries), nothing is stored', async () => {
    const res = await postWebhook(app, JSON.stringify(webhookEvent('tx-pending', transaction({ pubRef: null }))));
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ status: 503, name: 'ServiceUnavailableError' });
    expect(await app.strapi.db.query('plugin::button-personalization.webhook-event' as never).count({})).toBe(0);
  });
});

describe('the declared webhook route', () => {
  let app: Playground;

  beforeAll(async () => {
    app = await startPlayground({ BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it("is in Strapi's route table as a public content-API route handled by the commissions controller", () => {
    const route = app.strapi.server.listRoutes().find((layer) => layer.path === WEBHOOK_PATH && layer.methods.includes('POST'));
    expect(route).toBeDefined();
    expect(route?.methods).toEqual(['POST']);
    const routes = app.strapi.plugin('button-personalization').routes as unknown as Record<
      string,
      { routes: Array<{ method: string; path: string; handler: string; config: { auth: boolean } }> }
    >;
    expect(routes['content-api']?.routes).toContainEqual(
      expect.objectContaining({
        method: 'POST',
        path: '/webhooks',
        handler: 'commissions.webhook',
        config: expect.objectContaining({ auth: false }),
      })
    );
  });

  it("is logged by Strapi's own access log (strapi::logger), once per delivery", async () => {
    const body = JSON.stringify(webhookEvent('tx-pending', transaction({ pubRef: null })));
    await app.http().get('/_health'); // the server listens: the boot check's own probe runs (and is logged) first
    await waitFor(() => app.logs.some((line) => line.includes('raw-body check')));
    app.logs.length = 0;
    await postWebhook(app, body).expect(200);
    const access = app.logs.filter((line) => line.includes(`POST ${WEBHOOK_PATH} (`));
    expect(access).toHaveLength(1);
  });
});

describe("the built plugin's server entry", () => {
  it("exports the pubRef codec and the signature check for publishers' own servers", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require('../../dist/server/index.js') as Record<string, unknown> & { default: Record<string, unknown> };
    expect(entry.default).toEqual(expect.objectContaining({ register: expect.any(Function), bootstrap: expect.any(Function) }));
    const encode = entry.encodePubRef as (offer: object, secret: string | undefined, userId: string) => string;
    const decode = entry.decodePubRef as (pubRef: string, secret?: string, userId?: string) => unknown;
    const pubRef = encode({ id: 'offer-1', rate_percent: '3', rate_fixed: null, currency: null }, 's', 'user-1');
    expect(decode(pubRef, 's', 'user-1')).toMatchObject({ ok: true, offerId: 'offer-1', tagValid: true });
    expect(decode(pubRef, 's', 'user-2')).toMatchObject({ ok: true, offerId: 'offer-1', tagValid: false });
    expect(entry.checkWebhookSignature).toEqual(expect.any(Function));
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
