import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { adminToken, createAdminUser, createAdminUserWithPermissions } from '../helpers/admin-users';
import { MERCHANTS } from '../helpers/simulator';
import { startE2eApp, type E2eApp } from './helpers/app';
import { ARTIFACTS_DIR, dismissStrapiBanner, logIn, newContext, publishScreenshots, screenshot } from './helpers/browser';

/**
 * Issue 15, the merchant picker in the Content Manager (Chromium, the built playground on a real port, the simulator
 * over HTTPS as Button's Merchants API): with the catalogue never synced (Button failing), the editor types the id in
 * a plain input and saves; once synced, part of a brand's name finds it, removed brands are marked, and picking one
 * stores its id; when the catalogue request fails, or the role lacks the plugin's read action, the plain input again.
 */
jest.setTimeout(180_000);

const MERCHANT_OFFER_UID = 'plugin::button-personalization.merchant-offer';
const [, HARBOR, , , , LUMEN] = MERCHANTS as unknown as Array<{ merchant_id: string; name: string }>;
/** The fields a Content Manager role is given (a permission without `fields` shows none of them). */
const FIELDS = [
  'merchant_id',
  'name',
  'description',
  'logo',
  'cta_label',
  'cta_url',
  'headline_template',
  'terms',
  'priority',
  'featured',
  'enabled',
];
const SUPER = { email: 'e2e-picker-admin@example.com', password: 'Test-Password-1' };

let e2e: E2eApp;
/** Each test's own: each logs in as the user it needs. */
let context: BrowserContext;

beforeEach(async () => {
  context = await newContext(e2e.browser.browser);
});

afterEach(async () => {
  await context?.close();
});

async function sync(): Promise<string> {
  const started = await e2e.app.strapi.plugin('button-personalization').service('catalogue').startSync('manual');
  if (!started.started) throw new Error(`no sync: ${started.reason}`);
  return ((await started.done) as { status: string }).status;
}

const stored = async (merchantId: string) =>
  (await e2e.app.strapi.db.query(MERCHANT_OFFER_UID as never).findMany({ where: { merchant_id: merchantId } })) as Array<{
    name: string;
  }>;

async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** The Content Manager's create view of a merchant-offer (default locale), logged in as `credentials`. */
async function createView(page: Page, credentials: { email: string; password: string }): Promise<void> {
  await logIn(page, e2e.baseUrl, credentials);
  await dismissStrapiBanner(page);
  await page.goto(`${e2e.baseUrl}/admin/content-manager/collection-types/${MERCHANT_OFFER_UID}/create?plugins[i18n][locale]=en`);
  await page.getByRole('textbox', { name: /^name/i }).first().waitFor();
}

/** Fills the name, saves, and waits until the entry with this merchant_id is stored. */
async function saveAs(page: Page, merchantId: string, name: string) {
  await page.getByRole('textbox', { name: /^name/i }).first().fill(name);
  await page.getByRole('button', { name: /^save$/i }).click();
  const rows = await eventually(`the entry ${merchantId}`, async () => {
    const found = await stored(merchantId);
    return found.length > 0 ? found : undefined;
  });
  // The row is in the database before the browser has the answer: wait for the Content Manager to move from the
  // create view to the entry's own URL, or a reload would open an empty create view again.
  await page.waitForURL((url) => !url.pathname.endsWith('/create'));
  return rows;
}

/** The plain input: a textbox labelled merchant_id, and the note saying why there is no picker. */
async function typeByHand(page: Page, note: RegExp, merchantId: string) {
  await page
    .getByTestId('merchant-picker-note')
    .filter({ hasText: note })
    .waitFor()
    .catch(async (error: unknown) => {
      await screenshot(page, 'merchant-picker-failure');
      throw error;
    });
  expect(await page.getByRole('combobox', { name: /^merchant_id/i }).count()).toBe(0);
  await page.getByRole('textbox', { name: /^merchant_id/i }).fill(merchantId);
}

beforeAll(async () => {
  e2e = await startE2eApp({
    seed: false,
    env: (sim) => ({
      BUTTON_ACCOUNTS_BASE_URL: sim.url,
      BUTTON_CATALOGUE_SCHEDULE: '', // only on demand: the tests decide when the catalogue is synced
      // The simulator serves the icons from 127.0.0.1, a private address the icon download refuses unless allowed.
      BUTTON_CATALOGUE_ICON_PRIVATE_HOSTS: 'true',
      BUTTON_RECONCILIATION_SCHEDULE: '',
      BUTTON_RETENTION_SCHEDULE: '',
    }),
    prepareApp: async (app) => {
      await createAdminUser(app.strapi, SUPER.email, 'strapi-super-admin');
    },
  });
}, 600_000);

afterAll(async () => {
  await e2e?.stop();
});

it('takes an id typed by hand while the catalogue was never synced (Button failing)', async () => {
  e2e.sim.faults.set({ rules: [{ kind: 'status', status: 503, route: 'merchants' }] });
  expect(await sync()).toBe('failed');
  const page = await context.newPage();
  await createView(page, SUPER);
  await typeByHand(page, /has not been synced yet/, 'org-typedbyhand01');
  await screenshot(page, 'merchant-picker-unsynced');
  expect(await saveAs(page, 'org-typedbyhand01', 'Typed while unsynced')).toEqual([
    expect.objectContaining({ name: 'Typed while unsynced' }),
  ]);
  await page.close();
});

it("finds a brand by part of its name, marks removed brands, and stores the picked brand's id", async () => {
  e2e.sim.faults.clear();
  expect(await sync()).toBe('succeeded');
  e2e.sim.catalogue.remove(LUMEN!.merchant_id);
  expect(await sync()).toBe('succeeded'); // Lumen Beauty is now marked removed

  const page = await context.newPage();
  await createView(page, SUPER);
  const picker = page.getByRole('combobox', { name: /^merchant_id/i });
  await picker.click();
  await picker.pressSequentially('umen');
  const removed = page.getByRole('option', { name: new RegExp(LUMEN!.name) });
  await removed.waitFor();
  expect(await removed.textContent()).toMatch(/Removed/);

  await picker.fill('');
  await picker.pressSequentially('arbor');
  const option = page.getByRole('option', { name: new RegExp(HARBOR!.name) });
  await option.waitFor();
  expect(await option.textContent()).toContain(HARBOR!.merchant_id);
  // Its icon, served by the plugin as a data URL (Strapi's default CSP would block the icon host).
  await option.locator('img[src^="data:image/png;base64,"]').waitFor();
  // The list open, as the README shows it, once the search has narrowed it: the viewport as it is (the helper's
  // full-page resize would close the list).
  await page.getByRole('option', { name: /Copperline/ }).waitFor({ state: 'detached' });
  // With a match listed, the list never also says that nothing matches.
  expect(await page.getByText('No brand in the catalogue matches').count()).toBe(0);
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'merchant-picker.png') });
  await option.click();

  expect(await picker.inputValue()).toBe(HARBOR!.merchant_id);
  await page
    .getByTestId('merchant-picker-current')
    .filter({ hasText: `Brand: ${HARBOR!.name}` })
    .waitFor();
  expect(await saveAs(page, HARBOR!.merchant_id, 'Picked from the catalogue')).toEqual([
    expect.objectContaining({ name: 'Picked from the catalogue' }),
  ]);
  // Opened again, the saved entry shows its brand's name under the id.
  await page.reload();
  await page
    .getByTestId('merchant-picker-current')
    .filter({ hasText: `Brand: ${HARBOR!.name}` })
    .waitFor();
  await screenshot(page, 'merchant-picker-picked');
  publishScreenshots(['merchant-picker']);
  await page.close();
});

it('falls back to a plain input when the catalogue request fails, and still saves', async () => {
  const page = await context.newPage();
  await page.route('**/button-personalization/catalogue?**', (route) => route.abort('connectionrefused'));
  await createView(page, SUPER);
  await typeByHand(page, /could not be loaded/, 'org-typedbyhand02');
  expect(await saveAs(page, 'org-typedbyhand02', 'Typed while the catalogue failed')).toHaveLength(1);
  await page.close();
});

it("gives a role without the plugin's read action the plain input, without calling the catalogue", async () => {
  const editor = await createAdminUserWithPermissions(
    e2e.app.strapi,
    'Picker Editor',
    ['create', 'read', 'update'].map((action) => ({
      action: `plugin::content-manager.explorer.${action}`,
      subject: MERCHANT_OFFER_UID,
      properties: { locales: ['en'], fields: FIELDS },
    }))
  );
  expect(
    (
      await e2e.app
        .http()
        .get('/button-personalization/catalogue')
        .set('Authorization', `Bearer ${await adminToken(e2e.app, editor)}`)
    ).status
  ).toBe(403);
  const page = await context.newPage();
  const catalogueCalls: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/button-personalization/catalogue')) catalogueCalls.push(request.url());
  });
  await createView(page, editor);
  await typeByHand(page, /cannot read the brand catalogue/, 'org-typedbyhand03');
  expect(await saveAs(page, 'org-typedbyhand03', 'Typed by an editor')).toHaveLength(1);
  expect(catalogueCalls).toEqual([]);
});
