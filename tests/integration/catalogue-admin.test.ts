import type { Core } from '@strapi/strapi';
import { adminToken, createAdminUser, createAdminUserWithPermissions, type AdminPermission } from '../helpers/admin-users';
import { startPlayground, type Playground } from '../helpers/playground';
import { MERCHANTS, SIM_API_KEY } from '../helpers/simulator';
import { createButtonSimulator } from '../../simulator';

/**
 * Issue 15, the admin API of the catalogue on SQLite: the mapping workspace (mapping per locale, recently offered,
 * removed, orphaned entries, filters), RBAC on every route, "create entry" prefilled from the catalogue under the
 * Content Manager's permission, and the icon import into the Media Library with each of its refusals.
 */
type Simulator = ReturnType<typeof createButtonSimulator>;
const MERCHANT_OFFER_UID = 'plugin::button-personalization.merchant-offer';
const ACTION = (name: string) => ({ action: `plugin::button-personalization.${name}` });
const UPLOAD = { action: 'plugin::upload.assets.create' };
const cm = (action: 'create' | 'update', locales = ['en', 'fr']) => ({
  action: `plugin::content-manager.explorer.${action}`,
  subject: MERCHANT_OFFER_UID,
  properties: { locales },
});

const [ALPHA, BRAVO, CHARLIE, DELTA] = [...MERCHANTS].sort((a, b) => a.name.localeCompare(b.name));

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, rounds = 600): Promise<T> {
  for (let i = 0; i < rounds; i += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

let sim: Simulator;
let app: Playground;
const tokens: Record<string, string> = {};

async function adminWith(strapi: Core.Strapi, name: string, permissions: AdminPermission[]): Promise<string> {
  return adminToken(app, await createAdminUserWithPermissions(strapi, name, permissions));
}

const call = (method: 'get' | 'post', url: string, who = 'super') =>
  app.http()[method](url).set('Authorization', `Bearer ${tokens[who]}`);

async function syncNow() {
  const started = await call('post', '/button-personalization/catalogue/syncs');
  expect(started.status).toBe(202);
  const id = started.body.data.id as number;
  return waitFor(`sync ${id}`, async () => {
    const res = await call('get', '/button-personalization/catalogue/syncs');
    const sync = (res.body.data as Array<{ id: number; status: string }>).find((candidate) => candidate.id === id);
    return sync && sync.status !== 'running' ? sync : undefined;
  });
}

const documents = () =>
  app.strapi.documents(MERCHANT_OFFER_UID as never) as unknown as {
    create(params: unknown): Promise<{ documentId: string }>;
    update(params: unknown): Promise<unknown>;
    publish(params: unknown): Promise<unknown>;
    findOne(params: unknown): Promise<Record<string, unknown> | null>;
  };

const files = () => app.strapi.db.query('plugin::upload.file').findMany({}) as Promise<Array<{ id: number; mime: string }>>;

beforeAll(async () => {
  sim = createButtonSimulator({ apiKey: SIM_API_KEY });
  await sim.start();
  app = await startPlayground({
    BUTTON_API_KEY: SIM_API_KEY,
    BUTTON_API_BASE_URL: sim.url,
    BUTTON_ACCOUNTS_BASE_URL: sim.url,
    BUTTON_CATALOGUE_SCHEDULE: '',
    // The simulator's icons are on 127.0.0.1: a private address the download refuses unless told otherwise.
    BUTTON_CATALOGUE_ICON_PRIVATE_HOSTS: 'true',
    BUTTON_RECONCILIATION_SCHEDULE: '',
    BUTTON_RETENTION_SCHEDULE: '',
    BUTTON_RATE_LIMIT_PER_MINUTE: '60000',
    BUTTON_POOL_WARMUP: 'false',
  });
  await app.strapi.plugin('i18n').service('locales').create({ code: 'fr', name: 'French (fr)' });
  tokens.super = await adminToken(app, await createAdminUser(app.strapi, 'catalogue-super@example.com', 'strapi-super-admin'));
  tokens.editor = await adminToken(app, await createAdminUser(app.strapi, 'catalogue-editor@example.com', 'strapi-editor'));
  tokens.reader = await adminWith(app.strapi, 'Catalogue readers', [ACTION('read')]);
  tokens.syncer = await adminWith(app.strapi, 'Catalogue syncers', [ACTION('catalogue')]);
  tokens.importerNoCm = await adminWith(app.strapi, 'Importers without CM', [ACTION('import'), UPLOAD]);
  tokens.importer = await adminWith(app.strapi, 'Importers', [ACTION('import'), UPLOAD, cm('create'), cm('update')]);
  tokens.importerNoUpload = await adminWith(app.strapi, 'Importers without upload', [ACTION('import'), cm('create')]);

  await syncNow();
  // Alpha: published in en and fr. Bravo: published in en, a draft in fr. Charlie, Delta: no entry.
  const alpha = await documents().create({ data: { merchant_id: ALPHA!.merchant_id, name: ALPHA!.name }, locale: 'en' });
  await documents().update({ documentId: alpha.documentId, locale: 'fr', data: { name: `${ALPHA!.name} FR` } });
  await documents().publish({ documentId: alpha.documentId, locale: '*' });
  const bravo = await documents().create({ data: { merchant_id: BRAVO!.merchant_id, name: BRAVO!.name }, locale: 'en' });
  await documents().publish({ documentId: bravo.documentId, locale: 'en' });
  await documents().update({ documentId: bravo.documentId, locale: 'fr', data: { name: `${BRAVO!.name} FR` } });
  // An entry for a merchant that is not in the catalogue at all.
  await documents().create({ data: { merchant_id: 'org-notinthecatalogue', name: 'Gone Ltd' }, locale: 'en' });
  // Button offered Alpha recently (what the offers endpoint records for every answer).
  app.strapi.plugin('button-personalization').service('merchants').recordSeen([ALPHA!.merchant_id]);
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await sim?.stop();
}, 60_000);

interface Row {
  merchant_id: string;
  mapping: string;
  locales: Array<{ locale: string; state: string }>;
  offered: { recently: boolean };
  status: string;
  flagged: boolean;
  document_id: string | null;
}

const list = async (query = '', who = 'super') => {
  const res = await call('get', `/button-personalization/catalogue?pageSize=100${query}`, who);
  expect(res.status).toBe(200);
  return res.body as { data: Row[]; meta: Record<string, unknown> & { orphaned: Array<{ merchant_id: string }> } };
};
const ids = (rows: Row[]) => rows.map((row) => row.merchant_id);

describe('GET /button-personalization/catalogue', () => {
  it('gives every brand its mapping per locale, whether Button offered it recently, and the orphaned entries', async () => {
    const { data, meta } = await list();
    const byId = new Map(data.map((row) => [row.merchant_id, row]));
    expect(byId.get(ALPHA!.merchant_id)).toMatchObject({
      mapping: 'mapped',
      locales: [
        { locale: 'en', state: 'published' },
        { locale: 'fr', state: 'published' },
      ],
      offered: { recently: true },
      document_id: expect.any(String),
    });
    expect(byId.get(BRAVO!.merchant_id)).toMatchObject({
      mapping: 'partial',
      locales: [
        { locale: 'en', state: 'published' },
        { locale: 'fr', state: 'draft' },
      ],
      offered: { recently: false },
    });
    expect(byId.get(CHARLIE!.merchant_id)).toMatchObject({ mapping: 'unmapped', document_id: null });
    expect(meta.orphaned).toEqual([expect.objectContaining({ merchant_id: 'org-notinthecatalogue', name: 'Gone Ltd' })]);
    expect(meta).toMatchObject({
      locales: ['en', 'fr'],
      counts: { total: MERCHANTS.length, mapped: 1, partial: 1, unmapped: MERCHANTS.length - 2, offered: 1 },
      last_sync: { status: 'succeeded' },
    });
  });

  it('filters by search, mapping, status and offered, and pages', async () => {
    expect(ids((await list(`&q=${encodeURIComponent(ALPHA!.name.slice(0, 5).toUpperCase())}`)).data)).toEqual([
      ALPHA!.merchant_id,
    ]);
    expect(ids((await list(`&q=${BRAVO!.merchant_id}`)).data)).toEqual([BRAVO!.merchant_id]);
    expect(ids((await list('&mapping=partial')).data)).toEqual([BRAVO!.merchant_id]);
    expect(ids((await list('&mapping=mapped')).data)).toEqual([ALPHA!.merchant_id]);
    expect(ids((await list('&offered=true')).data)).toEqual([ALPHA!.merchant_id]);
    expect((await list('&offered=false&mapping=unmapped')).data).toHaveLength(MERCHANTS.length - 2);
    expect((await list('&status=removed')).data).toEqual([]);
    const paged = await call('get', '/button-personalization/catalogue?page=2&pageSize=4');
    expect(paged.body.meta.pagination).toEqual({ page: 2, pageSize: 4, pageCount: 2, total: MERCHANTS.length });
    const bad = await call('get', '/button-personalization/catalogue?mapping=everything&extra=1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('ValidationError');
  });

  it('flags an entry whose brand left the catalogue', async () => {
    sim.catalogue.remove(BRAVO!.merchant_id);
    expect(await syncNow()).toMatchObject({ status: 'succeeded', removed: 1 });
    const removed = (await list('&status=removed')).data;
    expect(removed).toEqual([expect.objectContaining({ merchant_id: BRAVO!.merchant_id, status: 'removed', flagged: true })]);
    sim.catalogue.reset();
    expect(await syncNow()).toMatchObject({ added: 1 });
  });
});

describe('RBAC on every catalogue route', () => {
  const routes: Array<{ method: 'get' | 'post'; url: string; allowed: string[] }> = [
    { method: 'get', url: '/button-personalization/catalogue', allowed: ['reader'] },
    { method: 'get', url: '/button-personalization/catalogue/syncs', allowed: ['reader'] },
    { method: 'get', url: `/button-personalization/catalogue/brands/${DELTA!.merchant_id}`, allowed: ['reader'] },
    { method: 'get', url: `/button-personalization/catalogue/brands/${DELTA!.merchant_id}/icon`, allowed: ['reader'] },
    { method: 'post', url: '/button-personalization/catalogue/syncs', allowed: ['syncer'] },
    { method: 'post', url: `/button-personalization/catalogue/${DELTA!.merchant_id}/entry`, allowed: ['importer'] },
    { method: 'post', url: `/button-personalization/catalogue/${DELTA!.merchant_id}/icon`, allowed: ['importer'] },
  ];

  it.each(routes)('$method $url: 401 without a token, 403 for roles without its action', async ({ method, url, allowed }) => {
    expect((await app.http()[method](url)).status).toBe(401);
    for (const who of ['editor', 'reader', 'syncer', 'importerNoCm'].filter((name) => !allowed.includes(name))) {
      if (who === 'importerNoCm' && allowed.includes('importer')) continue; // has the action: refused further in (below)
      const res = await call(method, url, who);
      expect([who, res.status]).toEqual([who, 403]);
    }
  });

  it('lets each role do what its action allows', async () => {
    expect((await call('get', '/button-personalization/catalogue', 'reader')).status).toBe(200);
    const sync = await call('post', '/button-personalization/catalogue/syncs', 'syncer');
    expect(sync.status).toBe(202);
    await waitFor('the sync', async () => {
      const res = await call('get', '/button-personalization/catalogue/syncs');
      return res.body.data[0].status === 'running' ? undefined : true;
    });
  });
});

describe('POST /button-personalization/catalogue/:merchantId/entry', () => {
  it("is refused without the Content Manager's create permission, and creates nothing", async () => {
    const res = await call('post', `/button-personalization/catalogue/${CHARLIE!.merchant_id}/entry`, 'importerNoCm');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ data: null, error: { status: 403, name: 'ForbiddenError' } });
    expect(await app.strapi.db.query(MERCHANT_OFFER_UID as never).count({ where: { merchant_id: CHARLIE!.merchant_id } })).toBe(
      0
    );
  });

  it('creates a draft prefilled from the catalogue (201), then answers the existing one (200)', async () => {
    const brand = sim.catalogue.get(CHARLIE!.merchant_id)!;
    const res = await call('post', `/button-personalization/catalogue/${CHARLIE!.merchant_id}/entry`, 'importer');
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ document_id: expect.any(String), created: true });
    const draft = await documents().findOne({ documentId: res.body.data.document_id, locale: 'en' });
    expect(draft).toMatchObject({
      merchant_id: CHARLIE!.merchant_id,
      name: brand.name,
      cta_url: brand.urls.homepage,
      publishedAt: null,
      description: [{ type: 'paragraph', children: [{ type: 'text', text: brand.description }] }],
    });
    expect(draft!.terms).toContain(`Purchases are reported within ${brand.terms_and_conditions.reporting_window_days} days.`);
    const again = await call('post', `/button-personalization/catalogue/${CHARLIE!.merchant_id}/entry`, 'importer');
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ document_id: res.body.data.document_id, created: false });
  });

  it('answers 404 for a brand the catalogue does not hold, 400 for a bad id', async () => {
    expect((await call('post', '/button-personalization/catalogue/org-unknownbrand/entry')).status).toBe(404);
    expect((await call('post', '/button-personalization/catalogue/not-an-org/entry')).status).toBe(400);
  });
});

describe('POST /button-personalization/catalogue/:merchantId/icon', () => {
  it('imports the icon into the Media Library and sets it as the logo of the brand entry', async () => {
    const before = (await files()).length;
    const res = await call('post', `/button-personalization/catalogue/${ALPHA!.merchant_id}/icon`, 'importer');
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      file: { id: expect.any(Number), mime: 'image/png', name: expect.stringContaining(ALPHA!.merchant_id) },
      assigned_document_id: expect.any(String),
    });
    expect(await files()).toHaveLength(before + 1);
    const entry = await documents().findOne({ documentId: res.body.data.assigned_document_id, locale: 'en', populate: ['logo'] });
    expect(entry!.logo).toMatchObject({ id: res.body.data.file.id });
  });

  it('imports without assigning for a brand without an entry', async () => {
    const res = await call('post', `/button-personalization/catalogue/${DELTA!.merchant_id}/icon`);
    expect(res.status).toBe(201);
    expect(res.body.data.assigned_document_id).toBeNull();
  });

  it('is refused without the Media Library upload permission', async () => {
    const res = await call('post', `/button-personalization/catalogue/${DELTA!.merchant_id}/icon`, 'importerNoUpload');
    expect(res.status).toBe(403);
  });

  it.each([
    ['too large', '/__simulator/icons/samples/large.png', 413, 'ICON_TOO_LARGE'],
    ['an SVG', '/__simulator/icons/samples/vector.svg', 415, 'ICON_TYPE_REFUSED'],
    ['HTML served as PNG', '/__simulator/icons/samples/html.png', 422, 'ICON_CONTENT_MISMATCH'],
    ['missing (404)', '/__simulator/icons/samples/nothing.png', 502, 'ICON_UNREACHABLE'],
    ['unreachable', 'http://127.0.0.1:9/icon.png', 502, 'ICON_UNREACHABLE'],
  ])('refuses an icon that is %s, storing nothing', async (_what, iconPath, status, code) => {
    sim.catalogue.put({ id: DELTA!.merchant_id, icon_url: iconPath.startsWith('/') ? `${sim.url}${iconPath}` : iconPath });
    await syncNow();
    const before = (await files()).length;
    const res = await call('post', `/button-personalization/catalogue/${DELTA!.merchant_id}/icon`);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ data: null, error: { status, details: { code } } });
    expect(await files()).toHaveLength(before);
  });
});

describe('GET /button-personalization/catalogue/brands/:merchantId/icon', () => {
  const icon = (merchantId: string, who = 'reader') =>
    call('get', `/button-personalization/catalogue/brands/${merchantId}/icon`, who);

  it("answers the brand's icon as a data URL of the bytes its host serves, kept by the browser and by the server", async () => {
    sim.catalogue.reset();
    await syncNow();
    const served = Buffer.from(
      await (await fetch(new URL(sim.catalogue.get(ALPHA!.merchant_id)!.icon_url!, sim.url))).arrayBuffer()
    );
    const before = sim.stats().iconsServed;
    const res = await icon(ALPHA!.merchant_id);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(res.body).toEqual({ data: { type: 'image/png', data_url: `data:image/png;base64,${served.toString('base64')}` } });
    // Twenty editors opening the workspace: one download.
    for (let i = 0; i < 20; i += 1) expect((await icon(ALPHA!.merchant_id)).body).toEqual(res.body);
    expect(sim.stats().iconsServed).toBe(before + 1);
    // The browser revalidates what it kept: unchanged, a 304 without a body.
    const revalidated = await icon(ALPHA!.merchant_id).set('If-None-Match', res.headers.etag!);
    expect(revalidated.status).toBe(304);
    expect(revalidated.text ?? '').toBe('');
  });

  it('downloads again once the catalogue has a new icon URL for the brand, and the browser does not keep the old one', async () => {
    const kept = await icon(ALPHA!.merchant_id);
    const before = sim.stats().iconsServed;
    sim.catalogue.put({ id: ALPHA!.merchant_id, icon_url: `${sim.url}/__simulator/icons/samples/vector.svg` });
    await syncNow();
    // Same route, same If-None-Match as the browser would send: the refusal, not a 304 for the old icon.
    const changed = await icon(ALPHA!.merchant_id).set('If-None-Match', kept.headers.etag!);
    expect(changed.status).toBe(415);
    expect(changed.body.error.details.code).toBe('ICON_TYPE_REFUSED');
    sim.catalogue.put({ id: ALPHA!.merchant_id, icon_url: `${sim.url}/__simulator/icons/${ALPHA!.merchant_id}-v2.png` });
    await syncNow();
    expect((await icon(ALPHA!.merchant_id).set('If-None-Match', kept.headers.etag!)).status).toBe(304); // the same bytes
    expect(sim.stats().iconsServed).toBe(before + 2);
    sim.catalogue.reset();
    await syncNow();
  });

  it.each([
    ['too large', '/__simulator/icons/samples/large.png', 413, 'ICON_TOO_LARGE'],
    ['an SVG (it can carry script)', '/__simulator/icons/samples/vector.svg', 415, 'ICON_TYPE_REFUSED'],
    ['HTML served as PNG', '/__simulator/icons/samples/html.png', 422, 'ICON_CONTENT_MISMATCH'],
    ['missing (404)', '/__simulator/icons/samples/nothing.png', 502, 'ICON_UNREACHABLE'],
  ])("refuses an icon that is %s with the import's checks, in the error envelope", async (_what, iconPath, status, code) => {
    sim.catalogue.put({ id: DELTA!.merchant_id, icon_url: `${sim.url}${iconPath}` });
    await syncNow();
    const res = await icon(DELTA!.merchant_id);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ data: null, error: { status, details: { code } } });
    expect(res.headers.etag).toBeUndefined();
  });

  it('answers 404 for a brand without an icon or not in the catalogue, 400 for a bad id', async () => {
    sim.catalogue.put({ id: DELTA!.merchant_id, icon_url: null });
    await syncNow();
    expect((await icon(DELTA!.merchant_id)).body).toMatchObject({ error: { status: 404, details: { code: 'ICON_MISSING' } } });
    expect((await icon('org-unknownbrand')).status).toBe(404);
    const bad = await icon('not-an-org');
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('ValidationError');
    sim.catalogue.reset();
    await syncNow();
  });
});
