import net from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { createWebhookSender } from '../../simulator';
import { adminToken, createAdminUser, createAdminUserWithPermissions } from '../helpers/admin-users';
import { PUBREF_SECRET, WEBHOOK_PATH, WEBHOOK_SECRET } from '../helpers/ledger';
import { startPlayground, type Playground } from '../helpers/playground';
import { MERCHANTS, SIM_API_KEY, TEST_CA_PATH, startSimulator, userWithEveryMerchant, type Simulator } from '../helpers/simulator';
import { ensurePlaygroundAdminBuilt } from './helpers/admin-build';
import { dismissStrapiBanner, launchChromium, logIn, newContext, publishScreenshots, screenshot, type BrowserSession } from './helpers/browser';

/**
 * The admin panel in a real browser: Debian's Chromium driven by playwright-core against the built playground
 * (the current plugin admin) running on a real port, talking to the Button simulator over HTTPS. One story, in
 * order: each step builds on the previous one (the registry learns merchants from the preview, the webhooks
 * carry the preview's pubRef, ...).
 */
jest.setTimeout(180_000);

const ADMIN = { email: 'e2e-admin@example.com', password: 'E2e-Admin-Password-1' };
const USER = userWithEveryMerchant();
// The playground seeds entries for every catalogue merchant but the last: that one is unmapped.
const UNMAPPED = MERCHANTS[MERCHANTS.length - 1].merchant_id;
const PLUGIN = '/admin/plugins/button-personalization';
const SCREENS: string[] = [];

let sim: Simulator;
let app: Playground;
let baseUrl: string;
let browser: BrowserSession;
let context: BrowserContext;
let page: Page;
let pubRef: string;
let transactionId: string;

const shot = async (name: string) => {
  await screenshot(page, name);
  SCREENS.push(name);
};

/** A port that is free now: Strapi's config (and so the webhook URL it reports) is told the real port. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  await ensurePlaygroundAdminBuilt((line) => process.stdout.write(`[e2e] ${line}\n`));
  sim = await startSimulator({ tls: true });
  const port = await freePort();
  app = await startPlayground({
    HOST: '127.0.0.1',
    PORT: String(port),
    PLAYGROUND_SEED: 'true',
    PLAYGROUND_ADMIN_EMAIL: ADMIN.email,
    PLAYGROUND_ADMIN_PASSWORD: ADMIN.password,
    BUTTON_API_KEY: SIM_API_KEY,
    BUTTON_API_BASE_URL: sim.url,
    BUTTON_API_CA_FILE: TEST_CA_PATH,
    BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET,
    BUTTON_PUBREF_SECRET: PUBREF_SECRET,
    // A breaker that opens after a handful of failures and stays open while the test looks at it.
    BUTTON_RETRY_MAX_ATTEMPTS: '1',
    BUTTON_BREAKER_MIN_REQUESTS: '4',
    BUTTON_BREAKER_HALF_OPEN_AFTER_MS: '600000',
  });
  await new Promise<void>((resolve, reject) => {
    app.strapi.server.httpServer.once('error', reject);
    app.strapi.server.httpServer.listen(port, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
  context = await newContext(browser.browser);
  page = await context.newPage();
}, 600_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  if (app) {
    await new Promise<void>((resolve) => (app.strapi.server.httpServer.listening ? app.strapi.server.httpServer.close(() => resolve()) : resolve()));
    await app.stop();
  }
  await sim?.stop();
});

it('logs in through the real login form and shows the plugin in the menu', async () => {
  await logIn(page, baseUrl, ADMIN);
  await page.locator(`nav a[href$="/plugins/button-personalization"]`).first().waitFor();
  await dismissStrapiBanner(page);
});

it('runs a live preview: merged offers, headlines and pubRefs, with upstream time and attempts', async () => {
  await page.goto(`${baseUrl}${PLUGIN}/preview`);
  await page.getByRole('tab', { name: 'Live preview' }).waitFor();
  await page.getByLabel('User id').fill(USER);
  await page.getByRole('button', { name: 'Run preview' }).click();
  const result = page.getByTestId('preview-result');
  await result.waitFor();
  expect(await page.getByTestId('preview-attempts').textContent()).toContain('1');
  expect(await page.getByTestId('preview-upstream-ms').textContent()).toMatch(/\d+ ms/);
  // Every catalogue merchant but the unmapped one is served, with a headline from its entry.
  expect(await page.getByTestId('preview-merchants').textContent()).toContain(String(MERCHANTS.length - 1));
  await page.getByText(/back at/).first().waitFor();
  expect(await result.textContent()).toContain(UNMAPPED); // listed as left out
  pubRef = ((await page.getByTestId('preview-pub-ref').first().textContent()) ?? '').trim();
  expect(pubRef).toMatch(/^b2~/);
  await shot('preview');
});

it('decodes a pubRef from the preview: unverifiable without the user, valid for the user it was served to', async () => {
  await page.getByRole('button', { name: 'Decode' }).first().click();
  await page.waitForURL(/\/pub-refs\?pub_ref=/);
  // A pubRef is bound to its user: without the user id the debugger says it cannot verify the tag.
  await page.getByTestId('pub-ref-unverified-hint').waitFor();
  expect(await page.getByTestId('pub-ref-tag').textContent()).toBe('Tag not valid');
  // For another user: not valid.
  await page.getByLabel('User id (optional)').fill(`${USER}-other`);
  await page.getByRole('button', { name: 'Decode', exact: true }).click();
  await page.getByTestId('pub-ref-signature').filter({ hasText: 'Invalid' }).waitFor();
  // For the user it was served to: valid.
  await page.getByLabel('User id (optional)').fill(USER);
  await page.getByRole('button', { name: 'Decode', exact: true }).click();
  await page.getByTestId('pub-ref-tag').filter({ hasText: 'Tag valid' }).waitFor();
  expect(await page.getByTestId('pub-ref-signature').textContent()).toBe('Valid for this user');
  expect(await page.getByTestId('pub-ref-version').textContent()).toBe('b2');
  expect(await page.getByTestId('pub-ref-issued-at').textContent()).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  expect(pubRef).toContain(((await page.getByTestId('pub-ref-offer-id').textContent()) ?? '').trim());
  expect(await page.getByTestId('pub-ref-rate').textContent()).toMatch(/%|[A-Z]{3}/);
  // And a test pubRef built from chosen fields, for a user.
  await page.getByLabel('User id', { exact: false }).last().fill('user-e2e');
  await page.getByLabel('Offer id', { exact: false }).last().fill('offer-e2e-test');
  await page.getByLabel('Rate', { exact: true }).fill('7.5');
  await page.getByRole('button', { name: 'Build' }).click();
  await page.getByTestId('built-pub-ref').filter({ hasText: 'offer-e2e-test' }).waitFor();
  await shot('pub-refs');
});

it("shows a transaction sent by the simulator's webhooks in Commissions, with its event history", async () => {
  const sender = createWebhookSender({ url: `${baseUrl}${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET });
  // Served to USER, bought by USER; then a later tx-pending that would move the validated transaction back.
  const result = await sender.lifecycle({ pubRef, final: 'validated', amount: 420, customerId: USER, regress: true });
  expect(result.reports.every((report) => report.delivered)).toBe(true);
  transactionId = result.transactionId;

  await page.getByRole('tab', { name: 'Commissions' }).click();
  const row = page.getByTestId(`commission-row-${transactionId}`);
  await row.waitFor();
  expect(await row.textContent()).toContain('Validated');
  expect(await row.textContent()).toContain('$4.20');
  expect(await row.textContent()).toContain('Signed, valid for this user');
  expect(await page.getByTestId(`conflicts-${transactionId}`).textContent()).toBe('1 conflict');
  await page.getByTestId('totals-by-status').filter({ hasText: 'Validated' }).waitFor();
  await shot('commissions');
  // The conflicts filter keeps it.
  await page.getByTestId('filter-conflicts').click();
  await page.getByTestId(`conflicts-${transactionId}`).waitFor();

  await page.getByTestId(`commission-row-${transactionId}`).click();
  await page.waitForURL(new RegExp(`/commissions/${transactionId}$`));
  const events = page.getByTestId('detail-events');
  await events.filter({ hasText: 'tx-validated' }).waitFor();
  expect(await events.textContent()).toContain('tx-pending');
  expect(await page.getByTestId('event-conflict').textContent()).toContain('Conflict');
  expect(await page.getByTestId('detail-conflicts').textContent()).toBe('1 conflict');
  await shot('commission-detail');
});

it("disables Create entry for a role with the plugin's read action but not the Content Manager's create", async () => {
  const reader = await createAdminUserWithPermissions(app.strapi, 'E2E plugin readers', [
    { action: 'plugin::button-personalization.read' },
  ]);
  const readerContext = await newContext(browser.browser);
  try {
    const readerPage = await readerContext.newPage();
    await logIn(readerPage, baseUrl, reader);
    await readerPage.goto(`${baseUrl}${PLUGIN}/merchants`);
    const row = readerPage.getByTestId(`merchant-row-${UNMAPPED}`);
    await row.getByTestId('merchant-status').filter({ hasText: 'Unmapped' }).waitFor();
    const create = row.getByRole('button', { name: 'Create entry' });
    await create.waitFor();
    expect(await create.isDisabled()).toBe(true);
    expect(await create.getAttribute('title')).toContain('Create permission');
  } finally {
    await readerContext.close();
  }
});

it('creates an entry from an unmapped merchant and sees it mapped once published', async () => {
  await page.goto(`${baseUrl}${PLUGIN}/merchants`);
  const row = page.getByTestId(`merchant-row-${UNMAPPED}`);
  await row.getByTestId('merchant-status').filter({ hasText: 'Unmapped' }).waitFor();
  expect(await page.getByTestId('merchants-count-unmapped').textContent()).toContain('1');
  await shot('merchants');

  await row.getByRole('button', { name: 'Create entry' }).click();
  await page.waitForURL(/\/content-manager\/collection-types\/plugin::button-personalization\.merchant-offer\/[a-z0-9]+/);
  const publish = page.getByRole('button', { name: 'Publish' });
  await publish.waitFor();
  expect(await page.locator('input[name="merchant_id"]').inputValue()).toBe(UNMAPPED);
  await publish.click();
  await page.getByText(/Published/).first().waitFor();

  await page.goto(`${baseUrl}${PLUGIN}/merchants`);
  await row.getByTestId('merchant-status').filter({ hasText: 'Mapped' }).waitFor();
  await page.getByTestId('merchants-count-unmapped').filter({ hasText: '0' }).waitFor();
  await shot('merchants-after-publish');
});

it('shows the effective configuration with secrets masked and saves a runtime setting', async () => {
  await page.getByRole('tab', { name: 'Settings' }).click();
  const template = page.getByLabel('Default headline template');
  await template.waitFor();
  await page.getByText('Set (hidden)').first().waitFor();
  expect(await page.content()).not.toContain(WEBHOOK_SECRET);
  await template.fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('must not be empty').waitFor(); // the server's per-field validation, shown on the field
  await template.fill('Earn {rate} at {name}');
  await page.getByRole('button', { name: 'Save' }).click();
  const saved = page.getByText('Settings saved').first();
  await saved.waitFor();
  await saved.waitFor({ state: 'hidden' }); // the notification goes by itself
  await shot('settings');
});

it('shows health: configuration status, a closed breaker, pool, latency chart and the webhook URL', async () => {
  await page.getByRole('tab', { name: 'Health' }).click();
  await page.getByTestId('breaker-state').filter({ hasText: 'Closed' }).waitFor();
  await page.getByTestId('latency-chart').waitFor();
  expect(await page.getByTestId('webhook-url').textContent()).toBe(`${baseUrl}${WEBHOOK_PATH}`);
  await shot('health');
});

it('shows the breaker open, and a clear banner, while the simulator is down', async () => {
  sim.faults.set({ rules: [{ kind: 'status', status: 503, message: 'simulated outage' }] });
  const token = await adminToken(app, ADMIN);
  const breakerState = async () =>
    (await app.http().get('/button-personalization/health').set('Authorization', `Bearer ${token}`)).body.data.breaker?.state;
  // Failed previews until the breaker has seen enough of them in its window (a count, never a timing).
  for (let i = 0; i < 40 && (await breakerState()) !== 'open'; i += 1) {
    await app.http().post('/button-personalization/preview').set('Authorization', `Bearer ${token}`).send({ user_id: USER });
  }
  expect(await breakerState()).toBe('open');

  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.getByTestId('breaker-state').filter({ hasText: 'Open' }).waitFor();
  await page.getByTestId('upstream-down').waitFor();
  await page.getByTestId('last-errors').waitFor();
  await shot('health-down');

  await page.getByRole('tab', { name: 'Live preview' }).click();
  await page.getByLabel('User id').fill(USER);
  await page.getByRole('button', { name: 'Run preview' }).click();
  await page.getByRole('alert').filter({ hasText: 'Button is not answering' }).waitFor();
  await shot('preview-down');
  sim.faults.clear();
});

it('hides the plugin from an editor without its permissions', async () => {
  const editor = await createAdminUser(app.strapi, 'e2e-editor@example.com', 'strapi-editor');
  const editorContext = await newContext(browser.browser);
  try {
    const editorPage = await editorContext.newPage();
    await logIn(editorPage, baseUrl, editor);
    await editorPage.locator('nav a[href$="/content-manager"]').first().waitFor();
    expect(await editorPage.locator('nav a[href$="/plugins/button-personalization"]').count()).toBe(0);
    // The API refuses them too (the integration suites check every route).
    const token = await adminToken(app, editor);
    expect((await app.http().get('/button-personalization/merchants').set('Authorization', `Bearer ${token}`)).status).toBe(403);
  } finally {
    await editorContext.close();
  }
});

it('publishes the screenshots for the README', () => {
  expect(SCREENS).toEqual(
    expect.arrayContaining(['merchants', 'preview', 'pub-refs', 'commissions', 'commission-detail', 'health', 'health-down', 'settings'])
  );
  publishScreenshots(SCREENS);
});
