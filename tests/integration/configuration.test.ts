import { createMerchantOffer } from '../helpers/fixtures';
import { startPlayground, type Playground } from '../helpers/playground';
import { MERCHANTS, startSimulator, type Simulator } from '../helpers/simulator';

/** What a publisher meets before everything is set up: Strapi must boot, and say clearly what is missing. */
describe('without an API key', () => {
  let sim: Simulator;
  let app: Playground;

  beforeAll(async () => {
    sim = await startSimulator();
    app = await startPlayground({ BUTTON_API_KEY: '', BUTTON_API_BASE_URL: sim.url });
  });
  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  });

  it('boots, warns once, and answers 503 saying the key is not configured, without calling Button', async () => {
    await createMerchantOffer(app.strapi, { merchant_id: MERCHANTS[0]!.merchant_id, name: 'Northwind' });
    const token = await app.createApiToken();
    const res = await app
      .http()
      .post('/api/button-personalization/offers')
      .set('Authorization', `Bearer ${token}`)
      .send({ user_id: 'user-1' });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('60');
    expect(res.body).toEqual({
      data: null,
      error: {
        status: 503,
        name: 'ServiceUnavailableError',
        message: "Button is not configured: set the `apiKey` option (BUTTON_API_KEY in the README's setup)",
        details: { code: 'NOT_CONFIGURED', attempts: 0 },
      },
    });
    expect(sim.stats().requestsReceived).toBe(0);
  });
});

describe('with an invalid option', () => {
  it.each([
    [{ BUTTON_RETRY_MAX_ATTEMPTS: '0' }, /"retry\.maxAttempts"/],
    [{ BUTTON_API_BASE_URL: 'not a url' }, /"baseUrl": must be an http\(s\) URL/],
    [{ BUTTON_DEADLINE_MS: 'soon' }, /"timeouts\.deadlineMs"/],
  ])('refuses to boot with %j, naming the option', async (env, message) => {
    await expect(startPlayground({ BUTTON_API_KEY: 'k', ...env })).rejects.toThrow(message);
  });
});
