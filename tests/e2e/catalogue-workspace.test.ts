import type { Page } from 'playwright-core';
import { adminToken, createAdminUserWithPermissions } from '../helpers/admin-users';
import { MERCHANTS } from '../helpers/simulator';
import { PLUGIN, startE2eApp, type E2eApp } from './helpers/app';
import { logIn, newContext, publishScreenshots, recordScreenshots } from './helpers/browser';

/**
 * The Merchants page as the mapping workspace over Button's brand catalogue, in a real browser (Chromium through
 * playwright-core, the built playground on a real port, the simulator over HTTPS): never synced, Sync now (running,
 * then its counts), the brands with their icon and their entry per locale, search and filters, "create entry"
 * prefilled from the catalogue, the icon imported into the Media Library as the entry's logo (and a refused one), a
 * brand leaving the catalogue, the catalogue unreachable, and what a role holding only `read` sees.
 */
jest.setTimeout(180_000);

const ADMIN = { email: 'e2e-catalogue-admin@example.com', password: 'E2e-Catalogue-Password-1' };
const MERCHANT_OFFER_UID = 'plugin::button-personalization.merchant-offer';
const { names: SCREENS, shot } = recordScreenshots();
// The playground seeds a published English entry for every simulator merchant but the last.
const [NORTHWIND, , MAPLE] = MERCHANTS;
const UNMAPPED = MERCHANTS[MERCHANTS.length - 1];

let e2e: E2eApp;

const brandRow = (page: Page, merchantId: string) => page.getByTestId(`catalogue-row-${merchantId}`);
const listedBrands = (page: Page) =>
  page
    .locator('tr[data-testid^="catalogue-row-"]')
    .evaluateAll((rows) => rows.map((row) => (row.getAttribute('data-testid') ?? '').replace('catalogue-row-', '')));
const lastSync = (page: Page, status: string) => page.locator(`[data-testid="catalogue-last-sync"][data-status="${status}"]`);

const documents = () =>
  e2e.app.strapi.documents(MERCHANT_OFFER_UID as never) as unknown as {
    findFirst(params: unknown): Promise<Record<string, unknown> | null>;
  };

beforeAll(async () => {
  e2e = await startE2eApp({
    admin: ADMIN,
    env: (sim) => ({
      BUTTON_ACCOUNTS_BASE_URL: sim.url,
      // The simulator serves the icons from 127.0.0.1, a private address the import refuses unless allowed.
      BUTTON_CATALOGUE_ICON_PRIVATE_HOSTS: 'true',
      BUTTON_CATALOGUE_SCHEDULE: '', // only on demand: the page starts never synced
      BUTTON_RECONCILIATION_SCHEDULE: '',
    }),
    // A second locale, so each brand has a badge per locale (the seeded entries are English only).
    prepareApp: async (app) => {
      await app.strapi.plugin('i18n').service('locales').create({ code: 'fr', name: 'French (fr)' });
    },
    // No bypassCSP: the brands' icons must show under the admin's own Content-Security-Policy, as on a fresh install.
  });
}, 600_000);

afterEach(async () => {
  e2e?.sim.faults.clear();
  await e2e?.closePages();
});

afterAll(async () => {
  await e2e?.stop();
});

it('explains a catalogue never synced, then syncs it now: running, then succeeded with the brands added', async () => {
  const page = await e2e.adminPage('/merchants');
  await page.getByTestId('catalogue-never-synced').waitFor();
  await page.getByTestId('catalogue-empty').waitFor();
  expect(await page.getByTestId('catalogue-sync-schedule').textContent()).toContain('Not scheduled');
  // What Button's offers include stays visible below, catalogue or not.
  await page.getByTestId('seen-merchants').waitFor();

  // Each page of Button's Merchants API is slow, so the sync is seen running (and the page polling) before it ends.
  e2e.sim.faults.set({ rules: [{ kind: 'delay', route: 'merchants', delayMs: 1_500 }] });
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
  e2e.app.strapi.plugin('button-personalization').service('merchants').recordSeen([MAPLE.merchant_id]);
  const page = await e2e.adminPage('/merchants');
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
  const brand = e2e.sim.catalogue.get(UNMAPPED.merchant_id)!;
  const page = await e2e.adminPage('/merchants');
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
  const page = await e2e.adminPage('/merchants');
  const row = brandRow(page, UNMAPPED.merchant_id);
  await row.getByTestId('brand-import-icon').click();
  await page.getByText(`${UNMAPPED.name}'s icon is in the Media Library and is now its entry's logo.`).waitFor();

  const files = (await e2e.app.strapi.db.query('plugin::upload.file').findMany({})) as Array<{
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
  await page.goto(`${e2e.baseUrl}/admin/plugins/upload`);
  await page.getByText(imported!.name).first().waitFor();
  await shot(page, 'catalogue-workspace-media-library');
});

it('flags a brand that left the catalogue while its entry remains, and explains a refused icon', async () => {
  e2e.sim.catalogue.remove(NORTHWIND.merchant_id);
  // Maple's icon becomes an SVG (with a script): the import refuses it.
  e2e.sim.catalogue.put({ id: MAPLE.merchant_id, icon_url: `${e2e.sim.url}/__simulator/icons/samples/vector.svg` });
  const page = await e2e.adminPage('/merchants');
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
  const page = await e2e.adminPage('/merchants');
  await brandRow(page, UNMAPPED.merchant_id).waitFor();
  e2e.sim.faults.set({ rules: [{ kind: 'status', status: 503, route: 'merchants' }] });
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
  const reader = await createAdminUserWithPermissions(e2e.app.strapi, 'E2E catalogue readers', [
    { action: 'plugin::button-personalization.read' },
  ]);
  const readerContext = await newContext(e2e.browser.browser);
  try {
    const readerPage = await readerContext.newPage();
    await logIn(readerPage, e2e.baseUrl, reader);
    await readerPage.goto(`${e2e.baseUrl}${PLUGIN}/merchants`);
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
    const auth = `Bearer ${await adminToken(e2e.app, reader)}`;
    const { http } = e2e.app;
    expect((await http().post('/button-personalization/catalogue/syncs').set('Authorization', auth)).status).toBe(403);
    expect(
      (await http().post(`/button-personalization/catalogue/${MAPLE.merchant_id}/entry`).set('Authorization', auth)).status
    ).toBe(403);
  } finally {
    await readerContext.close();
  }
});

it('publishes the screenshots for the README', () => {
  expect(SCREENS).toEqual(expect.arrayContaining(['catalogue-workspace', 'catalogue-workspace-unreachable']));
  publishScreenshots(['catalogue-workspace', 'catalogue-workspace-unreachable']);
});
