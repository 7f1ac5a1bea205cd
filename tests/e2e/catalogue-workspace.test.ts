import net from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { createButtonSimulator } from '../../simulator';
import { adminToken, createAdminUserWithPermissions } from '../helpers/admin-users';
import { startPlayground, type Playground } from '../helpers/playground';
import { MERCHANTS, SIM_API_KEY, TEST_CA_PATH, type Simulator } from '../helpers/simulator';
import { removeFiles, uploadedFiles } from './helpers/uploads';
import { ensurePlaygroundAdminBuilt } from './helpers/admin-build';
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
 * The Merchants page as the mapping workspace over Button's brand catalogue, in a real browser (Chromium through
 * playwright-core, the built playground on a real port, the simulator over HTTPS): never synced, Sync now (running,
 * then its counts), the brands with their icon and their entry per locale, search and filters, "create entry"
 * prefilled from the catalogue, the icon imported into the Media Library as the entry's logo (and a refused one), a
 * brand leaving the catalogue, the catalogue unreachable, and what a role holding only `read` sees.
 */
jest.setTimeout(180_000);

const ADMIN = { email: 'e2e-catalogue-admin@example.com', password: 'E2e-Catalogue-Password-1' };
const PLUGIN = '/admin/plugins/button-personalization';
const MERCHANT_OFFER_UID = 'plugin::button-personalization.merchant-offer';
const SCREENS: string[] = [];
// The playground seeds a published English entry for every simulator merchant but the last.
const [NORTHWIND, , MAPLE] = MERCHANTS;
const UNMAPPED = MERCHANTS[MERCHANTS.length - 1];

let sim: Simulator;
let app: Playground;
let baseUrl: string;
let browser: BrowserSession;
let context: BrowserContext;
let loggedIn: Promise<void> | undefined;
const openPages: Page[] = [];

const shot = async (page: Page, name: string) => {
  await screenshot(page, name);
  SCREENS.push(name);
};

/** A new page in the super admin's context, on `path`; the first call logs in (again after a failed try). */
async function adminPage(path: string): Promise<Page> {
  const page = await context.newPage();
  openPages.push(page);
  loggedIn ??= (async () => {
    await logIn(page, baseUrl, ADMIN);
    await dismissStrapiBanner(page);
  })().catch((error: unknown) => {
    loggedIn = undefined;
    throw error;
  });
  await loggedIn;
  await page.goto(`${baseUrl}${PLUGIN}${path}`);
  return page;
}

const brandRow = (page: Page, merchantId: string) => page.getByTestId(`catalogue-row-${merchantId}`);
const listedBrands = (page: Page) =>
  page
    .locator('tr[data-testid^="catalogue-row-"]')
    .evaluateAll((rows) => rows.map((row) => (row.getAttribute('data-testid') ?? '').replace('catalogue-row-', '')));
const lastSync = (page: Page, status: string) => page.locator(`[data-testid="catalogue-last-sync"][data-status="${status}"]`);

const documents = () =>
  app.strapi.documents(MERCHANT_OFFER_UID as never) as unknown as {
    findFirst(params: unknown): Promise<Record<string, unknown> | null>;
  };

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
    BUTTON_ACCOUNTS_BASE_URL: sim.url,
    // The simulator serves the icons from 127.0.0.1, a private address the import refuses unless allowed.
    BUTTON_CATALOGUE_ICON_PRIVATE_HOSTS: 'true',
    BUTTON_CATALOGUE_SCHEDULE: '', // only on demand: the page starts never synced
    BUTTON_RECONCILIATION_SCHEDULE: '',
  });
  // A second locale, so each brand has a badge per locale (the seeded entries are English only).
  await app.strapi.plugin('i18n').service('locales').create({ code: 'fr', name: 'French (fr)' });
  await new Promise<void>((resolve, reject) => {
    app.strapi.server.httpServer.once('error', reject);
    app.strapi.server.httpServer.listen(port, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
  // The brands' icons come from the simulator (its own test certificate) and from a host the admin's default
  // Content-Security-Policy does not list in img-src: this context shows them as an app that allows Button's icon
  // host would. The read-only role's context below keeps both, and sees the fallbacks.
  context = await browser.browser.newContext({
    viewport: { width: 1440, height: 1000 },
    locale: 'en-US',
    ignoreHTTPSErrors: true,
    bypassCSP: true,
  });
  context.setDefaultTimeout(30_000);
}, 600_000);

afterEach(async () => {
  sim?.faults.clear();
  await Promise.all(openPages.splice(0).map((page) => page.close().catch(() => undefined)));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  if (app) {
    const files = await uploadedFiles(app.strapi);
    await new Promise<void>((resolve) =>
      app.strapi.server.httpServer.listening ? app.strapi.server.httpServer.close(() => resolve()) : resolve()
    );
    await app.stop();
    removeFiles(files);
  }
  await sim?.stop();
});

it('explains a catalogue never synced, then syncs it now: running, then succeeded with the brands added', async () => {
  const page = await adminPage('/merchants');
  await page.getByTestId('catalogue-never-synced').waitFor();
  await page.getByTestId('catalogue-empty').waitFor();
  expect(await page.getByTestId('catalogue-sync-schedule').textContent()).toContain('Not scheduled');
  // What Button's offers include stays visible below, catalogue or not.
  await page.getByTestId('seen-merchants').waitFor();

  // Each page of Button's Merchants API is slow, so the sync is seen running (and the page polling) before it ends.
  sim.faults.set({ rules: [{ kind: 'delay', route: 'merchants', delayMs: 1_500 }] });
  const syncNow = page.getByTestId('catalogue-sync-now');
  await syncNow.click();
  await lastSync(page, 'running').waitFor();
  expect(await page.getByTestId('catalogue-sync-status').textContent()).toBe('Running');
  expect(await syncNow.isDisabled()).toBe(true);

  await lastSync(page, 'succeeded').waitFor(); // no reload: the history is read every 2 s while the sync runs
  expect(await page.getByTestId('catalogue-sync-added').textContent()).toBe(String(MERCHANTS.length));
  expect(await page.getByTestId('catalogue-sync-removed').textContent()).toBe('0');
  expect(await syncNow.isDisabled()).toBe(false);
  expect(await page.getByTestId('catalogue-never-synced').count()).toBe(0);

  // The workspace is read again when the sync ends: every brand, its icon, its entry per locale.
  await brandRow(page, UNMAPPED.merchant_id).waitFor();
  expect((await listedBrands(page)).sort()).toEqual(MERCHANTS.map((merchant) => merchant.merchant_id).sort());
  expect(await page.getByTestId('catalogue-count-total').textContent()).toContain(String(MERCHANTS.length));
  const northwind = brandRow(page, NORTHWIND.merchant_id);
  expect(await northwind.getByTestId('brand-name').textContent()).toBe(NORTHWIND.name);
  expect(await northwind.getByTestId('brand-locale-en').getAttribute('data-state')).toBe('published');
  expect(await northwind.getByTestId('brand-locale-en').textContent()).toBe('en: Published');
  expect(await northwind.getByTestId('brand-locale-fr').textContent()).toBe('fr: Missing');
  expect(await northwind.getAttribute('data-mapping')).toBe('partial');
  const unmapped = brandRow(page, UNMAPPED.merchant_id);
  expect(await unmapped.getByTestId('brand-locale-en').getAttribute('data-state')).toBe('missing');
  expect(await unmapped.getAttribute('data-mapping')).toBe('unmapped');
  // Served by the plugin as a data URL, not loaded from the icon host by the browser.
  const icon = northwind.getByTestId('brand-icon');
  await icon.waitFor();
  expect(await icon.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
  // Loaded, not just requested: the simulator's 16x16 PNG (a string: the tests compile without the DOM lib).
  await page.waitForFunction(
    `(() => { const img = document.querySelector('[data-testid="catalogue-row-${NORTHWIND.merchant_id}"] img');
      return img !== null && img.complete && img.naturalWidth === 16; })()`
  );
});

it('searches by name or id and filters by mapping and by offered recently', async () => {
  // Button's offers included Maple Grocers a moment ago (what the offers endpoint records for every answer).
  app.strapi.plugin('button-personalization').service('merchants').recordSeen([MAPLE.merchant_id]);
  const page = await adminPage('/merchants');
  await brandRow(page, UNMAPPED.merchant_id).waitFor();

  const search = page.getByLabel('Search brands');
  await search.fill(MAPLE.name.slice(0, 5).toLowerCase());
  await brandRow(page, NORTHWIND.merchant_id).waitFor({ state: 'detached' });
  expect(await listedBrands(page)).toEqual([MAPLE.merchant_id]);
  await search.fill(UNMAPPED.merchant_id);
  await brandRow(page, MAPLE.merchant_id).waitFor({ state: 'detached' });
  expect(await listedBrands(page)).toEqual([UNMAPPED.merchant_id]);
  await search.fill('no such brand');
  await page.getByText('No brand matches these filters.').waitFor();
  await search.fill('');
  await brandRow(page, NORTHWIND.merchant_id).waitFor();

  await page.getByRole('combobox', { name: 'Mapping', exact: true }).click();
  await page.getByRole('option', { name: 'No entry', exact: true }).click();
  await brandRow(page, NORTHWIND.merchant_id).waitFor({ state: 'detached' });
  expect(await listedBrands(page)).toEqual([UNMAPPED.merchant_id]);

  await page.reload();
  await brandRow(page, NORTHWIND.merchant_id).waitFor();
  await page.getByRole('combobox', { name: 'Offered by Button' }).click();
  await page.getByRole('option', { name: 'Offered recently', exact: true }).click();
  await brandRow(page, NORTHWIND.merchant_id).waitFor({ state: 'detached' });
  expect(await listedBrands(page)).toEqual([MAPLE.merchant_id]);
  const offered = brandRow(page, MAPLE.merchant_id).getByTestId('brand-offered');
  expect(await offered.getAttribute('data-recently')).toBe('true');
  expect(await offered.textContent()).toMatch(/^Recently, last /);
});

it('creates an entry prefilled from the catalogue, then links to it in the Content Manager', async () => {
  const brand = sim.catalogue.get(UNMAPPED.merchant_id)!;
  const page = await adminPage('/merchants');
  const row = brandRow(page, UNMAPPED.merchant_id);
  await row.getByTestId('brand-create').click();
  await page.getByText(`Draft entry created for ${brand.name}`).waitFor();
  const edit = row.getByTestId('brand-edit');
  await edit.waitFor(); // the row now links to its entry
  expect(await row.getByTestId('brand-locale-en').getAttribute('data-state')).toBe('draft');

  // In the database: a draft named after the brand, the homepage as its CTA URL, the catalogue's terms.
  const entry = await documents().findFirst({ filters: { merchant_id: UNMAPPED.merchant_id }, locale: 'en', status: 'draft' });
  expect(entry).toMatchObject({ name: brand.name, cta_url: brand.urls.homepage, publishedAt: null });
  expect(entry!.terms).toContain(`Purchases are reported within ${brand.terms_and_conditions.reporting_window_days} days.`);

  await edit.click();
  await page.waitForURL(/\/content-manager\/collection-types\/plugin::button-personalization\.merchant-offer\/[a-z0-9]+/);
  // merchant_id is the picker (a combobox) since the picker landed.
  const merchantField = page.getByRole('combobox', { name: /^merchant_id/i });
  await merchantField.waitFor();
  expect(await merchantField.inputValue()).toBe(UNMAPPED.merchant_id);
  expect(await page.locator('input[name="name"]').inputValue()).toBe(brand.name);
});

it("imports the brand's icon into the Media Library as the entry's logo", async () => {
  const page = await adminPage('/merchants');
  const row = brandRow(page, UNMAPPED.merchant_id);
  await row.getByTestId('brand-import-icon').click();
  await page.getByText(`${UNMAPPED.name}'s icon is in the Media Library and is now its entry's logo.`).waitFor();

  const files = (await app.strapi.db.query('plugin::upload.file').findMany({})) as Array<{
    id: number;
    name: string;
    mime: string;
  }>;
  const imported = files.find((file) => file.name.includes(UNMAPPED.merchant_id));
  expect(imported).toMatchObject({ mime: 'image/png' });
  const entry = await documents().findFirst({
    filters: { merchant_id: UNMAPPED.merchant_id },
    locale: 'en',
    status: 'draft',
    populate: ['logo'],
  });
  expect(entry!.logo).toMatchObject({ id: imported!.id });

  // The Media Library lists it.
  await page.goto(`${baseUrl}/admin/plugins/upload`);
  await page.getByText(imported!.name).first().waitFor();
  await shot(page, 'catalogue-workspace-media-library');
});

it('flags a brand that left the catalogue while its entry remains, and explains a refused icon', async () => {
  sim.catalogue.remove(NORTHWIND.merchant_id);
  // Maple's icon becomes an SVG (with a script): the import refuses it.
  sim.catalogue.put({ id: MAPLE.merchant_id, icon_url: `${sim.url}/__simulator/icons/samples/vector.svg` });
  const page = await adminPage('/merchants');
  await page.getByTestId('catalogue-sync-now').click();
  await lastSync(page, 'succeeded')
    .filter({ has: page.getByTestId('catalogue-sync-removed').filter({ hasText: '1' }) })
    .waitFor();
  expect(await page.getByTestId('catalogue-sync-changed').textContent()).toBe('1');

  const northwind = brandRow(page, NORTHWIND.merchant_id);
  await northwind.getByTestId('brand-removed').waitFor();
  expect(await northwind.getAttribute('data-status')).toBe('removed');
  expect(await northwind.getByTestId('brand-flagged').textContent()).toBe('Entry to review');
  expect(await page.getByTestId('catalogue-count-flagged').textContent()).toContain('1');

  // The workspace does not show the SVG either: the server refuses it as the import does, and the row has its initial.
  await brandRow(page, MAPLE.merchant_id).getByTestId('brand-icon-fallback').waitFor();
  await brandRow(page, MAPLE.merchant_id).getByTestId('brand-import-icon').click();
  const refusal = page.getByTestId('catalogue-icon-error');
  await refusal.waitFor();
  expect(await refusal.getAttribute('data-code')).toBe('ICON_TYPE_REFUSED');
  expect(await refusal.textContent()).toContain('is not a PNG, JPEG, WebP or GIF image');

  await page.getByRole('combobox', { name: 'Partnership' }).click();
  await page.getByRole('option', { name: 'Removed', exact: true }).click();
  await brandRow(page, MAPLE.merchant_id).waitFor({ state: 'detached' });
  expect(await listedBrands(page)).toEqual([NORTHWIND.merchant_id]);
  await page.reload();
  await brandRow(page, UNMAPPED.merchant_id).waitFor();
  await shot(page, 'catalogue-workspace');
});

it('ends a sync failed with its message while the catalogue is unreachable, and still lists the stored brands', async () => {
  const page = await adminPage('/merchants');
  await brandRow(page, UNMAPPED.merchant_id).waitFor();
  sim.faults.set({ rules: [{ kind: 'status', status: 503, route: 'merchants' }] });
  await page.getByTestId('catalogue-sync-now').click();
  await lastSync(page, 'failed').waitFor();
  expect(await page.getByTestId('catalogue-sync-status').textContent()).toBe('Failed');
  const message = page.getByTestId('catalogue-sync-message');
  expect(await message.textContent()).toContain('The last sync failed');
  expect(((await message.textContent()) ?? '').length).toBeGreaterThan('The last sync failed'.length + 20);
  // The workspace answers from what is stored.
  expect((await listedBrands(page)).sort()).toEqual(MERCHANTS.map((merchant) => merchant.merchant_id).sort());
  await shot(page, 'catalogue-workspace-unreachable');
});

it('shows a role holding only read the workspace, without Sync now, Create entry or Import icon', async () => {
  const reader = await createAdminUserWithPermissions(app.strapi, 'E2E catalogue readers', [
    { action: 'plugin::button-personalization.read' },
  ]);
  const readerContext = await newContext(browser.browser);
  try {
    const readerPage = await readerContext.newPage();
    await logIn(readerPage, baseUrl, reader);
    await readerPage.goto(`${baseUrl}${PLUGIN}/merchants`);
    const row = brandRow(readerPage, MAPLE.merchant_id);
    await row.waitFor();
    await readerPage.getByTestId('catalogue-last-sync').waitFor();
    expect(await readerPage.getByTestId('catalogue-sync-now').count()).toBe(0);
    expect(await readerPage.getByTestId('brand-create').count()).toBe(0);
    expect(await readerPage.getByTestId('brand-import-icon').count()).toBe(0);
    // Under the admin's own Content-Security-Policy (this context does not bypass it), the icons show: the plugin
    // serves them as data URLs, which Strapi's default img-src allows.
    await readerPage.waitForFunction(
      `(() => { const img = document.querySelector('[data-testid="catalogue-row-${UNMAPPED.merchant_id}"] img');
        return img !== null && img.complete && img.naturalWidth === 16; })()`
    );
    // Maple's icon is the SVG the server refuses (the test above): its initial, never the SVG.
    await row.getByTestId('brand-icon-fallback').waitFor();
    expect(await row.locator('img').count()).toBe(0);
    // The server refuses them too.
    const auth = `Bearer ${await adminToken(app, reader)}`;
    expect((await app.http().post('/button-personalization/catalogue/syncs').set('Authorization', auth)).status).toBe(403);
    expect(
      (await app.http().post(`/button-personalization/catalogue/${MAPLE.merchant_id}/entry`).set('Authorization', auth)).status
    ).toBe(403);
  } finally {
    await readerContext.close();
  }
});

it('publishes the screenshots for the README', () => {
  expect(SCREENS).toEqual(expect.arrayContaining(['catalogue-workspace', 'catalogue-workspace-unreachable']));
  publishScreenshots(['catalogue-workspace', 'catalogue-workspace-unreachable']);
});
