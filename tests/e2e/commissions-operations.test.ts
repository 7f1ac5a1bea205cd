import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { adminToken, createAdminUserWithPermissions } from '../helpers/admin-users';
import { PUBREF_SECRET, WEBHOOK_SECRET, transaction, transactionsOf } from '../helpers/ledger';
import { PLUGIN, startE2eApp, type E2eApp } from './helpers/app';
import { logIn, newContext, publishScreenshots, recordScreenshots } from './helpers/browser';

/**
 * The Commissions page's operations in a real browser (Chromium through playwright-core, the built playground on
 * a real port, the simulator over HTTPS): reconciliation with Button's Transactions API (its configuration, the
 * run history, Run now and its "already running" answer), the CSV export with the page's filters, and erasing an
 * end user's data; and what a role holding only `read` sees. The ledger starts behind Button: the transactions
 * below are in the simulator's record, and no webhook ever delivered them.
 */
jest.setTimeout(180_000);

const ADMIN = { email: 'e2e-ops-admin@example.com', password: 'E2e-Ops-Password-1' };
const ERASED_USER = 'user-e2e-privacy-request';
const OTHER_USER = 'user-e2e-keeps-data';
const PAGE_SIZE = 2; // the simulator's transactions page: five transactions are three pages
const { names: SCREENS, shot } = recordScreenshots();

/** Button's record of five transactions in the last hours: two for the user who will ask for erasure. */
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const BEHIND = [
  { id: 'tx-e2e-ops-1', status: 'validated', customerId: ERASED_USER, merchantId: 'org-e2e-ops-a', amount: 420 },
  { id: 'tx-e2e-ops-2', status: 'pending', customerId: ERASED_USER, merchantId: 'org-e2e-ops-b', amount: 180 },
  { id: 'tx-e2e-ops-3', status: 'declined', customerId: OTHER_USER, merchantId: 'org-e2e-ops-a', amount: 90 },
  { id: 'tx-e2e-ops-4', status: 'validated', customerId: OTHER_USER, merchantId: 'org-e2e-ops-b', amount: 1250 },
  { id: 'tx-e2e-ops-5', status: 'validated', customerId: OTHER_USER, merchantId: 'org-e2e-ops-a', amount: 310 },
] as const;

let e2e: E2eApp;

const runRows = (page: Page, status?: string) =>
  page.locator(`tr[data-testid^="reconciliation-run-"]${status ? `[data-status="${status}"]` : ''}`);

/** The transaction ids the Commissions table shows. */
async function listedIds(page: Page): Promise<string[]> {
  const ids = await page
    .locator('[data-testid^="commission-row-"]')
    .evaluateAll((rows) => rows.map((row) => (row.getAttribute('data-testid') ?? '').replace('commission-row-', '')));
  return ids.sort();
}

beforeAll(async () => {
  e2e = await startE2eApp({
    admin: ADMIN,
    simulator: { transactionsPageSize: PAGE_SIZE },
    prepareSimulator: (sim) => {
      for (const [index, tx] of BEHIND.entries())
        sim.transactions.put(transaction({ ...tx, pubRef: null, modifiedDate: minutesAgo(90 - index * 10) }));
    },
    env: (sim) => ({
      BUTTON_ACCOUNTS_BASE_URL: sim.url,
      BUTTON_RECONCILIATION_ACCOUNT_ID: sim.accountId,
      BUTTON_RECONCILIATION_SCHEDULE: '', // only on demand: no scheduled run in the history
      BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET,
      BUTTON_PUBREF_SECRET: PUBREF_SECRET,
    }),
  });
}, 600_000);

afterEach(async () => {
  e2e?.sim.faults.clear();
  await e2e?.closePages();
});

afterAll(async () => {
  await e2e?.stop();
});

it('shows the reconciliation, runs it now (running, then succeeded with the added count) and lists what it added', async () => {
  const page = await e2e.adminPage('/commissions');
  await page.getByTestId('reconciliation-runs-empty').waitFor();
  expect(await page.getByTestId('reconciliation-account').textContent()).toBe(e2e.sim.accountId);
  expect(await page.getByTestId('reconciliation-schedule').textContent()).toBe('Not scheduled: only when run from here');
  await page.getByText('No commission yet').waitFor(); // the ledger is behind: no webhook arrived

  // Each page of Button's list is slow, so the run is seen running (and the page polling) before it ends.
  e2e.sim.faults.set({ rules: [{ kind: 'delay', route: 'transactions', delayMs: 1_500 }] });
  const runNow = page.getByTestId('reconciliation-run-now');
  await runNow.click();
  const running = runRows(page, 'running');
  await running.waitFor();
  expect(await running.getByTestId('run-status').textContent()).toBe('Running');
  expect(await runNow.isDisabled()).toBe(true);

  const done = runRows(page, 'succeeded');
  await done.waitFor(); // no reload: the page reads the history every 2 s while a run is running
  expect(await runRows(page).count()).toBe(1);
  expect(await done.getByTestId('run-added').textContent()).toBe(String(BEHIND.length));
  expect(await done.getByTestId('run-transactions_seen').textContent()).toBe(String(BEHIND.length));
  expect(await done.getByTestId('run-pages').textContent()).toBe(String(Math.ceil(BEHIND.length / PAGE_SIZE)));
  expect(await done.getByTestId('run-errors').textContent()).toBe('0');
  expect(await runNow.isDisabled()).toBe(false);

  // The ledger below is read again when the run ends.
  for (const tx of BEHIND) await page.getByTestId(`commission-row-${tx.id}`).waitFor();
  expect(await page.getByTestId('commission-row-tx-e2e-ops-1').textContent()).toContain('$4.20');
  await shot(page, 'commissions-reconciliation');
});

it('says a run is already running when one started elsewhere, then shows it finish', async () => {
  const page = await e2e.adminPage('/commissions');
  await page.getByTestId('reconciliation-panel').waitFor();
  await runRows(page).first().waitFor();
  const before = await runRows(page).count();

  // Another admin (or the schedule) starts a slow run: this page is not polling, so its button is still enabled.
  e2e.sim.faults.set({ rules: [{ kind: 'delay', route: 'transactions', delayMs: 3_000, times: 1 }] });
  const started = await e2e.app
    .http()
    .post('/button-personalization/reconciliation/runs')
    .set('Authorization', `Bearer ${await e2e.adminApiToken()}`);
  expect(started.status).toBe(202);
  expect(started.body.data.status).toBe('running');

  await page.getByTestId('reconciliation-run-now').click();
  const alert = page.getByTestId('reconciliation-already-running');
  await alert.waitFor();
  expect(await alert.textContent()).toContain('A reconciliation is already running');
  await runRows(page, 'running').waitFor(); // the refusal also brought the running run into view
  await shot(page, 'commissions-already-running');

  const latest = page.getByTestId(`reconciliation-run-${started.body.data.id}`);
  await page.locator(`tr[data-testid="reconciliation-run-${started.body.data.id}"][data-status="succeeded"]`).waitFor();
  expect(await runRows(page).count()).toBe(before + 1);
  // Everything was added by the first run: this one found it all in the ledger already.
  expect(await latest.getByTestId('run-added').textContent()).toBe('0');
  expect(await latest.getByTestId('run-unchanged').textContent()).toBe(String(BEHIND.length));
});

it('exports the filtered list as CSV: the rows the page lists, under the name the server gives', async () => {
  const page = await e2e.adminPage('/commissions');
  for (const tx of BEHIND) await page.getByTestId(`commission-row-${tx.id}`).waitFor();
  await page.getByRole('combobox', { name: 'Status' }).click();
  await page.getByRole('option', { name: 'Validated' }).click();
  await page.getByTestId('commission-row-tx-e2e-ops-3').waitFor({ state: 'detached' }); // declined: filtered out
  const listed = await listedIds(page);
  const validated = BEHIND.filter((tx) => tx.status === 'validated').map((tx) => tx.id);
  expect(listed).toEqual(expect.arrayContaining(validated));

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/^button-commissions-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  const [header, ...lines] = csv.trimEnd().split('\r\n');
  const columns = header.split(',');
  expect(columns.slice(0, 2)).toEqual(['transaction_id', 'status']);
  const rows = lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [columns[i], cell])));
  expect(rows.map((row) => row.transaction_id).sort()).toEqual(listed);
  expect(new Set(rows.map((row) => row.status))).toEqual(new Set(['validated']));
  expect(rows.find((row) => row.transaction_id === 'tx-e2e-ops-4')?.amount).toBe('1250');
});

it("erases an end user's data: a confirmation saying what goes and what stays, then the counts", async () => {
  const erasedBefore = await transactionsOf(e2e.app.strapi, 'tx-e2e-ops-1');
  expect(erasedBefore[0]?.publisher_customer_hash).toEqual(expect.any(String));

  const page = await e2e.adminPage('/commissions');
  await page.getByTestId('erasure-open').click();
  await page.getByLabel('End user id').fill(ERASED_USER);
  await page.getByRole('button', { name: 'Next' }).click();
  const explanation = page.getByTestId('erasure-explanation');
  await explanation.waitFor();
  const words = (await explanation.textContent()) ?? '';
  expect(words).toContain('the customer hash');
  expect(words).toContain("the pubRef and Button's raw payloads");
  expect(words).toContain('Kept, for accounting: amounts and currencies, statuses, dates, the brand');
  expect(words).not.toContain(ERASED_USER);

  await page.getByRole('button', { name: 'Erase', exact: true }).click();
  await page.getByTestId('erasure-result').waitFor();
  expect(await page.getByTestId('erasure-transactions').textContent()).toBe('2');
  expect(await page.getByRole('dialog').textContent()).not.toContain(ERASED_USER); // never echoed back
  await shot(page, 'commissions-erasure');
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).last().click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  expect(await page.content()).not.toContain(ERASED_USER);

  // In the database: the user's transactions lost their customer hash; the amounts stay; the other user's keep theirs.
  for (const id of ['tx-e2e-ops-1', 'tx-e2e-ops-2']) {
    const [row] = await transactionsOf(e2e.app.strapi, id);
    expect(row?.publisher_customer_hash).toBeNull();
    expect(row?.amount).toBe(BEHIND.find((tx) => tx.id === id)?.amount);
  }
  const [kept] = await transactionsOf(e2e.app.strapi, 'tx-e2e-ops-4');
  expect(kept?.publisher_customer_hash).toEqual(expect.any(String));
});

it('shows a role holding only read the history, without Run now, Export CSV or Erase', async () => {
  const reader = await createAdminUserWithPermissions(e2e.app.strapi, 'E2E commission readers', [
    { action: 'plugin::button-personalization.read' },
  ]);
  const readerContext = await newContext(e2e.browser.browser);
  try {
    const readerPage = await readerContext.newPage();
    await logIn(readerPage, e2e.baseUrl, reader);
    await readerPage.goto(`${e2e.baseUrl}${PLUGIN}/commissions`);
    await runRows(readerPage, 'succeeded').first().waitFor();
    await readerPage.getByTestId('commission-row-tx-e2e-ops-1').waitFor();
    expect(await readerPage.getByTestId('reconciliation-run-now').count()).toBe(0);
    expect(await readerPage.getByTestId('export-csv').count()).toBe(0);
    expect(await readerPage.getByTestId('erasure-open').count()).toBe(0);
    // The server refuses them too.
    const readerToken = await adminToken(e2e.app, reader);
    const auth = `Bearer ${readerToken}`;
    const { http } = e2e.app;
    expect((await http().post('/button-personalization/reconciliation/runs').set('Authorization', auth)).status).toBe(403);
    expect((await http().get('/button-personalization/commissions/export').set('Authorization', auth)).status).toBe(403);
    expect(
      (await http().post('/button-personalization/erasure').set('Authorization', auth).send({ user_id: OTHER_USER })).status
    ).toBe(403);
  } finally {
    await readerContext.close();
  }
});

it('publishes the screenshots for the README', () => {
  expect(SCREENS).toEqual(expect.arrayContaining(['commissions-reconciliation', 'commissions-erasure']));
  publishScreenshots(['commissions-reconciliation', 'commissions-erasure']);
});
