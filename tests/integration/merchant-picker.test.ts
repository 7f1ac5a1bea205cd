import type { Core } from '@strapi/strapi';
import { adminToken, createAdminUser, createAdminUserWithPermissions } from '../helpers/admin-users';
import type { DatabaseClient } from '../helpers/databases';
import { startPlayground, type Playground } from '../helpers/playground';
import { MERCHANTS, SIM_API_KEY, startSimulator, userWithEveryMerchant, type Simulator } from '../helpers/simulator';

/**
 * Issue 15, the merchant picker's server side on every database: merchant_id is the plugin's `merchant-id` custom
 * field, which Strapi turns into the same plain string before the schema is built. So the column is unchanged, the
 * Content Manager and the Document Service still refuse a bad or duplicate id with a 4xx and store nothing, the
 * offers endpoint still joins on it, and the picker's own request (the catalogue searched by name) answers the id.
 */
const MERCHANT_OFFER_UID = 'plugin::button-personalization.merchant-offer';
const FIELD_UID = 'plugin::button-personalization.merchant-id';
const CM = `/content-manager/collection-types/${MERCHANT_OFFER_UID}`;
const [M0, M1] = MERCHANTS as unknown as [{ merchant_id: string; name: string }, { merchant_id: string; name: string }];

type Documents = {
  create(params: unknown): Promise<{ documentId: string }>;
  update(params: unknown): Promise<unknown>;
  findMany(params: unknown): Promise<Array<{ documentId: string; merchant_id: string }>>;
  delete(params: unknown): Promise<unknown>;
};
const documents = (strapi: Core.Strapi) => strapi.documents(MERCHANT_OFFER_UID as never) as unknown as Documents;

describe.each<DatabaseClient>(['sqlite', 'postgres', 'mysql'])('merchant_id as the picker custom field on %s', (client) => {
  let sim: Simulator;
  let app: Playground;
  let admin: string;

  const cm = (method: 'post' | 'put' | 'get', url: string, token = admin) =>
    app.http()[method](url).set('Authorization', `Bearer ${token}`);
  const rows = (merchantId: string) =>
    app.strapi.db.query(MERCHANT_OFFER_UID as never).findMany({ where: { merchant_id: merchantId } }) as Promise<
      Array<{ documentId: string; publishedAt: string | null }>
    >;

  beforeAll(async () => {
    sim = await startSimulator();
    app = await startPlayground(
      {
        BUTTON_API_KEY: SIM_API_KEY,
        BUTTON_API_BASE_URL: sim.url,
        BUTTON_ACCOUNTS_BASE_URL: sim.url,
        BUTTON_CATALOGUE_SCHEDULE: '',
        BUTTON_RECONCILIATION_SCHEDULE: '',
        BUTTON_RETENTION_SCHEDULE: '',
        BUTTON_POOL_WARMUP: 'false',
      },
      client
    );
    admin = await adminToken(app, await createAdminUser(app.strapi, `picker-${client}@example.com`, 'strapi-super-admin'));
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  });

  it('is the custom field at the schema level and a plain string with its checks at run time', () => {
    expect(app.strapi.db.config.connection.client).toBe(client);
    expect(app.strapi.get('custom-fields').get(FIELD_UID)).toMatchObject({ type: 'string' });
    expect(app.strapi.contentType(MERCHANT_OFFER_UID as never).attributes.merchant_id).toMatchObject({
      type: 'string',
      customField: FIELD_UID,
      required: true,
      unique: true,
      maxLength: 64,
      regex: '^org-[A-Za-z0-9_-]+$',
    });
  });

  it('keeps the column: the same string column as the other short strings (name), in the same table', async () => {
    const columns = (await app.strapi.db.connection('button_merchant_offers').columnInfo()) as unknown as Record<
      string,
      { type: string; maxLength: number | string | null }
    >;
    expect(columns.merchant_id).toBeDefined();
    expect(columns.merchant_id!.type).toMatch(/char/i);
    expect({ type: columns.merchant_id!.type, maxLength: columns.merchant_id!.maxLength }).toEqual({
      type: columns.name!.type,
      maxLength: columns.name!.maxLength,
    });
  });

  it('creates, updates and publishes through the Content Manager API with the plain id stored', async () => {
    const created = await cm('post', CM).send({ merchant_id: M0.merchant_id, name: 'Picked Shoes' });
    expect(created.status).toBe(201);
    const documentId = created.body.data.documentId as string;
    expect(created.body.data.merchant_id).toBe(M0.merchant_id);

    const updated = await cm('put', `${CM}/${documentId}`).send({ merchant_id: M0.merchant_id, name: 'Picked Shoes (edited)' });
    expect(updated.status).toBe(200);
    const published = await cm('post', `${CM}/${documentId}/actions/publish`).send({});
    expect(published.status).toBe(200);

    const stored = await rows(M0.merchant_id);
    expect(stored).toHaveLength(2); // the draft and the published version, one column value
    expect(new Set(stored.map((row) => row.documentId))).toEqual(new Set([documentId]));
  });

  it.each([
    ['not a Button organization id', 'northwind'],
    ['with a space', 'org-north wind'],
    ['longer than 64 characters', `org-${'a'.repeat(61)}`],
  ])('refuses a merchant_id %s through the Content Manager (400) and stores nothing', async (_case, merchantId) => {
    const res = await cm('post', CM).send({ merchant_id: merchantId, name: 'Bad id' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ name: 'ValidationError' });
    // Under the field in the edit view: the Content Manager shows errors by path.
    expect(res.body.error.details.errors.map((error: { path: string[] }) => error.path)).toContainEqual(['merchant_id']);
    expect(await rows(merchantId)).toEqual([]);
  });

  it('refuses, through the Content Manager, to change an entry to a bad id', async () => {
    const [entry] = await documents(app.strapi).findMany({ filters: { merchant_id: M0.merchant_id }, status: 'draft' });
    const res = await cm('put', `${CM}/${entry!.documentId}`).send({ merchant_id: 'org-bad/slash', name: 'x' });
    expect(res.status).toBe(400);
    expect(await rows('org-bad/slash')).toEqual([]);
    expect(await rows(M0.merchant_id)).toHaveLength(2);
  });

  it('refuses a duplicate merchant_id through the Content Manager (400): no second entry', async () => {
    const res = await cm('post', CM).send({ merchant_id: M0.merchant_id, name: 'Duplicate' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ name: 'ValidationError' });
    expect(new Set((await rows(M0.merchant_id)).map((row) => row.documentId)).size).toBe(1);
  });

  it("allows another locale's document for the same merchant (Strapi's unique is per locale), not a second one in a locale", async () => {
    const locales = app.strapi.plugin('i18n').service('locales');
    if (!(await locales.findByCode('fr'))) await locales.create({ code: 'fr', name: 'French (fr)' });
    const french = await documents(app.strapi).create({
      data: { merchant_id: M0.merchant_id, name: 'En français' },
      locale: 'fr',
    });
    expect(french).toMatchObject({ merchant_id: M0.merchant_id, locale: 'fr' });
    await expect(
      documents(app.strapi).create({ data: { merchant_id: M0.merchant_id, name: 'Encore' }, locale: 'fr' })
    ).rejects.toMatchObject({ name: 'ValidationError' });
    await documents(app.strapi).delete({ documentId: french.documentId, locale: 'fr' });
  });

  it('refuses a bad or duplicate id through the Document Service too, draft or published', async () => {
    await expect(documents(app.strapi).create({ data: { merchant_id: 'nope', name: 'Bad' } })).rejects.toMatchObject({
      name: 'ValidationError',
    });
    await expect(
      documents(app.strapi).create({ data: { merchant_id: M0.merchant_id, name: 'Dup' }, status: 'published' })
    ).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(
      documents(app.strapi).create({ data: { merchant_id: M0.merchant_id, name: 'Dup draft' } })
    ).rejects.toMatchObject({
      name: 'ValidationError',
    });
    expect(await rows('nope')).toEqual([]);
    expect(new Set((await rows(M0.merchant_id)).map((row) => row.documentId)).size).toBe(1);
  });

  it('still filters on merchant_id as a string (Document Service filters)', async () => {
    const found = await documents(app.strapi).findMany({
      filters: { merchant_id: { $startsWith: M0.merchant_id.slice(0, 8) } },
      status: 'published',
    });
    expect(found.map((entry) => entry.merchant_id)).toEqual([M0.merchant_id]);
  });

  it('still joins the offers endpoint on merchant_id', async () => {
    const token = await app.createApiToken();
    const res = await app
      .http()
      .post('/api/button-personalization/offers')
      .set('Authorization', `Bearer ${token}`)
      .send({ user_id: userWithEveryMerchant('picker') });
    expect(res.status).toBe(200);
    const served = (res.body.data as Array<{ merchant_id: string; merchant: { name: string } | null }>).find(
      (entry) => entry.merchant_id === M0.merchant_id
    );
    expect(served?.merchant).toMatchObject({ name: 'Picked Shoes (edited)' });
  });

  it("answers the picker's search: a part of a brand's name gives its id, once the catalogue is synced", async () => {
    const before = await cm('get', '/button-personalization/catalogue?q=a&pageSize=20');
    expect(before.status).toBe(200);
    expect(before.body.meta.counts.total).toBe(0); // never synced: the picker falls back to a plain input

    const started = await app.strapi.plugin('button-personalization').service('catalogue').startSync('manual');
    expect(started.started).toBe(true);
    await expect(started.done).resolves.toMatchObject({ status: 'succeeded' });

    const part = M1.name.split(' ')[0]!.slice(1, 5).toLowerCase();
    const res = await cm('get', `/button-personalization/catalogue?q=${encodeURIComponent(part)}&pageSize=20`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ merchant_id: M1.merchant_id, name: M1.name, status: 'partnered' })])
    );
    const byId = await cm('get', `/button-personalization/catalogue?q=${M1.merchant_id}&pageSize=20`);
    expect(byId.body.data.map((row: { merchant_id: string }) => row.merchant_id)).toContain(M1.merchant_id);
  });

  it('lets an editor without the plugin read action save through the Content Manager (the plain input): the catalogue answers 403', async () => {
    const editor = await adminToken(
      app,
      await createAdminUserWithPermissions(app.strapi, `Picker editors ${client}`, [
        {
          action: 'plugin::content-manager.explorer.create',
          subject: MERCHANT_OFFER_UID,
          properties: { locales: ['en'], fields: ['merchant_id', 'name', 'enabled', 'priority'] },
        },
        {
          action: 'plugin::content-manager.explorer.read',
          subject: MERCHANT_OFFER_UID,
          properties: { locales: ['en'], fields: ['merchant_id', 'name', 'enabled', 'priority'] },
        },
        {
          action: 'plugin::content-manager.explorer.update',
          subject: MERCHANT_OFFER_UID,
          properties: { locales: ['en'], fields: ['merchant_id', 'name', 'enabled', 'priority'] },
        },
      ])
    );
    expect((await cm('get', '/button-personalization/catalogue?pageSize=20', editor)).status).toBe(403);
    const created = await cm('post', CM, editor).send({ merchant_id: M1.merchant_id, name: 'Typed by hand' });
    expect(created.status).toBe(201);
    expect(await rows(M1.merchant_id)).toHaveLength(1);
    const bad = await cm('post', CM, editor).send({ merchant_id: 'typed-by-hand', name: 'Bad' });
    expect(bad.status).toBe(400);
  });
});
