import net from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { createButtonSimulator } from '../../simulator';
import { createAdminUserWithPermissions } from '../helpers/admin-users';
import { startPlayground, type Playground } from '../helpers/playground';
import { MERCHANTS, offersFor, SIM_API_KEY, TEST_CA_PATH, userWithEveryMerchant, type Simulator } from '../helpers/simulator';
import { ensurePlaygroundAdminBuilt } from './helpers/admin-build';
import { removeFiles, uploadedFiles } from './helpers/uploads';
import {
  dismissStrapiBanner,
  launchChromium,
  logIn,
  newContext,
  publishScreenshots,
  screenshot,
  type BrowserSession,
} from './helpers/browser';

/**
 * The live offer beside a merchant-offer in the Content Manager's edit view (Chromium, the built playground on a
 * real port, the simulator over HTTPS): what the offers endpoint serves a test user for this merchant right now,
 * with the headline filled from the template as it stands in the form, saved or not; and no panel for a role without
 * the plugin's preview action.
 */
jest.setTimeout(180_000);

const ADMIN = { email: 'e2e-panel-admin@example.com', password: 'E2e-Panel-Password-1' };
const MERCHANT_OFFER_UID = 'plugin::button-personalization.merchant-offer';
const MERCHANT = MERCHANTS[0]!;

let sim: Simulator;
let app: Playground;
let baseUrl: string;
let browser: BrowserSession;
let context: BrowserContext;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** The edit view of the seeded entry for MERCHANT, as the given admin. */
async function editView(page: Page, credentials: { email: string; password: string }): Promise<void> {
  await logIn(page, baseUrl, credentials);
  await dismissStrapiBanner(page);
  const entry = (await app.strapi.documents(MERCHANT_OFFER_UID as never).findFirst({
    filters: { merchant_id: MERCHANT.merchant_id },
  } as never)) as { documentId: string };
  await page.goto(
    `${baseUrl}/admin/content-manager/collection-types/${MERCHANT_OFFER_UID}/${entry.documentId}?plugins[i18n][locale]=en`
  );
  await page.getByRole('textbox', { name: /^name/i }).first().waitFor();
}

beforeAll(async () => {
  await ensurePlaygroundAdminBuilt((line) => process.stdout.write(`[e2e] ${line}\n`));
  sim = createButtonSimulator({ apiKey: SIM_API_KEY, tls: true });
  await sim.start();
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
  });
  await new Promise<void>((resolve, reject) => {
    app.strapi.server.httpServer.once('error', reject);
    app.strapi.server.httpServer.listen(port, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
  context = await newContext(browser.browser);
}, 600_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  if (app) {
    const seededFiles = await uploadedFiles(app.strapi);
    await new Promise<void>((resolve) =>
      app.strapi.server.httpServer.listening ? app.strapi.server.httpServer.close(() => resolve()) : resolve()
    );
    await app.stop();
    removeFiles(seededFiles);
  }
  await sim?.stop();
});

it("shows Button's live offer for a test user, headlined with the template being edited (unsaved), and its pubRef", async () => {
  const page = await context.newPage();
  await editView(page, ADMIN);
  const panel = page.getByText('Live offer from Button');
  await panel.waitFor();

  // An unsaved edit of the template: the panel fills it, the saved entry is untouched.
  const template = page.getByRole('textbox', { name: /^headline_template/i }).first();
  await template.fill('Tonight only: {rate} back at {name}');
  const userId = userWithEveryMerchant('panel');
  await page.getByLabel('Test user id').fill(userId);
  const callsBefore = sim.stats().requestsReceived;
  await page.getByRole('button', { name: 'Show the live offer' }).click();

  const offers = page.getByTestId('live-offer');
  await offers.first().waitFor();
  const expected = offersFor(userId).find((entry) => entry.merchant_id === MERCHANT.merchant_id)!;
  expect(await offers.count()).toBe(expected.offers.length);
  const text = (await offers.first().textContent()) ?? '';
  expect(text).toContain(expected.offers[0]!.id);
  expect(text).toMatch(/Tonight only: .+ back at /);
  expect(text).toMatch(/pubRef: b2~/);
  expect(sim.stats().requestsReceived).toBe(callsBefore + 1); // called for real, once, on demand
  await screenshot(page, 'live-offer-panel');
  publishScreenshots(['live-offer-panel']);

  const saved = (await app.strapi.documents(MERCHANT_OFFER_UID as never).findFirst({
    filters: { merchant_id: MERCHANT.merchant_id },
  } as never)) as unknown as { headline_template: string | null };
  expect(saved.headline_template ?? '').not.toContain('Tonight only');
  await page.close();
});

it('shows no panel to a role that may edit merchant offers but not run previews', async () => {
  const editor = await createAdminUserWithPermissions(app.strapi, 'Panel Editor', [
    { action: 'plugin::content-manager.explorer.read', subject: MERCHANT_OFFER_UID, properties: { locales: ['en'] } },
    { action: 'plugin::content-manager.explorer.update', subject: MERCHANT_OFFER_UID, properties: { locales: ['en'] } },
    { action: 'plugin::button-personalization.read' },
  ]);
  const editorContext = await newContext(browser.browser);
  const page = await editorContext.newPage();
  try {
    await editView(page, editor);
    await page
      .getByText('Live offer from Button')
      .waitFor({ state: 'detached', timeout: 3_000 })
      .catch(() => undefined);
    expect(await page.getByText('Live offer from Button').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Show the live offer' }).count()).toBe(0);
  } finally {
    await editorContext.close();
  }
});
