import type { Page, Response } from 'playwright-core';
import type { OffersResponse } from '../../server/src/contracts/offers';
import { PUBREF_SECRET } from '../helpers/ledger';
import { startE2eApp, type E2eApp } from './helpers/app';
import { publishScreenshots, screenshot } from './helpers/browser';

// Plain JavaScript modules of the playground: the seed's defaults are what the page is prefilled with.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const seed = require('../../playground/src/seed') as { DEFAULT_END_USER_EMAIL: string; DEFAULT_END_USER_PASSWORD: string };

/**
 * The demo's example frontend (playground/public/example, served by Strapi's public folder at /example/) in a
 * real browser: the seeded playground (merchant entries with logos, the demo end user, the Authenticated role
 * allowed to fetch its own offers) talking to the Button simulator over HTTPS. The page signs in through
 * Users & Permissions and asks for the user's own offers; a tap shows the pubRef it would hand to Button's SDK.
 */
jest.setTimeout(180_000);

const OFFERS_PATH = '/api/button-personalization/offers';

let e2e: E2eApp;

const isOffersAnswer = (response: Response) => response.url().endsWith(OFFERS_PATH) && response.request().method() === 'POST';

async function openPage(): Promise<Page> {
  const page = await e2e.context.newPage();
  await page.goto(`${e2e.baseUrl}/example/`);
  await page.getByRole('form', { name: 'Sign in' }).waitFor();
  return page;
}

/**
 * Signs in with the prefilled demo user and returns the offers answer the page rendered. The per-user fair use
 * (30 a minute: a burst of one, then one about every two seconds) may refuse the first ask when the test before
 * asked moments ago: the page then says when to retry and re-enables Refresh after Retry-After, as a user would.
 */
async function signIn(page: Page): Promise<OffersResponse> {
  let answer = page.waitForResponse(isOffersAnswer);
  await page.getByRole('button', { name: 'Sign in' }).click();
  let response = await answer;
  if (response.status() === 429) {
    answer = page.waitForResponse(isOffersAnswer);
    await page.getByRole('button', { name: 'Refresh offers' }).click(); // waits until it is enabled again
    response = await answer;
  }
  expect(response.status()).toBe(200);
  const body = (await response.json()) as OffersResponse;
  await page.getByRole('list', { name: 'Merchants' }).waitFor();
  await page
    .getByRole('status')
    .filter({ hasText: /offers? from \d+ merchants/ })
    .waitFor();
  return body;
}

beforeAll(async () => {
  // The example frontend is all this suite opens: no admin panel to build.
  e2e = await startE2eApp({ buildAdmin: false, env: { BUTTON_PUBREF_SECRET: PUBREF_SECRET } });
}, 600_000);

afterAll(async () => {
  await e2e?.stop();
});

it('is served by Strapi at /example/, prefilled with the demo end user', async () => {
  const page = await openPage();
  expect(await page.getByLabel('Email').inputValue()).toBe(seed.DEFAULT_END_USER_EMAIL);
  expect(await page.getByLabel('Password').inputValue()).toBe(seed.DEFAULT_END_USER_PASSWORD);
  await page.close();
});

it('says so in plain words when the password is wrong', async () => {
  const page = await openPage();
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.filter({ hasText: 'That email and password do not match an account' }).waitFor();
  expect(await page.getByRole('list', { name: 'Merchants' }).isVisible()).toBe(false);
  await page.close();
});

it("signs in, shows the user's live offers with logos, headlines and rates, and on a tap the pubRef for Button's SDK", async () => {
  const page = await openPage();
  const body = await signIn(page);
  expect(await page.getByRole('form', { name: 'Sign in' }).isVisible()).toBe(false);
  expect(await page.getByText('Signed in as demo-user@example.com').isVisible()).toBe(true);
  const mapped = body.data.filter((entry) => entry.merchant !== null);
  expect(mapped.length).toBeGreaterThanOrEqual(2);

  for (const entry of mapped) {
    const card = page.getByRole('listitem', { name: entry.merchant!.name, exact: true });
    await card.waitFor();
    // The seeded logo, loaded from Strapi's uploads (a broken image has no natural width).
    expect(entry.merchant!.logo?.url).toMatch(/^\/uploads\//);
    const logo = card.getByRole('img');
    await logo.waitFor();
    // A string: the tests compile without the DOM lib.
    const loadedWidth = `(() => { const img = document.querySelector('img[src="${e2e.baseUrl}${entry.merchant!.logo!.url}"]'); return img.complete ? img.naturalWidth : 0; })()`;
    await page.waitForFunction(loadedWidth);
    expect(await page.evaluate<number>(loadedWidth)).toBeGreaterThan(0);
    expect(await logo.getAttribute('src')).toBe(`${e2e.baseUrl}${entry.merchant!.logo!.url}`);
    for (const offer of entry.offers) {
      const button = card.locator(`[data-offer-id="${offer.id}"]`);
      expect(offer.headline).toBeTruthy();
      const text = (await button.textContent()) ?? '';
      expect(text).toContain(offer.headline!);
      if (offer.rate_percent !== null) expect(text).toContain(`${offer.rate_percent}% back`);
      else expect(text).toMatch(/back/);
    }
  }

  const entry = mapped[0];
  const offer = entry.offers[0];
  await page.locator(`[data-offer-id="${offer.id}"]`).click();
  const handoff = page.getByRole('complementary', { name: "Handed to Button's SDK" });
  await handoff.waitFor();
  await page.getByTestId('pub-ref').waitFor(); // shown on the tap (a hint before)
  const pubRef = ((await page.getByTestId('pub-ref').textContent()) ?? '').trim();
  expect(pubRef).toMatch(/^b2~/);
  expect(pubRef).toBe(offer.pub_ref);
  expect(await page.getByTestId('cta-url').textContent()).toBe(entry.merchant!.cta_url);
  const snippet = (await page.getByTestId('sdk-snippet').textContent()) ?? '';
  expect(snippet).toContain(`request.pubRef = "${offer.pub_ref}"`);
  expect(snippet).toContain('Button.purchasePath.fetch');
  expect(await page.locator(`[data-offer-id="${offer.id}"]`).getAttribute('aria-pressed')).toBe('true');

  // The whole page from the top, as tall as its content, with no hover effect under the pointer.
  await page.mouse.move(0, 0);
  await page.evaluate('window.scrollTo(0, 0)');
  await page.setViewportSize({ width: 1280, height: 640 });
  await page.setViewportSize({ width: 1280, height: await page.evaluate<number>('document.documentElement.scrollHeight') });
  await screenshot(page, 'example-frontend');
  publishScreenshots(['example-frontend']);
  await page.close();
});

it('keeps the JWT out of web storage', async () => {
  const page = await openPage();
  await signIn(page);
  expect(await page.evaluate<number>('localStorage.length + sessionStorage.length')).toBe(0);
  await page.close();
});

it('tells the user when to try again once their fair-use allowance is spent, then lets them', async () => {
  const page = await openPage();
  await signIn(page);
  // The default per-user fair use allows one ask about every two seconds: an immediate refresh is refused.
  const refused = page.waitForResponse(isOffersAnswer);
  await page.getByRole('button', { name: 'Refresh offers' }).click();
  const response = await refused;
  expect(response.status()).toBe(429);
  const retryAfter = Number(await response.headerValue('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  await page
    .getByRole('alert')
    .filter({ hasText: new RegExp(`^Too many requests for your offers\\. Try again in ${retryAfter} seconds?\\.$`) })
    .waitFor();
  // Asking again before Retry-After would only be refused: Refresh waits, then works.
  expect(await page.getByRole('button', { name: 'Refresh offers' }).isDisabled()).toBe(true);
  const answered = page.waitForResponse(isOffersAnswer);
  await page.getByRole('button', { name: 'Refresh offers' }).click();
  expect((await answered).status()).toBe(200);
  await page
    .getByRole('status')
    .filter({ hasText: /offers? from \d+ merchants/ })
    .waitFor();
  expect(await page.getByRole('alert').isVisible()).toBe(false);
  await page.close();
});
