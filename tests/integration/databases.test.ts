import { addLocalization, createLocale, createMerchantOffer, MERCHANT_OFFER_UID } from '../helpers/fixtures';
import type { DatabaseClient } from '../helpers/databases';
import { startPlayground, type Playground } from '../helpers/playground';
import { MERCHANTS, SIM_API_KEY, startSimulator, userWithEveryMerchant, type Simulator } from '../helpers/simulator';

/**
 * The merchant-offer content type on every database Strapi supports, against the machine's real PostgreSQL and
 * MariaDB servers (and SQLite): schema sync, Draft & Publish, i18n, uniqueness, and the one-query merge.
 */
const [M0, M1, M2] = MERCHANTS.map((merchant) => merchant.merchant_id) as [string, string, string];
const USER = userWithEveryMerchant();

describe.each<DatabaseClient>(['sqlite', 'postgres', 'mysql'])('merchant-offer on %s', (client) => {
  let sim: Simulator;
  let app: Playground;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator();
    app = await startPlayground({ BUTTON_API_KEY: SIM_API_KEY, BUTTON_API_BASE_URL: sim.url }, client);
    token = await app.createApiToken();
    await createLocale(app.strapi, 'fr', 'French (fr)');
    const m0 = await createMerchantOffer(app.strapi, { merchant_id: M0, name: 'Northwind Shoes', priority: 2 });
    await addLocalization(app.strapi, m0.documentId, 'fr', { name: 'Chaussures Northwind' });
    await createMerchantOffer(app.strapi, { merchant_id: M1, name: 'Disabled', enabled: false });
    await createMerchantOffer(app.strapi, { merchant_id: M2, name: 'Draft only' }, { publish: false });
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  });

  const offers = (body: object) =>
    app.http().post('/api/button-personalization/offers').set('Authorization', `Bearer ${token}`).send(body);

  it('really runs on that database', () => {
    expect(app.strapi.db.config.connection.client).toBe(client);
  });

  it('serves only published, enabled entries, merged with live offers', async () => {
    const res = await offers({ user_id: USER });
    expect(res.status).toBe(200);
    expect(res.body.data.map((entry: { merchant_id: string }) => entry.merchant_id)).toEqual([M0]);
    expect(res.body.data[0].merchant).toMatchObject({ name: 'Northwind Shoes', priority: 2, featured: false, locale: 'en' });
    expect(res.body.meta.unmapped_merchant_ids).toEqual(expect.arrayContaining([M1, M2]));
  });

  it('serves each locale its own content, sharing the non-localized merchant_id', async () => {
    const res = await offers({ user_id: USER, locale: 'fr' });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({ merchant_id: M0, merchant: { name: 'Chaussures Northwind', locale: 'fr' } });
  });

  it('keeps merchant_id unique per locale: a second published entry is refused and nothing is half-written', async () => {
    await expect(createMerchantOffer(app.strapi, { merchant_id: M0, name: 'Duplicate' })).rejects.toThrow(/unique/i);
    const documents = app.strapi.documents(MERCHANT_OFFER_UID as never) as unknown as { count(params: unknown): Promise<number> };
    expect(await documents.count({ filters: { merchant_id: M0 }, locale: 'en', status: 'draft' })).toBe(1);
    expect(await documents.count({ filters: { merchant_id: M0 }, locale: 'en', status: 'published' })).toBe(1);
  });

  it('refuses a merchant_id that is not a Button organization id', async () => {
    await expect(createMerchantOffer(app.strapi, { merchant_id: 'northwind', name: 'Bad id' })).rejects.toThrow(
      /merchant_id|format|match/i
    );
  });
});
