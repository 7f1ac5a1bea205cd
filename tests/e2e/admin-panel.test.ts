import type { Page } from 'playwright-core';
import { CLICK_ID_LENGTH, formatPubRef, type ShownRate } from '../../server/src/pub-ref/format';
import { createWebhookSender } from '../../simulator';
import { adminToken, createAdminUser, createAdminUserWithPermissions } from '../helpers/admin-users';
import { PUBREF_SECRET, WEBHOOK_PATH, WEBHOOK_SECRET } from '../helpers/ledger';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis';
import { MERCHANTS, userWithEveryMerchant } from '../helpers/simulator';
import { PLUGIN, startE2eApp, type E2eApp } from './helpers/app';
import { logIn, newContext, publishScreenshots, recordScreenshots } from './helpers/browser';

/**
 * The admin panel in a real browser: Debian's Chromium driven by playwright-core against the built playground
 * (the current plugin admin) running on a real port, talking to the Button simulator over HTTPS. Each test sets
 * up what it needs (its own page in the admin's logged-in context, its own pubRef, webhooks and unmapped
 * merchant), so one failing step does not fail the ones after it. The order only matters where a test breaks
 * something on purpose (the simulator outage opens the breaker): such tests come last.
 */
jest.setTimeout(180_000);

const ADMIN = { email: 'e2e-admin@example.com', password: 'E2e-Admin-Password-1' };
const USER = userWithEveryMerchant();
// The playground seeds entries for every catalogue merchant but the last: that one is unmapped.
const UNMAPPED = MERCHANTS[MERCHANTS.length - 1].merchant_id;
const { names: SCREENS, shot } = recordScreenshots();

let redis: PrivateRedis;
let e2e: E2eApp;

/** A pubRef served to USER right now, through the admin preview route (a real call to the simulator). */
async function servedPubRef(): Promise<string> {
  const res = await e2e.app
    .http()
    .post('/button-personalization/preview')
    .set('Authorization', `Bearer ${await e2e.adminApiToken()}`)
    .send({ user_id: USER });
  expect(res.status).toBe(200);
  const pubRef = (res.body.data as Array<{ offers: Array<{ pub_ref: string }> }>)[0]?.offers[0]?.pub_ref;
  expect(pubRef).toMatch(/^b2~/);
  return pubRef as string;
}

/** A merchant Button "returned" for this test only: in the registry, with no CMS entry (so unmapped). */
function unmappedMerchant(merchantId: string): string {
  e2e.app.strapi.plugin('button-personalization').service('merchants').recordSeen([merchantId]);
  return merchantId;
}

/** Runs the live preview for USER on `page` (already on the preview tab) and returns the first pubRef shown. */
async function runPreview(page: Page): Promise<string> {
  await page.getByLabel('User id').fill(USER);
  await page.getByRole('button', { name: 'Run preview' }).click();
  await page.getByTestId('preview-result').waitFor();
  const pubRef = ((await page.getByTestId('preview-pub-ref').first().textContent()) ?? '').trim();
  expect(pubRef).toMatch(/^b2~/);
  return pubRef;
}

beforeAll(async () => {
  redis = await startPrivateRedis(); // the app's own, so a test can take it away
  e2e = await startE2eApp({
    admin: ADMIN,
    env: {
      BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET,
      BUTTON_PUBREF_SECRET: PUBREF_SECRET,
      // A breaker that opens after a handful of failures and stays open while the test looks at it.
      BUTTON_RETRY_MAX_ATTEMPTS: '1',
      BUTTON_BREAKER_MIN_REQUESTS: '4',
      BUTTON_BREAKER_HALF_OPEN_AFTER_MS: '600000',
      BUTTON_REDIS_URL: redis.url,
      BUTTON_REDIS_RETRY_AFTER_MS: '500',
      BUTTON_RATE_LIMIT_EXPECTED_INSTANCES: '2',
    },
  });
}, 600_000);

afterEach(async () => {
  // Each test's pages go with it (the context, and so the login, stays).
  await e2e?.closePages();
});

afterAll(async () => {
  await e2e?.stop();
  await redis?.stop();
});

it('logs in through the real login form and shows the plugin in the menu', async () => {
  const page = await e2e.adminPage();
  await page.locator(`nav a[href$="/plugins/button-personalization"]`).first().waitFor();
});

it('runs a live preview: merged offers, headlines and pubRefs, with upstream time and attempts', async () => {
  const page = await e2e.adminPage('/preview');
  await page.getByRole('tab', { name: 'Live preview' }).waitFor();
  await runPreview(page);
  const result = page.getByTestId('preview-result');
  expect(await page.getByTestId('preview-attempts').textContent()).toContain('1');
  expect(await page.getByTestId('preview-upstream-ms').textContent()).toMatch(/\d+ ms/);
  // Every catalogue merchant but the unmapped one is served, with a headline from its entry.
  expect(await page.getByTestId('preview-merchants').textContent()).toContain(String(MERCHANTS.length - 1));
  await page
    .getByText(/back at/)
    .first()
    .waitFor();
  expect(await result.textContent()).toContain(UNMAPPED); // listed as left out
  await shot(page, 'preview');
});

it('decodes a pubRef from the preview: unverifiable without the user, valid for the user it was served to', async () => {
  const page = await e2e.adminPage('/preview');
  const pubRef = await runPreview(page);
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
  expect(await page.getByTestId('pub-ref-rate').textContent()).toMatch(/^(?!.*undefined).*\d/); // 6.4% or $1.50
  // And a test pubRef built from chosen fields, for a user.
  await page.getByLabel('User id', { exact: false }).last().fill('user-e2e');
  await page.getByLabel('Offer id', { exact: false }).last().fill('offer-e2e-test');
  await page.getByLabel('Rate', { exact: true }).fill('7.5');
  await page.getByRole('button', { name: 'Build' }).click();
  await page.getByTestId('built-pub-ref').filter({ hasText: 'offer-e2e-test' }).waitFor();
  await shot(page, 'pub-refs');
});

it('shows every rate kind a pubRef can carry: percent, fixed amount, none and unrepresentable', async () => {
  const page = await e2e.adminPage('/pub-refs');
  const rateShown = async (offerId: string) => {
    await page.getByTestId('pub-ref-offer-id').filter({ hasText: offerId }).waitFor();
    const text = ((await page.getByTestId('pub-ref-rate').textContent()) ?? '').trim();
    expect(text).not.toMatch(/undefined|null|NaN/);
    return text;
  };

  // Decoding prepared (unsigned) pubRefs, one per kind the format carries.
  const prepared: Array<[ShownRate, string]> = [
    [{ kind: 'percent', value: '6.4' }, '6.4%'],
    [{ kind: 'fixed', value: '1.00', currency: 'USD' }, '$1.00'],
    [{ kind: 'fixed', value: '1.5', currency: 'EUR' }, '€1.50'],
    [{ kind: 'none' }, 'No rate (the offer had none)'],
    [{ kind: 'unrepresentable' }, 'Not carried (too long for the pubRef)'],
  ];
  for (const [index, [rate, expected]] of prepared.entries()) {
    const offerId = `offer-prepared-${index}-${rate.kind}`;
    const clickId = `e2e${index}`.padEnd(CLICK_ID_LENGTH, 'A');
    const pubRef = formatPubRef({ clickId, issuedAtSeconds: Math.floor(Date.now() / 1000), offerId, rate }, '');
    await page.getByLabel('pubRef', { exact: true }).fill(pubRef);
    await page.getByRole('button', { name: 'Decode', exact: true }).click();
    expect(await rateShown(offerId)).toBe(expected);
  }

  // Building: the form's three kinds, and a rate too long to carry (Button's decimals are not bounded).
  const built: Array<[string, string, string]> = [
    ['Fixed amount', '1.00', '$1.00'],
    ['Percent', '6.4', '6.4%'],
    ['No rate', '', 'No rate (the offer had none)'],
    ['Percent', '1.234567890123456789', 'Not carried (too long for the pubRef)'],
  ];
  await page.getByLabel('User id', { exact: false }).last().fill(USER);
  for (const [index, [kind, rate, expected]] of built.entries()) {
    const offerId = `offer-built-${index}`;
    await page.getByLabel('Offer id', { exact: false }).last().fill(offerId);
    await page.getByRole('radio', { name: kind }).click();
    if (rate) await page.getByLabel('Rate', { exact: true }).fill(rate);
    await page.getByRole('button', { name: 'Build' }).click();
    await page.getByTestId('built-pub-ref').filter({ hasText: offerId }).waitFor();
    await page.getByRole('button', { name: 'Decode it above' }).click();
    expect(await rateShown(offerId)).toBe(expected);
    expect(await page.getByTestId('pub-ref-signature').textContent()).toBe('Valid for this user');
  }
});

it("shows a transaction sent by the simulator's webhooks in Commissions, with its event history", async () => {
  const pubRef = await servedPubRef();
  const sender = createWebhookSender({ url: `${e2e.baseUrl}${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET });
  // Served to USER, bought by USER; then a later tx-pending that would move the validated transaction back.
  const result = await sender.lifecycle({ pubRef, final: 'validated', amount: 420, customerId: USER, regress: true });
  expect(result.reports.every((report) => report.delivered)).toBe(true);
  const transactionId = result.transactionId;

  const page = await e2e.adminPage('/commissions');
  const row = page.getByTestId(`commission-row-${transactionId}`);
  await row.waitFor();
  expect(await row.textContent()).toContain('Validated');
  expect(await row.textContent()).toContain('$4.20');
  expect(await row.textContent()).toContain('Signed, valid for this user');
  expect(await page.getByTestId(`conflicts-${transactionId}`).textContent()).toBe('1 conflict');
  await page.getByTestId('totals-by-status').filter({ hasText: 'Validated' }).waitFor();
  await shot(page, 'commissions');
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
  await shot(page, 'commission-detail');
});

it("disables Create entry for a role with the plugin's read action but not the Content Manager's create", async () => {
  const merchantId = unmappedMerchant('org-e2e-reader-brand');
  const reader = await createAdminUserWithPermissions(e2e.app.strapi, 'E2E plugin readers', [
    { action: 'plugin::button-personalization.read' },
  ]);
  const readerContext = await newContext(e2e.browser.browser);
  try {
    const readerPage = await readerContext.newPage();
    await logIn(readerPage, e2e.baseUrl, reader);
    await readerPage.goto(`${e2e.baseUrl}${PLUGIN}/merchants`);
    const row = readerPage.getByTestId(`merchant-row-${merchantId}`);
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
  const merchantId = unmappedMerchant('org-e2e-new-brand');
  const page = await e2e.adminPage('/merchants');
  const row = page.getByTestId(`merchant-row-${merchantId}`);
  await row.getByTestId('merchant-status').filter({ hasText: 'Unmapped' }).waitFor();
  const unmapped = Number(/\d+/.exec((await page.getByTestId('merchants-count-unmapped').textContent()) ?? '')?.[0]);
  expect(unmapped).toBeGreaterThanOrEqual(1);
  await shot(page, 'merchants');

  await row.getByRole('button', { name: 'Create entry' }).click();
  await page.waitForURL(/\/content-manager\/collection-types\/plugin::button-personalization\.merchant-offer\/[a-z0-9]+/);
  const publish = page.getByRole('button', { name: 'Publish' });
  await publish.waitFor();
  expect(await page.locator('input[name="merchant_id"]').inputValue()).toBe(merchantId);
  await publish.click();
  await page
    .getByText(/Published/)
    .first()
    .waitFor();

  await page.goto(`${e2e.baseUrl}${PLUGIN}/merchants`);
  await row.getByTestId('merchant-status').filter({ hasText: 'Mapped' }).waitFor();
  await page
    .getByTestId('merchants-count-unmapped')
    .filter({ hasText: String(unmapped - 1) })
    .waitFor();
  await shot(page, 'merchants-after-publish');
});

it('shows the effective configuration with secrets masked and saves a runtime setting', async () => {
  const page = await e2e.adminPage('/settings');
  try {
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
    await shot(page, 'settings');
  } finally {
    // Back to the boot configuration, so no other test sees this one's setting.
    await e2e.app
      .http()
      .put('/button-personalization/settings')
      .set('Authorization', `Bearer ${await e2e.adminApiToken()}`)
      .send({});
  }
});

it('shows health: configuration status, a closed breaker, pool, latency chart and the webhook URL', async () => {
  await servedPubRef(); // a call to Button in the chart's window
  const page = await e2e.adminPage('/health');
  await page.getByTestId('breaker-state').filter({ hasText: 'Closed' }).waitFor();
  await page.getByTestId('latency-chart').waitFor();
  expect(await page.getByTestId('webhook-url').textContent()).toBe(`${e2e.baseUrl}${WEBHOOK_PATH}`);
  await shot(page, 'health');
});

it('shows whether the Button budget is shared through Redis, and a banner while Redis is unreachable', async () => {
  const page = await e2e.adminPage('/health');
  await page.getByTestId('shared-state-mode').filter({ hasText: 'Shared with every instance' }).waitFor();
  await redis.kill();
  try {
    // The page refreshes itself: no reload, no request to the offers endpoint needed.
    await page.getByTestId('shared-state-fallback').waitFor();
    await page.getByTestId('shared-state-mode').filter({ hasText: 'Redis unreachable' }).waitFor();
    expect(await page.getByTestId('shared-state-fallback').textContent()).toContain('2,500 calls a minute');
    await shot(page, 'health-redis-down');
  } finally {
    await redis.restart();
  }
  await page.getByTestId('shared-state-mode').filter({ hasText: 'Shared with every instance' }).waitFor();
  expect(await page.getByTestId('shared-state-fallback').count()).toBe(0);
});

// Leaves the breaker open (it half-opens after 10 minutes): keep it after every test that calls Button.
it('shows the breaker open, and a clear banner, while the simulator is down', async () => {
  e2e.sim.faults.set({ rules: [{ kind: 'status', status: 503, message: 'simulated outage' }] });
  try {
    const token = await e2e.adminApiToken();
    const { http } = e2e.app;
    const breakerState = async () =>
      (await http().get('/button-personalization/health').set('Authorization', `Bearer ${token}`)).body.data.breaker?.state;
    // Failed previews until the breaker has seen enough of them in its window (a count, never a timing).
    for (let i = 0; i < 40 && (await breakerState()) !== 'open'; i += 1) {
      await http().post('/button-personalization/preview').set('Authorization', `Bearer ${token}`).send({ user_id: USER });
    }
    expect(await breakerState()).toBe('open');

    const page = await e2e.adminPage('/health');
    await page.getByTestId('breaker-state').filter({ hasText: 'Open' }).waitFor();
    await page.getByTestId('upstream-down').waitFor();
    await page.getByTestId('last-errors').waitFor();
    await shot(page, 'health-down');

    await page.getByRole('tab', { name: 'Live preview' }).click();
    await page.getByLabel('User id').fill(USER);
    await page.getByRole('button', { name: 'Run preview' }).click();
    await page.getByRole('alert').filter({ hasText: 'Button is not answering' }).waitFor();
    await shot(page, 'preview-down');
  } finally {
    e2e.sim.faults.clear();
  }
});

it('hides the plugin from an editor without its permissions', async () => {
  const editor = await createAdminUser(e2e.app.strapi, 'e2e-editor@example.com', 'strapi-editor');
  const editorContext = await newContext(e2e.browser.browser);
  try {
    const editorPage = await editorContext.newPage();
    await logIn(editorPage, e2e.baseUrl, editor);
    await editorPage.locator('nav a[href$="/content-manager"]').first().waitFor();
    expect(await editorPage.locator('nav a[href$="/plugins/button-personalization"]').count()).toBe(0);
    // The API refuses them too (the integration suites check every route).
    const token = await adminToken(e2e.app, editor);
    const { http } = e2e.app;
    expect((await http().get('/button-personalization/merchants').set('Authorization', `Bearer ${token}`)).status).toBe(403);
  } finally {
    await editorContext.close();
  }
});

it('publishes the screenshots for the README', () => {
  expect(SCREENS).toEqual(
    expect.arrayContaining([
      'merchants',
      'preview',
      'pub-refs',
      'commissions',
      'commission-detail',
      'health',
      'health-down',
      'health-redis-down',
      'settings',
    ])
  );
  publishScreenshots(SCREENS);
});
