import { adminToken, createAdminUser } from '../helpers/admin-users';
import { startPlayground, type Playground } from '../helpers/playground';
import { SIM_API_KEY, startSimulator, userWithEveryMerchant, type Simulator } from '../helpers/simulator';

/**
 * Issue 8 (3): a base URL with credentials (`http://user:pass@host`) or a query-string secret is shown and logged
 * without them, everywhere: admin settings, health, boot and error logs. They are not sent to Button either.
 */
const USERNAME = 'proxyuser';
const PASSWORD = 'pr0xy-Pa55word';
const QUERY_SECRET = 'qs-s3cret-token';
const SECRETS = [USERNAME, PASSWORD, QUERY_SECRET, encodeURIComponent(PASSWORD)];
const USER = userWithEveryMerchant();

let sim: Simulator;
let app: Playground;
let token: string;

beforeAll(async () => {
  sim = await startSimulator();
  const url = new URL(sim.url);
  url.username = USERNAME;
  url.password = PASSWORD;
  url.search = `?token=${QUERY_SECRET}`;
  app = await startPlayground({ BUTTON_API_KEY: SIM_API_KEY, BUTTON_API_BASE_URL: url.href });
  token = await adminToken(app, await createAdminUser(app.strapi, 'redaction@example.com', 'strapi-super-admin'));
});

afterAll(async () => {
  await app?.stop();
  await sim?.stop();
});

const expectNoSecret = (text: string) => {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
};

it('still calls Button, authenticated by the API key alone', async () => {
  const before = sim.stats().offersServed;
  const res = await app
    .http()
    .post('/button-personalization/preview')
    .set('Authorization', `Bearer ${token}`)
    .send({ user_id: USER });
  expect(res.status).toBe(200);
  // The simulator serves only requests whose Authorization is the API key's: the userinfo was not used instead.
  expect(sim.stats().offersServed).toBe(before + 1);
});

it('shows the base URL without credentials or query string in settings and health', async () => {
  const settings = await app.http().get('/button-personalization/settings').set('Authorization', `Bearer ${token}`);
  expect(settings.status).toBe(200);
  expect(settings.body.data.effective.baseUrl).toBe(sim.url);
  expectNoSecret(JSON.stringify(settings.body));

  const health = await app.http().get('/button-personalization/health').set('Authorization', `Bearer ${token}`);
  expect(health.status).toBe(200);
  expect(health.body.data.config.base_url).toBe(sim.url);
  expectNoSecret(JSON.stringify(health.body));
});

it('never logs them, in the boot lines or when Button fails; it warns once that they are ignored', async () => {
  sim.faults.set({ rules: [{ kind: 'status', status: 502 }] });
  await app.http().post('/button-personalization/preview').set('Authorization', `Bearer ${token}`).send({ user_id: USER });
  sim.faults.clear();
  const health = await app.http().get('/button-personalization/health').set('Authorization', `Bearer ${token}`);
  expect(health.body.data.upstream.last_errors.length).toBeGreaterThan(0);
  expectNoSecret(JSON.stringify(health.body));

  const logs = app.logs.join('\n');
  expect(logs).toContain(`calling Button at ${sim.url}`);
  expect(logs).toContain("the `baseUrl` option (BUTTON_API_BASE_URL in the README's setup) carries credentials");
  expectNoSecret(logs);
});
