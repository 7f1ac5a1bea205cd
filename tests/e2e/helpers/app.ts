import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { createButtonSimulator } from '../../../simulator';
import { adminToken } from '../../helpers/admin-users';
import { freePort } from '../../helpers/cluster';
import { startPlayground, type Playground } from '../../helpers/playground';
import { SIM_API_KEY, TEST_CA_PATH, type Simulator } from '../../helpers/simulator';
import { ensurePlaygroundAdminBuilt } from './admin-build';
import { dismissStrapiBanner, launchChromium, logIn, newContext, type BrowserSession } from './browser';
import { removeFiles, uploadedFiles } from './uploads';

/** The plugin's pages in the admin panel. */
export const PLUGIN = '/admin/plugins/button-personalization';

export interface Credentials {
  email: string;
  password: string;
}

type Env = Record<string, string | undefined>;
type SimulatorOptions = NonNullable<Parameters<typeof createButtonSimulator>[0]>;

export interface E2eAppOptions {
  /** The playground's super admin (PLAYGROUND_ADMIN_*, created by the seed): whom `adminPage` logs in as. */
  admin?: Credentials;
  /** PLAYGROUND_SEED: merchant entries with logos, the demo end user, the admin above. Default true. */
  seed?: boolean;
  /** Builds the playground admin first when it is stale. Default true; a suite that never opens the admin skips it. */
  buildAdmin?: boolean;
  /** The simulator's options beyond its API key and TLS (always on: the app trusts its test CA). */
  simulator?: Omit<SimulatorOptions, 'apiKey' | 'tls'>;
  /** The suite's own variables, on top of the shared ones (a real port, the simulator as Button's API). */
  env?: Env | ((sim: Simulator) => Env);
  /** After the simulator started, before the app boots: what Button knows before the app first asks. */
  prepareSimulator?: (sim: Simulator) => void;
  /** After the app booted, before it listens: what the first page must already find. */
  prepareApp?: (app: Playground) => Promise<void>;
  /** Options of the shared browser context, on top of `newContext`'s. */
  context?: BrowserContextOptions;
}

export interface E2eApp {
  sim: Simulator;
  app: Playground;
  /** Where the app listens: http://127.0.0.1:<port>. */
  baseUrl: string;
  browser: BrowserSession;
  /** The shared context: `adminPage` logs the admin in there once, and its pages share the session. */
  context: BrowserContext;
  /** A new page in the admin's context, on the plugin's `path` when given; the first call logs in (again after a failed try). */
  adminPage(path?: string): Promise<Page>;
  /** The admin's JWT for API calls beside the browser, asked once. */
  adminApiToken(): Promise<string>;
  /** Closes the pages `adminPage` opened (the context, and so the login, stays): each test's pages go with it. */
  closePages(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What every browser suite runs against: the Button simulator over HTTPS, the playground (the current plugin) on a
 * real port with its Button API pointing at the simulator, and Debian's Chromium with one shared context. On a
 * failed start, whatever did start is stopped before the error goes on.
 */
export async function startE2eApp(options: E2eAppOptions = {}): Promise<E2eApp> {
  const { admin, seed = true, buildAdmin = true } = options;
  let sim: Simulator | undefined;
  let app: Playground | undefined;
  let browser: BrowserSession | undefined;
  let context: BrowserContext | undefined;

  const stop = async () => {
    await context?.close();
    await browser?.close();
    if (app) {
      // What the run wrote to the playground's public/uploads (the seed's logos, imported icons): read before the
      // database goes, removed after, since this run's database is thrown away.
      const files = await uploadedFiles(app.strapi);
      const server = app.strapi.server.httpServer;
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      await app.stop();
      removeFiles(files);
    }
    await sim?.stop();
  };

  let baseUrl: string;
  try {
    if (buildAdmin) await ensurePlaygroundAdminBuilt((line) => process.stdout.write(`[e2e] ${line}\n`));
    sim = createButtonSimulator({ ...options.simulator, apiKey: SIM_API_KEY, tls: true });
    await sim.start();
    options.prepareSimulator?.(sim);
    // A port that is free now: Strapi's config (and so the URLs it reports, the webhook's) is told the real port.
    const port: number = await freePort();
    const env = typeof options.env === 'function' ? options.env(sim) : options.env;
    app = await startPlayground({
      HOST: '127.0.0.1',
      PORT: String(port),
      PLAYGROUND_SEED: String(seed),
      ...(admin && { PLAYGROUND_ADMIN_EMAIL: admin.email, PLAYGROUND_ADMIN_PASSWORD: admin.password }),
      BUTTON_API_KEY: SIM_API_KEY,
      BUTTON_API_BASE_URL: sim.url,
      BUTTON_API_CA_FILE: TEST_CA_PATH,
      ...env,
    });
    await options.prepareApp?.(app);
    const server = app.strapi.server.httpServer;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    baseUrl = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
    context = await newContext(browser.browser, options.context);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  const started = { sim, app, browser, context };
  let loggedIn: Promise<void> | undefined;
  let token: Promise<string> | undefined;
  const openPages: Page[] = [];
  const asAdmin = (): Credentials => {
    if (!admin) throw new Error('startE2eApp was given no `admin` to log in as');
    return admin;
  };

  return {
    ...started,
    baseUrl,
    async adminPage(path) {
      const credentials = asAdmin();
      const page = await started.context.newPage();
      openPages.push(page);
      loggedIn ??= (async () => {
        await logIn(page, baseUrl, credentials);
        await dismissStrapiBanner(page);
      })().catch((error: unknown) => {
        loggedIn = undefined;
        throw error;
      });
      await loggedIn;
      if (path !== undefined) await page.goto(`${baseUrl}${PLUGIN}${path}`);
      return page;
    },
    adminApiToken: () => (token ??= adminToken(started.app, asAdmin())),
    async closePages() {
      await Promise.all(openPages.splice(0).map((page) => page.close().catch(() => undefined)));
    },
    stop,
  };
}
