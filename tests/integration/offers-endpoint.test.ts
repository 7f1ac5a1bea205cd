import { createHash } from 'node:crypto';
import { formatRate } from '../../server/src/offers/headline';
import { decodePubRef } from '../../server/src/pub-ref';
import { addLocalization, createLocale, createMerchantOffer, editDraft } from '../helpers/fixtures';
import { grantRole, OFFERS_ACTION, startPlayground, type Playground } from '../helpers/playground';
import {
  MERCHANTS,
  offersFor,
  SIM_API_KEY,
  startSimulator,
  TEST_CA_PATH,
  userWithEveryMerchant,
  type Simulator,
} from '../helpers/simulator';

/**
 * The public offers endpoint end to end: a real Strapi (the playground, SQLite) over HTTP, calling the
 * simulator over HTTPS on a real socket.
 */
const ENDPOINT = '/api/button-personalization/offers';
const [M0, M1, M2, M3, M4, M5] = MERCHANTS.map((merchant) => merchant.merchant_id) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const USER = userWithEveryMerchant();

let sim: Simulator;
let app: Playground;
let token: string;

const post = (body: unknown, auth: string | null = token) => {
  const req = app.http().post(ENDPOINT).set('Content-Type', 'application/json');
  if (auth !== null) req.set('Authorization', `Bearer ${auth}`);
  return req.send(body as object);
};

beforeAll(async () => {
  sim = await startSimulator({ tls: true });
  app = await startPlayground({
    BUTTON_API_KEY: SIM_API_KEY,
    BUTTON_API_BASE_URL: sim.url,
    BUTTON_API_CA_FILE: TEST_CA_PATH,
    BUTTON_RETRY_BASE_DELAY_MS: '5',
    BUTTON_RETRY_MAX_DELAY_MS: '20',
    BUTTON_ATTEMPT_TIMEOUT_MS: '300',
  });
  token = await app.createApiToken();
  await createLocale(app.strapi, 'fr', 'French (fr)');

  const m0 = await createMerchantOffer(app.strapi, {
    merchant_id: M0,
    name: 'Northwind Shoes',
    priority: 1,
    headline_template: 'Earn {rate} back on {category} at {name}',
    cta_label: 'Shop shoes',
  });
  await addLocalization(app.strapi, m0.documentId, 'fr', {
    name: 'Chaussures Northwind',
    headline_template: '{rate} remboursés chez {name}',
  });
  await createMerchantOffer(app.strapi, { merchant_id: M1, name: 'Blue Harbor Travel', priority: 1 });
  await createMerchantOffer(app.strapi, { merchant_id: M2, name: 'Disabled Grocer', priority: 100, enabled: false });
  await createMerchantOffer(app.strapi, { merchant_id: M3, name: 'Draft Electronics', priority: 100 }, { publish: false });
  const m4 = await createMerchantOffer(app.strapi, { merchant_id: M4, name: 'Saffron Kitchen', priority: 5 });
  await editDraft(app.strapi, m4.documentId, { name: 'Unpublished rename' });
});

afterEach(() => {
  sim.faults.clear();
});

afterAll(async () => {
  await app?.stop();
  await sim?.stop();
});

describe('POST /api/button-personalization/offers', () => {
  it('merges live Button offers with published, enabled CMS content', async () => {
    const before = sim.stats().offersServed;
    const res = await post({ user_id: USER });

    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-request-id']).toBe(res.body.meta.request_id);
    expect(sim.stats().offersServed).toBe(before + 1);

    // Priority first (M4: 5), then Button's best rank, then Button's order (M0 before M1, both rank 1).
    expect(res.body.data.map((entry: { merchant_id: string }) => entry.merchant_id)).toEqual([M4, M0, M1]);
    // Disabled (M2), draft-only (M3) and unmapped (M5) merchants are left out and named.
    expect(res.body.meta.unmapped_merchant_ids).toEqual([M2, M3, M5]);
    expect(res.body.meta).toEqual({
      request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      fetched_at: expect.any(String),
      upstream_ms: expect.any(Number),
      attempts: 1,
      unmapped_merchant_ids: [M2, M3, M5],
    });
  });

  it('serves the published version, offers in Button rank order, with headlines, pub_refs and the best offer', async () => {
    const res = await post({ user_id: USER });
    const byId = Object.fromEntries(res.body.data.map((entry: { merchant_id: string }) => [entry.merchant_id, entry]));
    expect(byId[M4].merchant.name).toBe('Saffron Kitchen'); // not the unpublished draft rename

    const expected = offersFor(USER, { merchantId: M0 })[0]!.offers;
    const northwind = byId[M0];
    expect(northwind.merchant).toMatchObject({
      name: 'Northwind Shoes',
      cta_label: 'Shop shoes',
      priority: 1,
      locale: 'en',
      logo: null,
    });
    expect(northwind.offers.map((offer: { id: string }) => offer.id)).toEqual(expected.map((offer) => offer.id));
    expect(northwind.best_offer_id).toBe(expected[0]!.id);
    northwind.offers.forEach((offer: Record<string, unknown>, i: number) => {
      const live = expected[i]!;
      expect(offer).toEqual({
        id: live.id,
        rank: live.rank,
        rate_percent: live.rate_percent ?? null,
        rate_fixed: live.rate_fixed ?? null,
        currency: live.currency ?? null,
        display_params: live.display_params,
        headline: `Earn ${formatRate({ rate_percent: live.rate_percent ?? null, rate_fixed: live.rate_fixed ?? null, currency: live.currency ?? null }, 'en')} back on${live.display_params.category ? ` ${live.display_params.category}` : ''} at Northwind Shoes`,
        pub_ref: expect.stringMatching(/^b2~/),
      });
      // No pubRef secret in this suite: unsigned, but it still names the offer and the rate shown.
      expect(decodePubRef(offer.pub_ref as string, undefined)).toMatchObject({
        ok: true,
        offerId: live.id,
        signature: 'unsigned',
        tagValid: false,
      });
    });
    // No template of its own: the default one.
    expect(byId[M1].offers[0].headline).toMatch(/^Earn .+ back at Blue Harbor Travel$/);
  });

  it("shows an editor's published change on the very next request", async () => {
    const before = await post({ user_id: USER, merchant_id: M1 });
    expect(before.body.data[0].merchant.name).toBe('Blue Harbor Travel');
    const documents = app.strapi.documents('plugin::button-personalization.merchant-offer' as never) as unknown as {
      update(params: unknown): Promise<unknown>;
      publish(params: unknown): Promise<unknown>;
    };
    const documentId = before.body.data[0].merchant.document_id;
    await documents.update({ documentId, data: { name: 'Blue Harbor Holidays' } });
    await documents.publish({ documentId });
    const after = await post({ user_id: USER, merchant_id: M1 });
    expect(after.body.data[0].merchant.name).toBe('Blue Harbor Holidays');
    await documents.update({ documentId, data: { name: 'Blue Harbor Travel' } });
    await documents.publish({ documentId });
  });

  it('passes the merchant filter to Button and returns only that merchant', async () => {
    const res = await post({ user_id: USER, merchant_id: M1 });
    expect(res.status).toBe(200);
    expect(res.body.data.map((entry: { merchant_id: string }) => entry.merchant_id)).toEqual([M1]);
    expect(sim.recentRequests().at(-1)).toMatchObject({ body: { user_id: USER, merchant_id: M1 } });
  });

  it('merges the requested locale', async () => {
    const res = await post({ user_id: USER, locale: 'fr' });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0].merchant).toMatchObject({ name: 'Chaussures Northwind', locale: 'fr' });
    expect(res.body.data[0].offers[0].headline).toMatch(/ remboursés chez Chaussures Northwind$/);
    expect(res.body.meta.unmapped_merchant_ids).toEqual([M1, M2, M3, M4, M5]);
  });

  it('calls Button every time: two identical requests, two upstream calls (no caching)', async () => {
    const before = sim.stats().offersServed;
    await post({ user_id: USER }).expect(200);
    await post({ user_id: USER }).expect(200);
    expect(sim.stats().offersServed).toBe(before + 2);
  });

  it('reuses one upstream connection for many sequential requests', async () => {
    const before = sim.stats();
    for (let i = 0; i < 20; i += 1) await post({ user_id: `sequential-${i}` }).expect(200);
    const after = sim.stats();
    // This file's attempt timeout is a tight 300 ms (for the hang test): on a loaded machine an attempt can time out,
    // and the pool rightly replaces the connection it abandoned. Each such retry may cost one connection, no more.
    const retries = after.requestsReceived - before.requestsReceived - 20;
    expect(retries).toBeGreaterThanOrEqual(0);
    expect(after.offersServed - before.offersServed).toBeGreaterThanOrEqual(20);
    expect(after.offersServed - before.offersServed).toBeLessThanOrEqual(20 + retries);
    expect(after.connectionsAccepted - before.connectionsAccepted).toBeLessThanOrEqual(1 + retries);
    expect(after.tlsHandshakes - before.tlsHandshakes).toBeLessThanOrEqual(1 + retries);
  });

  it('hashes emails exactly as Button specifies and sends the hashes, never the emails', async () => {
    const res = await post({ user_id: USER, emails: ['  Alice.Doe@Example.COM '], device_ids: [' IDFA-123 '] });
    expect(res.status).toBe(200);
    const sent = sim.recentRequests().at(-1)?.body;
    expect(sent).toEqual({
      user_id: USER,
      device_ids: ['IDFA-123'],
      email_sha256s: [createHash('sha256').update('alice.doe@example.com').digest('hex')],
    });
    expect(JSON.stringify(sent)).not.toMatch(/alice/i);
  });

  describe('bad input: 400 with per-field details, and Button is not called', () => {
    it.each([
      ['no user_id', {}, 'user_id'],
      ['a user_id with a space', { user_id: 'a b' }, 'user_id'],
      ['a 256-character user_id', { user_id: 'x'.repeat(256) }, 'user_id'],
      ['a numeric user_id', { user_id: 7 }, 'user_id'],
      ['device_ids as a string', { user_id: 'u', device_ids: 'IDFA' }, 'device_ids'],
      ['a blank device id', { user_id: 'u', device_ids: [' '] }, 'device_ids.0'],
      ['a malformed email hash', { user_id: 'u', email_sha256s: ['1234'] }, 'email_sha256s.0'],
      ['an invalid email', { user_id: 'u', emails: ['nope'] }, 'emails.0'],
      [
        '11 identifiers',
        {
          user_id: 'u',
          device_ids: Array.from({ length: 6 }, (_, i) => `d${i}`),
          emails: ['a@b.c', 'b@b.c', 'c@b.c', 'd@b.c', 'e@b.c'],
        },
        'device_ids',
      ],
      ['a merchant_id with a space', { user_id: 'u', merchant_id: 'org x' }, 'merchant_id'],
      ['a malformed locale', { user_id: 'u', locale: '??' }, 'locale'],
      ['a locale this Strapi does not have', { user_id: 'u', locale: 'de' }, 'locale'],
      ['an unknown field', { user_id: 'u', user: 'u' }, 'user'],
      ['an array body', [{ user_id: 'u' }], ''],
    ])('%s', async (_label, body, field) => {
      const before = sim.stats().requestsReceived;
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        data: null,
        error: { status: 400, name: 'ValidationError', message: 'Invalid offers request' },
      });
      expect(res.body.error.details.errors.map((e: { path: string[] }) => e.path.join('.'))).toContain(field);
      expect(sim.stats().requestsReceived).toBe(before);
    });

    it('malformed JSON', async () => {
      const before = sim.stats().requestsReceived;
      const res = await app
        .http()
        .post(ENDPOINT)
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'application/json')
        .send('{"user_id": ');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ data: null, error: { status: 400 } });
      expect(sim.stats().requestsReceived).toBe(before);
    });
  });

  describe('upstream failures', () => {
    it('retries a 503 and succeeds', async () => {
      sim.faults.set({ rules: [{ kind: 'status', status: 503, times: 1 }] });
      const res = await post({ user_id: USER });
      expect(res.status).toBe(200);
      expect(res.body.meta.attempts).toBe(2);
    });

    it('answers 503 with Retry-After when retries are exhausted', async () => {
      sim.faults.set({ rules: [{ kind: 'status', status: 503 }] });
      const before = sim.stats().requestsReceived;
      const res = await post({ user_id: USER });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body).toEqual({
        data: null,
        error: {
          status: 503,
          name: 'ServiceUnavailableError',
          message: 'Button is unavailable: it answered 503 (3 attempts)',
          details: { code: 'UPSTREAM_UNAVAILABLE', attempts: 3, upstream_status: 503 },
        },
      });
      expect(sim.stats().requestsReceived - before).toBe(3);
    });

    it('answers 503 after timing out hung attempts', async () => {
      sim.faults.set({ rules: [{ kind: 'hang' }] });
      const res = await post({ user_id: USER });
      expect(res.status).toBe(503);
      expect(res.body.error.details.code).toBe('UPSTREAM_TIMEOUT');
      expect(res.headers['retry-after']).toBeDefined();
    });

    it('passes a long 429 Retry-After on instead of waiting', async () => {
      sim.faults.set({ rules: [{ kind: 'status', status: 429, retryAfter: '42' }] });
      const res = await post({ user_id: USER });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('42');
      expect(res.body.error.details).toEqual({ code: 'RATE_LIMITED', attempts: 1, upstream_status: 429 });
    });

    it.each([
      ['invalid JSON', { kind: 'malformed' as const }],
      ['a schema-breaking body', { kind: 'schema' as const }],
      ['an error envelope with HTTP 200', { kind: 'error-envelope' as const }],
    ])('answers 502 when Button answers with %s', async (_label, rule) => {
      sim.faults.set({ rules: [rule] });
      const res = await post({ user_id: USER });
      expect(res.status).toBe(502);
      expect(res.body.error).toMatchObject({
        status: 502,
        name: 'BadGatewayError',
        message: 'Button answered with an invalid response',
      });
    });

    it('answers 502 and logs loudly when Button rejects the key, without echoing it', async () => {
      sim.setApiKey('rotated-key');
      try {
        const res = await post({ user_id: USER });
        expect(res.status).toBe(502);
        expect(res.body.error).toMatchObject({
          message: 'Button rejected the configured API key (401)',
          details: { code: 'AUTH_REJECTED' },
        });
        expect(JSON.stringify(res.body)).not.toContain(SIM_API_KEY);
        expect(app.logs.some((line) => line.includes('"level":"error"') && line.includes('AUTH_REJECTED'))).toBe(true);
      } finally {
        sim.setApiKey(SIM_API_KEY);
      }
    });

    it('answers 503 with Retry-After when Button is unreachable, then recovers when it is back', async () => {
      const port = Number(new URL(sim.url).port);
      await sim.stop();
      const res = await post({ user_id: USER });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body.error).toMatchObject({
        message: 'Button is unreachable (3 attempts)',
        details: { code: 'UPSTREAM_UNREACHABLE', attempts: 3 },
      });

      await sim.start({ port });
      await post({ user_id: USER }).expect(200);
    });
  });

  describe('access', () => {
    it('is not public by default: 403 without a token', async () => {
      const before = sim.stats().requestsReceived;
      const res = await post({ user_id: USER }, null);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ status: 403, name: 'ForbiddenError' });
      expect(sim.stats().requestsReceived).toBe(before);
    });

    it('rejects a token without the offers permission', async () => {
      const other = await app.createApiToken(['plugin::users-permissions.user.me']);
      expect((await post({ user_id: USER }, other)).status).toBe(403);
    });

    it('does not trust a public caller with a user_id, even once the Public role is granted the action', async () => {
      await grantRole(app.strapi, 'public', OFFERS_ACTION);
      const before = sim.stats().requestsReceived;
      const res = await post({ user_id: USER }, null);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({
        status: 401,
        name: 'UnauthorizedError',
        details: { code: 'USER_ASSERTION_REQUIRED' },
      });
      expect(sim.stats().requestsReceived).toBe(before);
    });
  });

  it("never writes the API key or the caller's identifiers to the logs", () => {
    const logs = app.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [SIM_API_KEY, Buffer.from(`${SIM_API_KEY}:`).toString('base64'), USER, 'alice', 'Alice', 'IDFA-123']) {
      expect(logs).not.toContain(secret);
    }
  });
});
