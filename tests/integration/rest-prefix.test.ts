import { adminToken, createAdminUser } from '../helpers/admin-users';
import { startPlayground, type Playground } from '../helpers/playground';
import { SIM_API_KEY, startSimulator, userWithEveryMerchant, type Simulator } from '../helpers/simulator';

/**
 * An app whose `api.rest.prefix` is not `/api`: every public path the plugin shows or measures follows it (the
 * Health page's webhook URL, the offers endpoint, its metric route label, the webhook endpoint itself).
 */
const PREFIX = '/v2/rest';
const METRICS_ACTION = 'plugin::button-personalization.metrics.scrape';

let sim: Simulator;
let app: Playground;
let superToken: string;

beforeAll(async () => {
  sim = await startSimulator();
  app = await startPlayground({
    BUTTON_API_KEY: SIM_API_KEY,
    BUTTON_API_BASE_URL: sim.url,
    BUTTON_WEBHOOK_SECRET: 'whsec_prefix_test_secret',
    API_REST_PREFIX: PREFIX,
  });
  superToken = await adminToken(app, await createAdminUser(app.strapi, 'super@example.com', 'strapi-super-admin'));
});

afterAll(async () => {
  await app?.stop();
  await sim?.stop();
});

describe('a custom REST prefix', () => {
  it('shows the webhook URL under the prefix on the Health page', async () => {
    const res = await app.http().get('/button-personalization/health').set('Authorization', `Bearer ${superToken}`);
    expect(res.status).toBe(200);
    expect(new URL(res.body.data.webhook_url).pathname).toBe(`${PREFIX}/button-personalization/webhooks`);
  });

  it('serves offers under the prefix, not under /api, and labels its metrics with that route', async () => {
    const token = await app.createApiToken(['plugin::button-personalization.offers.find', METRICS_ACTION]);
    const offers = await app
      .http()
      .post(`${PREFIX}/button-personalization/offers`)
      .set('Authorization', `Bearer ${token}`)
      .send({ user_id: userWithEveryMerchant() });
    expect(offers.status).toBe(200);
    expect(offers.body.meta.unmapped_merchant_ids.length).toBeGreaterThan(0); // Button was called
    const underApi = await app
      .http()
      .post('/api/button-personalization/offers')
      .set('Authorization', `Bearer ${token}`)
      .send({ user_id: 'u' });
    expect([404, 405]).toContain(underApi.status); // no route there (Strapi answers 405 to a POST it cannot route)

    const metrics = await app.http().get(`${PREFIX}/button-personalization/metrics`).set('Authorization', `Bearer ${token}`);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain(`http_route="${PREFIX}/button-personalization/offers"`);
    expect(metrics.text).not.toContain('http_route="/api/button-personalization/offers"');
  });

  it('answers webhooks under the prefix (an unsigned delivery is refused there, not unknown)', async () => {
    const res = await app
      .http()
      .post(`${PREFIX}/button-personalization/webhooks`)
      .set('Content-Type', 'application/json')
      .send('{}');
    expect(res.status).toBe(401);
  });
});
