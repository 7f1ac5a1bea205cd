import type { Page } from 'playwright-core';
import { createAdminUserWithPermissions } from '../helpers/admin-users';
import { MERCHANTS, offersFor, userWithEveryMerchant } from '../helpers/simulator';
import { startE2eApp, type E2eApp } from './helpers/app';
import { dismissStrapiBanner, logIn, newContext, publishScreenshots, screenshot } from './helpers/browser';

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

let e2e: E2eApp;

/** The edit view of the seeded entry for MERCHANT, as the given admin. */
async function editView(page: Page, credentials: { email: string; password: string }): Promise<void> {
  await logIn(page, e2e.baseUrl, credentials);
  await dismissStrapiBanner(page);
  const entry = (await e2e.app.strapi.documents(MERCHANT_OFFER_UID as never).findFirst({
    filters: { merchant_id: MERCHANT.merchant_id },
  } as never)) as { documentId: string };
  await page.goto(
    `${e2e.baseUrl}/admin/content-manager/collection-types/${MERCHANT_OFFER_UID}/${entry.documentId}?plugins[i18n][locale]=en`
  );
  await page.getByRole('textbox', { name: /^name/i }).first().waitFor();
}

beforeAll(async () => {
  e2e = await startE2eApp({ admin: ADMIN });
}, 600_000);

afterAll(async () => {
  await e2e?.stop();
});

it("shows Button's live offer for a test user, headlined with the template being edited (unsaved), and its pubRef", async () => {
  const page = await e2e.context.newPage();
  await editView(page, ADMIN);
  const panel = page.getByText('Live offer from Button');
  await panel.waitFor();

  // An unsaved edit of the template: the panel fills it, the saved entry is untouched.
  const template = page.getByRole('textbox', { name: /^headline_template/i }).first();
  await template.fill('Tonight only: {rate} back at {name}');
  const userId = userWithEveryMerchant('panel');
  await page.getByLabel('Test user id').fill(userId);
  const callsBefore = e2e.sim.stats().requestsReceived;
  await page.getByRole('button', { name: 'Show the live offer' }).click();

  const offers = page.getByTestId('live-offer');
  await offers.first().waitFor();
  const expected = offersFor(userId).find((entry) => entry.merchant_id === MERCHANT.merchant_id)!;
  expect(await offers.count()).toBe(expected.offers.length);
  const text = (await offers.first().textContent()) ?? '';
  expect(text).toContain(expected.offers[0]!.id);
  expect(text).toMatch(/Tonight only: .+ back at /);
  expect(text).toMatch(/pubRef: b2~/);
  expect(e2e.sim.stats().requestsReceived).toBe(callsBefore + 1); // called for real, once, on demand
  await screenshot(page, 'live-offer-panel');
  publishScreenshots(['live-offer-panel']);

  const saved = (await e2e.app.strapi.documents(MERCHANT_OFFER_UID as never).findFirst({
    filters: { merchant_id: MERCHANT.merchant_id },
  } as never)) as unknown as { headline_template: string | null };
  expect(saved.headline_template ?? '').not.toContain('Tonight only');
  await page.close();
});

it('shows no panel to a role that may edit merchant offers but not run previews', async () => {
  const editor = await createAdminUserWithPermissions(e2e.app.strapi, 'Panel Editor', [
    { action: 'plugin::content-manager.explorer.read', subject: MERCHANT_OFFER_UID, properties: { locales: ['en'] } },
    { action: 'plugin::content-manager.explorer.update', subject: MERCHANT_OFFER_UID, properties: { locales: ['en'] } },
    { action: 'plugin::button-personalization.read' },
  ]);
  const editorContext = await newContext(e2e.browser.browser);
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
