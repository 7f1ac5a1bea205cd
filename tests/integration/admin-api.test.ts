import { createMerchantOffer } from '../helpers/fixtures';
import { adminToken, createAdminUser } from '../helpers/admin-users';
import { startPlayground, type Playground } from '../helpers/playground';
import { MERCHANTS, SIM_API_KEY, startSimulator, userWithEveryMerchant, type Simulator } from '../helpers/simulator';

/**
 * The admin panel's API: merchants registry, live preview, health, settings; and RBAC on every route.
 */
const [M0, M1, M2] = MERCHANTS.map((merchant) => merchant.merchant_id) as [string, string, string];
const ORPHAN = 'org-neverreturnedbybutton';
const USER = userWithEveryMerchant();

let sim: Simulator;
let app: Playground;
let superToken: string;
let editorToken: string;
let offersToken: string;

beforeAll(async () => {
  sim = await startSimulator();
  app = await startPlayground({
    BUTTON_API_KEY: SIM_API_KEY,
    BUTTON_API_BASE_URL: sim.url,
    BUTTON_WEBHOOK_SECRET: 'whsec_admin_test_secret',
  });
  superToken = await adminToken(app, await createAdminUser(app.strapi, 'super@example.com', 'strapi-super-admin'));
  editorToken = await adminToken(app, await createAdminUser(app.strapi, 'editor@example.com', 'strapi-editor'));
  offersToken = await app.createApiToken();
  await createMerchantOffer(app.strapi, { merchant_id: M0, name: 'Northwind Shoes' });
  await createMerchantOffer(app.strapi, { merchant_id: M1, name: 'Blue Harbor (draft)' }, { publish: false });
  await createMerchantOffer(app.strapi, { merchant_id: ORPHAN, name: 'Orphan Brand' });
  // Traffic, so the registry learns which merchants Button returns.
  await app
    .http()
    .post('/api/button-personalization/offers')
    .set('Authorization', `Bearer ${offersToken}`)
    .send({ user_id: USER })
    .expect(200);
});

afterAll(async () => {
  await app?.stop();
  await sim?.stop();
});

const as = (token: string | null) => ({
  get: (path: string) => {
    const req = app.http().get(path);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  },
  post: (path: string, body: object = {}) => {
    const req = app.http().post(path).send(body);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  },
  put: (path: string, body: object) => {
    const req = app.http().put(path).send(body);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  },
});

describe('merchants', () => {
  it('joins what Button returned with the CMS: mapped, unmapped, orphaned, with counts', async () => {
    const res = await as(superToken).get('/button-personalization/merchants?pageSize=100');
    expect(res.status).toBe(200);
    const status = Object.fromEntries(
      res.body.data.map((row: { merchant_id: string; status: string }) => [row.merchant_id, row.status])
    );
    expect(status[M0]).toBe('mapped');
    expect(status[M1]).toBe('unmapped'); // only a draft: nothing served
    expect(status[M2]).toBe('unmapped'); // no entry at all
    expect(status[ORPHAN]).toBe('orphaned');
    expect(res.body.meta.counts).toEqual({ mapped: 1, unmapped: MERCHANTS.length - 1, orphaned: 1, total: MERCHANTS.length + 1 });
    const m0 = res.body.data.find((row: { merchant_id: string }) => row.merchant_id === M0);
    expect(m0).toMatchObject({
      first_seen_at: expect.any(String),
      entry: { name: 'Northwind Shoes', live: true, locales: ['en'] },
    });
  });

  it('filters by status, searches by id or name, and paginates', async () => {
    const unmapped = await as(superToken).get('/button-personalization/merchants?status=unmapped');
    expect(unmapped.body.data.every((row: { status: string }) => row.status === 'unmapped')).toBe(true);
    const search = await as(superToken).get('/button-personalization/merchants?search=northwind');
    expect(search.body.data.map((row: { merchant_id: string }) => row.merchant_id)).toEqual([M0]);
    const page = await as(superToken).get('/button-personalization/merchants?pageSize=2&page=2');
    expect(page.body.data).toHaveLength(2);
    expect(page.body.meta.pagination).toEqual({
      page: 2,
      pageSize: 2,
      pageCount: Math.ceil((MERCHANTS.length + 1) / 2),
      total: MERCHANTS.length + 1,
    });
  });

  it('rejects a bad query with per-field details', async () => {
    const res = await as(superToken).get('/button-personalization/merchants?status=lost&pageSize=1000&sort=x');
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e: { path: string[] }) => e.path.join('.')).sort()).toEqual([
      'pageSize',
      'sort',
      'status',
    ]);
  });

  it('creates a prefilled draft for an unmapped merchant, once', async () => {
    const created = await as(superToken).post(`/button-personalization/merchants/${M2}/draft`);
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({ document_id: expect.any(String), created: true });
    const again = await as(superToken).post(`/button-personalization/merchants/${M2}/draft`);
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ document_id: created.body.data.document_id, created: false });
    const row = (await as(superToken).get('/button-personalization/merchants?search=' + M2)).body.data[0];
    expect(row).toMatchObject({ status: 'unmapped', entry: { name: M2, live: false } }); // a draft until published
  });

  it('refuses a draft for something that is not a merchant id', async () => {
    const res = await as(superToken).post('/button-personalization/merchants/not-an-org/draft');
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['merchant_id']);
  });
});

describe('live preview', () => {
  it('answers 415, never 500, to bodies the offers endpoint refuses (malformed multipart, fake gzip)', async () => {
    const before = sim.stats().offersServed;
    const multipart = await app
      .http()
      .post('/button-personalization/preview')
      .set('Authorization', `Bearer ${superToken}`)
      .set('Content-Type', 'multipart/form-data; boundary=x')
      .send('--x\r\nContent-Disposition: form-data; name="user_id"\r\n\r\nu');
    const gzip = await app
      .http()
      .post('/button-personalization/preview')
      .set('Authorization', `Bearer ${superToken}`)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send('{"user_id":"u"}');
    for (const res of [multipart, gzip]) {
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ data: null, error: { status: 415, name: 'UnsupportedMediaTypeError' } });
    }
    expect(sim.stats().offersServed).toBe(before);
  });

  it('answers exactly what the public endpoint answers, calling Button each time', async () => {
    const before = sim.stats().offersServed;
    const preview = await as(superToken).post('/button-personalization/preview', { user_id: USER });
    const publicAnswer = await app
      .http()
      .post('/api/button-personalization/offers')
      .set('Authorization', `Bearer ${offersToken}`)
      .send({ user_id: USER });
    expect(preview.status).toBe(200);
    expect(preview.headers['cache-control']).toBe('no-store');
    // Identical but for the pub_refs: each served offer gets a click id of its own.
    const withoutPubRefs = (data: Array<{ offers: Array<Record<string, unknown>> }>) =>
      data.map((entry) => ({ ...entry, offers: entry.offers.map(({ pub_ref: _pubRef, ...offer }) => offer) }));
    expect(withoutPubRefs(preview.body.data)).toEqual(withoutPubRefs(publicAnswer.body.data));
    expect(preview.body.data[0].offers[0].pub_ref).toMatch(/^b2~/);
    expect(preview.body.meta).toMatchObject({ attempts: 1, upstream_ms: expect.any(Number) });
    expect(sim.stats().offersServed).toBe(before + 2);
  });

  it('validates like the public endpoint', async () => {
    const res = await as(superToken).post('/button-personalization/preview', { user_id: 'has space' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['user_id']);
  });
});

describe('health', () => {
  it('reports configuration status (never values), breaker, pool, recent calls and the webhook URL', async () => {
    const res = await as(superToken).get('/button-personalization/health');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      config: { api_key_set: true, webhook_secret_set: true, pubref_secret_set: false, base_url: sim.url },
      breaker: { state: 'closed' },
      pool: { connected: expect.any(Number) },
      upstream: { calls: expect.any(Number), error_rate: 0, p50_ms: expect.any(Number), last_errors: [] },
      webhook_url: expect.stringMatching(/\/api\/button-personalization\/webhooks$/),
    });
    expect(res.body.data.upstream.calls).toBeGreaterThan(0);
    expect(JSON.stringify(res.body)).not.toContain(SIM_API_KEY);
    expect(JSON.stringify(res.body)).not.toContain('whsec_admin_test_secret');
  });

  it('lists the last upstream errors', async () => {
    sim.faults.set({ rules: [{ kind: 'status', status: 502 }] });
    await as(superToken).post('/button-personalization/preview', { user_id: USER }).expect(503);
    sim.faults.clear();
    const { body } = await as(superToken).get('/button-personalization/health');
    expect(body.data.upstream.last_errors[0]).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream_status: 502 });
    expect(body.data.upstream.error_rate).toBeGreaterThan(0);
  });
});

describe('settings', () => {
  it('shows the effective configuration with secrets masked', async () => {
    const res = await as(superToken).get('/button-personalization/settings');
    expect(res.status).toBe(200);
    expect(res.body.data.effective).toMatchObject({
      apiKey: { set: true },
      webhookSecret: { set: true },
      pubRefSecret: { set: false },
      baseUrl: sim.url,
      retry: { maxAttempts: 3 },
    });
    expect(JSON.stringify(res.body)).not.toContain(SIM_API_KEY);
  });

  it('changes a runtime setting, validated, and the offers endpoint follows it at once', async () => {
    const saved = await as(superToken).put('/button-personalization/settings', { includeUnmapped: true });
    expect(saved.status).toBe(200);
    expect(saved.body.data.offers.includeUnmapped).toBe(true);
    const offers = await app
      .http()
      .post('/api/button-personalization/offers')
      .set('Authorization', `Bearer ${offersToken}`)
      .send({ user_id: USER });
    expect(offers.body.data.some((entry: { merchant: unknown }) => entry.merchant === null)).toBe(true);
    await as(superToken).put('/button-personalization/settings', {}).expect(200);
  });

  it('rejects invalid settings and unknown keys, changing nothing', async () => {
    const res = await as(superToken).put('/button-personalization/settings', { includeUnmapped: 'yes', apiKey: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e: { path: string[] }) => e.path.join('.')).sort()).toEqual([
      'apiKey',
      'includeUnmapped',
    ]);
    expect((await as(superToken).get('/button-personalization/settings')).body.data.offers.includeUnmapped).toBe(false);
  });
});

describe('access control', () => {
  // Every row has a body (ignored for GET): jest would pass its `done` callback in a missing third column.
  const routes: Array<[string, string, object]> = [
    ['get', '/button-personalization/merchants', {}],
    ['post', `/button-personalization/merchants/${M2}/draft`, {}],
    ['post', '/button-personalization/preview', { user_id: 'u' }],
    ['get', '/button-personalization/health', {}],
    ['get', '/button-personalization/settings', {}],
    ['put', '/button-personalization/settings', {}],
  ];

  it.each(routes)(
    '%s %s: 401 without a session, 403 for an editor without the plugin permissions',
    async (method, path, body) => {
      const call = (token: string | null) => {
        const client = as(token);
        return method === 'get' ? client.get(path) : method === 'put' ? client.put(path, body) : client.post(path, body);
      };
      expect((await call(null)).status).toBe(401);
      expect((await call(editorToken)).status).toBe(403);
      expect([200, 201]).toContain((await call(superToken)).status);
    }
  );

  it('has no admin metrics route: Prometheus scrapes the content API with a token', async () => {
    expect((await as(superToken).get('/button-personalization/metrics')).status).toBe(404);
  });
});
