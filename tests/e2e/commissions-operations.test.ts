import fs from 'node:fs';
import net from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { createButtonSimulator } from '../../simulator';
import { adminToken, createAdminUserWithPermissions } from '../helpers/admin-users';
import { PUBREF_SECRET, WEBHOOK_SECRET, transaction, transactionsOf } from '../helpers/ledger';
import { startPlayground, type Playground } from '../helpers/playground';
import { SIM_API_KEY, TEST_CA_PATH, type Simulator } from '../helpers/simulator';
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
 * The Commissions page's operations in a real browser (Chromium through playwright-core, the built playground on
 * a real port, the simulator over HTTPS): reconciliation with Button's Transactions API (its configuration, the
 * run history, Run now and its "already running" answer), the CSV export with the page's filters, and erasing an
 * end user's data; and what a role holding only `read` sees. The ledger starts behind Button: the transactions
 * below are in the simulator's record, and no webhook ever delivered them.
 */
jest.setTimeout(180_000);

const ADMIN = { email: 'e2e-ops-admin@example.com', password: 'E2e-Ops-Password-1' };
const PLUGIN = '/admin/plugins/button-personalization';
const ERASED_USER = 'user-e2e-privacy-request';
const OTHER_USER = 'user-e2e-keeps-data';
const PAGE_SIZE = 2; // the simulator's transactions page: five transactions are three pages
const SCREENS: string[] = [];

/** Button's record of five transactions in the last hours: two for the user who will ask for erasure. */
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const BEHIND = [
  { id: 'tx-e2e-ops-1', status: 'validated', customerId: ERASED_USER, merchantId: 'org-e2e-ops-a', amount: 420 },
  { id: 'tx-e2e-ops-2', status: 'pending', customerId: ERASED_USER, merchantId: 'org-e2e-ops-b', amount: 180 },
  { id: 'tx-e2e-ops-3', status: 'declined', customerId: OTHER_USER, merchantId: 'org-e2e-ops-a', amount: 90 },
  { id: 'tx-e2e-ops-4', status: 'validated', customerId: OTHER_USER, merchantId: 'org-e2e-ops-b', amount: 1250 },
  { id: 'tx-e2e-ops-5', status: 'validated', customerId: OTHER_USER, merchantId: 'org-e2e-ops-a', amount: 310 },
] as const;

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

let token: Promise<string> | undefined;
const adminApiToken = () => (token ??= adminToken(app, ADMIN));

const runRows = (page: Page, status?: string) =>
  page.locator(`tr[data-testid^="reconciliation-run-"]${status ? `[data-status="${status}"]` : ''}`);

/** The transaction ids the Commissions table shows. */
async function listedIds(page: Page): Promise<string[]> {
  const ids = await page
    .locator('[data-testid^="commission-row-"]')
    .evaluateAll((rows) => rows.map((row) => (row.getAttribute('data-testid') ?? '').replace('commission-row-', '')));
  return ids.sort();
}

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
  sim = createButtonSimulator({ apiKey: SIM_API_KEY, tls: true, transactionsPageSize: PAGE_SIZE });
  await sim.start();
  for (const [index, tx] of BEHIND.entries())
    sim.transactions.put(transaction({ ...tx, pubRef: null, modifiedDate: minutesAgo(90 - index * 10) }));
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
    BUTTON_RECONCILIATION_ACCOUNT_ID: sim.accountId,
    BUTTON_RECONCILIATION_SCHEDULE: '', // only on demand: no scheduled run in the history
    BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET,
    BUTTON_PUBREF_SECRET: PUBREF_SECRET,
  });
  await new Promise<void>((resolve, reject) => {
    app.strapi.server.httpServer.once('error', reject);
    app.strapi.server.httpServer.listen(port, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
  context = await newContext(browser.browser);
}, 600_000);

afterEach(async () => {
  sim?.faults.clear();
  await Promise.all(openPages.splice(0).map((page) => page.close().catch(() => undefined)));
});

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

it('shows the reconciliation, runs it now (running, then succeeded with the added count) and lists what it added', async () => {
  const page = await adminPage('/commissions');
  await page.getByTestId('reconciliation-runs-empty').waitFor();
  expect(await page.getByTestId('reconciliation-account').textContent()).toBe(sim.accountId);
  expect(await page.getByTestId('reconciliation-schedule').textContent()).toBe('Not scheduled: only when run from here');
  await page.getByText('No commission yet').waitFor(); // the ledger is behind: no webhook arrived

  // Each page of Button's list is slow, so the run is seen running (and the page polling) before it ends.
  sim.faults.set({ rules: [{ kind: 'delay', route: 'transactions', delayMs: 1_500 }] });
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
  const page = await adminPage('/commissions');
  await page.getByTestId('reconciliation-panel').waitFor();
  await runRows(page).first().waitFor();
  const before = await runRows(page).count();

  // Another admin (or the schedule) starts a slow run: this page is not polling, so its button is still enabled.
  sim.faults.set({ rules: [{ kind: 'delay', route: 'transactions', delayMs: 3_000, times: 1 }] });
  const started = await app
    .http()
    .post('/button-personalization/reconciliation/runs')
    .set('Authorization', `Bearer ${await adminApiToken()}`);
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
  const page = await adminPage('/commissions');
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
  const erasedBefore = await transactionsOf(app.strapi, 'tx-e2e-ops-1');
  expect(erasedBefore[0]?.publisher_customer_hash).toEqual(expect.any(String));

  const page = await adminPage('/commissions');
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
    const [row] = await transactionsOf(app.strapi, id);
    expect(row?.publisher_customer_hash).toBeNull();
    expect(row?.amount).toBe(BEHIND.find((tx) => tx.id === id)?.amount);
  }
  const [kept] = await transactionsOf(app.strapi, 'tx-e2e-ops-4');
  expect(kept?.publisher_customer_hash).toEqual(expect.any(String));
});

it('shows a role holding only read the history, without Run now, Export CSV or Erase', async () => {
  const reader = await createAdminUserWithPermissions(app.strapi, 'E2E commission readers', [
    { action: 'plugin::button-personalization.read' },
  ]);
  const readerContext = await newContext(browser.browser);
  try {
    const readerPage = await readerContext.newPage();
    await logIn(readerPage, baseUrl, reader);
    await readerPage.goto(`${baseUrl}${PLUGIN}/commissions`);
    await runRows(readerPage, 'succeeded').first().waitFor();
    await readerPage.getByTestId('commission-row-tx-e2e-ops-1').waitFor();
    expect(await readerPage.getByTestId('reconciliation-run-now').count()).toBe(0);
    expect(await readerPage.getByTestId('export-csv').count()).toBe(0);
    expect(await readerPage.getByTestId('erasure-open').count()).toBe(0);
    // The server refuses them too.
    const readerToken = await adminToken(app, reader);
    const auth = `Bearer ${readerToken}`;
    expect((await app.http().post('/button-personalization/reconciliation/runs').set('Authorization', auth)).status).toBe(403);
    expect((await app.http().get('/button-personalization/commissions/export').set('Authorization', auth)).status).toBe(403);
    expect(
      (await app.http().post('/button-personalization/erasure').set('Authorization', auth).send({ user_id: OTHER_USER })).status
    ).toBe(403);
  } finally {
    await readerContext.close();
  }
});

it('publishes the screenshots for the README', () => {
  expect(SCREENS).toEqual(expect.arrayContaining(['commissions-reconciliation', 'commissions-erasure']));
  publishScreenshots(['commissions-reconciliation', 'commissions-erasure']);
});
