import fs from 'node:fs';
import path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.resolve(__dirname, '../../../test-artifacts/screenshots');
export const DOCS_SCREENSHOTS_DIR = path.resolve(__dirname, '../../../docs/screenshots');

export interface BrowserSession {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Debian's Chromium through playwright-core, headless. `launch()` gives the browser a fresh temporary profile
 * (user-data-dir) of its own and removes it on close; each context is a clean, incognito-like session.
 */
export async function launchChromium(): Promise<BrowserSession> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium (see .ci/run)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/** A fresh context at the screenshots' size and locale; `options` adds to (or overrides) those. */
export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'en-US', ...options });
  context.setDefaultTimeout(30_000);
  return context;
}

/** Logs in through Strapi's real login form and waits for the admin home. */
export async function logIn(page: Page, baseUrl: string, credentials: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/admin/auth/login`);
  await page.getByLabel(/email/i).fill(credentials.email);
  await page.getByLabel(/password/i).fill(credentials.password);
  await page.getByRole('button', { name: /log ?in/i }).click();
  await page.waitForURL((url) => !url.pathname.includes('/auth/'));
  await page.locator('nav').first().waitFor();
}

/** How much content the page's scrolling containers hide (a string: the tests compile without the DOM lib). */
const HIDDEN_HEIGHT = `Math.max(0, ...Array.from(document.querySelectorAll('body *'))
  .filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowY))
  .map((el) => el.scrollHeight - el.clientHeight))`;

/**
 * A whole-page screenshot into test-artifacts/screenshots (git-ignored). The admin scrolls inside its own
 * layout, not the document, so the viewport grows to the content's height for the shot and is put back after.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  const viewport = page.viewportSize() ?? { width: 1440, height: 1000 };
  const hidden = await page.evaluate<number>(HIDDEN_HEIGHT);
  await page.setViewportSize({ width: viewport.width, height: Math.min(viewport.height + hidden, 4000) });
  try {
    await page.screenshot({ path: file });
  } finally {
    await page.setViewportSize(viewport);
  }
  return file;
}

/** `shot` takes a `screenshot` and records its name in `names`: a suite checks them before `publishScreenshots`. */
export function recordScreenshots(): { names: string[]; shot(page: Page, name: string): Promise<void> } {
  const names: string[] = [];
  return {
    names,
    async shot(page, name) {
      await screenshot(page, name);
      names.push(name);
    },
  };
}

/** Strapi's own "what's new" banner, dismissed once (it remembers), so screenshots show the plugin. */
export async function dismissStrapiBanner(page: Page): Promise<void> {
  const banner = page.getByText('Introducing the new Media Library');
  const shown = await banner.waitFor({ timeout: 5_000 }).then(
    () => true,
    () => false
  );
  if (shown) {
    await page.getByRole('button', { name: 'Close' }).first().click();
    await banner.waitFor({ state: 'hidden' });
  }
}

/**
 * Copies the run's screenshots to docs/screenshots (committed, shown in the README): when asked
 * (UPDATE_DOCS_SCREENSHOTS=1) or when the docs copy is missing, so CI runs do not rewrite committed images.
 */
export function publishScreenshots(names: string[]): string[] {
  const force = process.env.UPDATE_DOCS_SCREENSHOTS === '1';
  fs.mkdirSync(DOCS_SCREENSHOTS_DIR, { recursive: true });
  const copied: string[] = [];
  for (const name of names) {
    const target = path.join(DOCS_SCREENSHOTS_DIR, `${name}.png`);
    if (force || !fs.existsSync(target)) {
      fs.copyFileSync(path.join(ARTIFACTS_DIR, `${name}.png`), target);
      copied.push(target);
    }
  }
  return copied;
}

/** Waits until the locator's text matches: Playwright's own polling, no fixed sleep. */
export async function waitForText(locator: Locator, expected: RegExp | string): Promise<void> {
  const matches = (text: string) => (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
  await locator.filter({ hasText: expected }).first().waitFor({ state: 'visible' });
  const text = (await locator.filter({ hasText: expected }).first().textContent()) ?? '';
  if (!matches(text)) throw new Error(`expected ${String(expected)} in ${text}`);
}
