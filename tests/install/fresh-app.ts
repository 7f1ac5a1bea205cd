import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { launchChromium, logIn, newContext, screenshot, type BrowserSession } from '../e2e/helpers/browser';
import { enablePluginIn, EXTENSION_SOURCE } from './app-config';
import { LOCKSTEP, type InstallTarget } from './strapi-versions';
import { MERCHANTS, SIM_API_KEY, startSimulator, userWithEveryMerchant, type Simulator } from '../helpers/simulator';

/**
 * The package as a new user gets it, at one end of the Strapi range it declares (lowest-strapi.test.ts and
 * newest-strapi.test.ts, which Jest runs side by side: most of each is npm and network): a fresh app scaffolded by
 * create-strapi-app, `npm install <the npm pack tarball>` (no link, no --legacy-peer-deps: npm must accept the peer
 * ranges as they are), the plugin enabled the README's way, `strapi build`, `strapi start` on SQLite, then the
 * offers endpoint called with an API token against the Button simulator, merged with an entry created through the
 * Content Manager's API, and the plugin's admin page opened in Chromium.
 *
 * Minutes per version (most of it npm): `npm test` runs both in a phase of their own. Run alone with
 * `npm run test:install`; `INSTALL_TEST_STRAPI_VERSIONS="5.31.3"` picks the versions, `INSTALL_TEST_KEEP=1` keeps
 * the apps (under the OS temp dir) for a look afterwards.
 */
const ROOT = path.resolve(__dirname, '../..');
const PLUGIN = 'strapi-plugin-button-personalization';
const MERCHANT_UID = 'plugin::button-personalization.merchant-offer';
const ADMIN = { email: 'install-test@example.com', password: 'Install-Test-Password-1' };
const PUBREF_SECRET = 'install-test-pubref-secret';
const WEBHOOK_SECRET = 'install-test-webhook-secret';
const NPM_TIMEOUT_MS = 15 * 60_000;

type Target = InstallTarget;

/** The versions (see strapi-versions.js), resolved before Jest collects the cases. */
function targets(): Target[] {
  const result = spawnSync(process.execPath, [path.join(__dirname, 'strapi-versions.js')], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`choosing the Strapi versions failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { versions: Target[] }).versions;
}

interface Run {
  status: number | null;
  output: string;
}

/** A command in a child process, its output kept for the failure message (npm and Strapi print a lot). */
function run(
  command: string,
  args: string[],
  options: { cwd: string; input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }
) {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // create-strapi-app before 5.31 has no --non-interactive and asks about A/B testing whatever the flags: "no".
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? NPM_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

const tail = (text: string, chars = 6000) => (text.length > chars ? `...${text.slice(-chars)}` : text);

function expectSuccess(step: string, result: Run): void {
  if (result.status !== 0) throw new Error(`${step} exited with ${result.status}:\n${tail(result.output)}`);
}

/** Environment for npm and Strapi: the developer's CI flag and Jest's own variables must not change their behaviour. */
const childEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  NODE_OPTIONS: '',
  JEST_WORKER_ID: undefined,
  STRAPI_TELEMETRY_DISABLED: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  ...extra,
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `npm pack` of the built package, once for every version. */
async function packTarball(into: string): Promise<string> {
  const result = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', into], {
    cwd: ROOT,
    timeoutMs: 120_000,
    env: childEnv(),
  });
  expectSuccess('npm pack', result);
  const [pack] = JSON.parse(result.output.slice(result.output.indexOf('['))) as [{ filename: string }];
  return path.join(into, pack.filename);
}

interface JsonAnswer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Strapi's answers, checked field by field below
}

async function http(url: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the failure message
  }
  return { status: response.status, body };
}

/** The suite for the lowest or the newest version (one version pinned: the newest suite is skipped, saying so). */
export function describeFreshApp(end: 'lowest' | 'newest'): void {
  const all = targets();
  const target = end === 'lowest' ? all[0]! : all.at(-1)!;
  if (end === 'newest' && all.length === 1) {
    describe.skip(`the newest Strapi (only ${target.strapi} was asked for: it runs as the lowest)`, () => {
      it('is the same version', () => undefined);
    });
    return;
  }
  describeTarget(target);
}

function describeTarget(target: Target): void {
  describe(`a fresh Strapi ${target.strapi} app (scaffolded by create-strapi-app ${target.createStrapiApp})`, () => {
    let workDir: string;
    let appDir: string;
    let tarball: string;
    let sim: Simulator;
    let strapi: ChildProcess | undefined;
    let strapiLog = '';
    let baseUrl: string;
    let adminJwt: string;
    let entryDocumentId: string;
    let pluginsFile: string;
    let scaffoldPlugins: string;

    /** `strapi start` in production mode, resolved once it answers /_health and `ready` says it is up. */
    const startStrapi = async (ready: (log: string) => boolean = () => true): Promise<void> => {
      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      strapiLog = '';
      const child = spawn(process.execPath, [path.join(appDir, 'node_modules/@strapi/strapi/bin/strapi.js'), 'start'], {
        cwd: appDir,
        env: {
          ...process.env,
          ...childEnv({
            NODE_ENV: 'production',
            HOST: '127.0.0.1',
            PORT: String(port),
            BUTTON_API_KEY: SIM_API_KEY,
            BUTTON_API_BASE_URL: sim.url,
            BUTTON_PUBREF_SECRET: PUBREF_SECRET,
            BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET,
            // Production refuses to generate one (older templates' .env has none); every deployment sets it.
            JWT_SECRET: 'install-test-users-permissions-jwt-secret',
          }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      strapi = child;
      child.stdout?.on('data', (chunk: Buffer) => (strapiLog += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (strapiLog += chunk.toString()));
      for (let attempt = 0; ; attempt += 1) {
        if (child.exitCode !== null) throw new Error(`strapi start exited with ${child.exitCode}:\n${tail(strapiLog)}`);
        const health = await http(`${baseUrl}/_health`).catch(() => null);
        if (health?.status === 204 && ready(strapiLog)) return;
        if (attempt > 600) throw new Error(`Strapi did not start:\n${tail(strapiLog)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };

    /** SIGTERM, as a deploy stops it; SIGKILL only if it has not exited within 15 s. */
    const stopStrapi = async (): Promise<void> => {
      const child = strapi;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 15_000)))]);
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };

    /** The app's SQLite database (the scaffold's default, `.tmp/data.db`), read while Strapi is stopped. */
    const sqlite = async <T>(read: (db: Knex) => Promise<T>): Promise<T> => {
      const db = knex({
        client: 'better-sqlite3',
        connection: { filename: path.join(appDir, '.tmp/data.db'), options: { readonly: true } },
        useNullAsDefault: true,
      });
      try {
        return await read(db);
      } finally {
        await db.destroy();
      }
    };
    const pluginTables = () =>
      sqlite(async (db) =>
        ((await db.raw("SELECT name FROM sqlite_master WHERE type = 'table'")) as { name: string }[])
          .map((row) => row.name)
          .filter((name) => name.startsWith('button_'))
          .sort()
      );
    const pluginPermissions = (table: string) =>
      sqlite(async (db) => (await db(table).where('action', 'like', 'plugin::button-personalization.%')).length);

    beforeAll(async () => {
      workDir = fs.mkdtempSync(path.join(os.tmpdir(), `button-install-${target.strapi}-`));
      appDir = path.join(workDir, 'app');
      tarball = await packTarball(workDir);
      sim = await startSimulator({ tls: false });
    }, 180_000);

    afterAll(async () => {
      await stopStrapi();
      await sim?.stop();
      if (workDir && process.env.INSTALL_TEST_KEEP !== '1') fs.rmSync(workDir, { recursive: true, force: true });
    }, 60_000);

    it(
      'scaffolds the app and installs the packed tarball with plain npm install (the peer ranges accepted as declared)',
      async () => {
        const help = await run('npx', ['-y', `create-strapi-app@${target.createStrapiApp}`, '--help'], {
          cwd: workDir,
          env: childEnv(),
        });
        expectSuccess('create-strapi-app --help', help);
        const flags = [
          '--no-run',
          '--js',
          '--use-npm',
          '--no-install',
          '--skip-cloud',
          '--no-example',
          '--no-git-init',
          '--skip-db',
        ];
        if (help.output.includes('--non-interactive')) flags.push('--non-interactive');
        const scaffold = await run('npx', ['-y', `create-strapi-app@${target.createStrapiApp}`, 'app', ...flags], {
          cwd: workDir,
          input: 'n\nn\nn\n',
          env: childEnv(),
        });
        expectSuccess('create-strapi-app', scaffold);

        // The app at the target version: the Strapi packages it lists pinned to it, and the whole Strapi family held
        // there by npm overrides, as the app's lockfile holds it. Without them a fresh install of an older Strapi
        // mixes in the newest @strapi/admin (@strapi/plugin-cloud's peer range is ^5.0.0) and Strapi's own admin
        // build fails, with or without this plugin (checked on a plain 5.31.3 app: "useGetAIFeatureConfigQuery is
        // not exported by @strapi/admin"). The plugin's own peers are left to npm.
        const manifestPath = path.join(appDir, 'package.json');
        const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
          dependencies: Record<string, string>;
          overrides?: Record<string, string>;
        };
        for (const name of Object.keys(manifest.dependencies)) {
          if (name.startsWith('@strapi/')) manifest.dependencies[name] = target.strapi;
        }
        manifest.overrides = Object.fromEntries(
          LOCKSTEP.filter((name) => !(name in manifest.dependencies)).map((name) => [name, target.strapi])
        );
        fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

        // --prefer-offline: package metadata from npm's cache when it has it (CI's own install just filled it), so
        // the install is not a thousand registry round trips; what the cache lacks is still downloaded.
        const install = await run('npm', ['install', '--prefer-offline', tarball], { cwd: appDir, env: childEnv() });
        expectSuccess(`npm install ${path.basename(tarball)}`, install);
        expect(install.output).not.toMatch(/ERESOLVE|--legacy-peer-deps/);

        // Installed from the tarball (a real directory, not a link), next to the Strapi it was meant for, and every
        // peer it declares resolved to a version inside its range (`npm ls` exits non-zero on an invalid peer).
        const installed = path.join(appDir, 'node_modules', PLUGIN);
        expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
        expect(fs.existsSync(path.join(installed, 'dist/server/index.js'))).toBe(true);
        const strapiVersion = JSON.parse(
          fs.readFileSync(path.join(appDir, 'node_modules/@strapi/strapi/package.json'), 'utf8')
        ) as {
          version: string;
        };
        expect(strapiVersion.version).toBe(target.strapi);
        const peers = Object.keys(
          (
            JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as {
              peerDependencies: Record<string, string>;
            }
          ).peerDependencies
        );
        const tree = await run('npm', ['ls', PLUGIN, ...peers], { cwd: appDir, env: childEnv(), timeoutMs: 120_000 });
        expectSuccess('npm ls (the plugin and its peers)', tree);

        const found = ['config/plugins.js', 'config/plugins.ts'].map((file) => path.join(appDir, file)).find(fs.existsSync);
        if (!found) throw new Error('the scaffold has no config/plugins file');
        pluginsFile = found;
        scaffoldPlugins = fs.readFileSync(pluginsFile, 'utf8');
        fs.writeFileSync(pluginsFile, enablePluginIn(scaffoldPlugins));
        // The README's way to add a field of your own to merchant-offer: Strapi's plugin extensions.
        const extension = path.join(appDir, 'src/extensions/button-personalization/strapi-server.js');
        fs.mkdirSync(path.dirname(extension), { recursive: true });
        fs.writeFileSync(extension, EXTENSION_SOURCE);
      },
      NPM_TIMEOUT_MS + 120_000
    );

    it('builds the admin panel with the plugin in it (`npm run build`, as the README says after installing)', async () => {
      const build = await run('npm', ['run', 'build'], {
        cwd: appDir,
        env: childEnv({ NODE_ENV: 'production' }),
        timeoutMs: 600_000,
      });
      expectSuccess('npm run build', build);
      const outDir = ['build', 'dist/build']
        .map((dir) => path.join(appDir, dir))
        .find((dir) => fs.existsSync(path.join(dir, 'index.html')));
      if (!outDir) throw new Error(`no admin build found:\n${tail(build.output)}`);
      // The plugin's admin entry registers its id: no Strapi chunk holds that string otherwise.
      const bundled = fs
        .readdirSync(outDir)
        .filter((file) => file.endsWith('.js'))
        .some((file) => /["'`]button-personalization["'`]/.test(fs.readFileSync(path.join(outDir, file), 'utf8')));
      expect(bundled).toBe(true);
    }, 660_000);

    it('boots on SQLite with the plugin (its webhook raw-body probe passing)', async () => {
      await startStrapi((log) => log.includes('raw-body check'));
      expect(strapiLog).toContain('raw-body check passed');
      expect(strapiLog).not.toMatch(/\berror\b.*button-personalization/i);
    }, 180_000);

    it('serves live offers from the simulator merged with an entry created in the Content Manager, to an API token', async () => {
      const registered = await http(`${baseUrl}/admin/register-admin`, {
        body: { firstname: 'Install', lastname: 'Test', ...ADMIN },
      });
      expect(registered.status).toBe(200);
      adminJwt = registered.body.data.token as string;

      const merchant = MERCHANTS[0];
      const created = await http(`${baseUrl}/content-manager/collection-types/${MERCHANT_UID}`, {
        token: adminJwt,
        body: {
          merchant_id: merchant.merchant_id,
          name: `${merchant.name} (install test)`,
          cta_url: 'https://example.com/shop',
          headline_template: 'Earn {rate} at {name}',
          enabled: true,
          badge: 'Top pick',
        },
      });
      expect(created.status).toBe(201);
      expect(created.body.data.badge).toBe('Top pick');
      entryDocumentId = created.body.data.documentId as string;
      const published = await http(
        `${baseUrl}/content-manager/collection-types/${MERCHANT_UID}/${created.body.data.documentId as string}/actions/publish`,
        { token: adminJwt, body: {} }
      );
      expect(published.status).toBe(200);

      // Nothing is public by default: the README's first troubleshooting row.
      const anonymous = await http(`${baseUrl}/api/button-personalization/offers`, { body: { user_id: 'u' } });
      expect(anonymous.status).toBe(403);

      const token = await http(`${baseUrl}/admin/api-tokens`, {
        token: adminJwt,
        body: {
          name: 'install-test',
          type: 'custom',
          lifespan: null,
          permissions: ['plugin::button-personalization.offers.find'],
        },
      });
      expect(token.status).toBe(201);
      const userId = userWithEveryMerchant('install');
      const callsBefore = sim.arrivals().length;
      const offers = await http(`${baseUrl}/api/button-personalization/offers`, {
        token: token.body.data.accessKey as string,
        body: { user_id: userId },
      });
      expect(offers.status).toBe(200);
      expect(sim.arrivals().length).toBe(callsBefore + 1);
      const served = (
        offers.body.data as { merchant_id: string; merchant: { name: string } | null; offers: { pub_ref: string }[] }[]
      ).find((entry) => entry.merchant_id === merchant.merchant_id);
      expect(served?.merchant?.name).toBe(`${merchant.name} (install test)`);
      expect(served?.offers.length).toBeGreaterThan(0);
      for (const offer of served?.offers ?? []) expect(offer.pub_ref).toMatch(/^b2~/);
    }, 120_000);

    it("answers the plugin's 4xx through Strapi's own error middleware (its error classes, not a second copy's)", async () => {
      // Strapi recognises a 4xx by instanceof against ITS @strapi/utils: with another copy these were 500s.
      const invalid = await http(`${baseUrl}/button-personalization/pub-refs/decode`, { token: adminJwt, body: { pub_ref: 5 } });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.name).toBe('ValidationError');
      expect(invalid.body.error.details.errors[0].path).toEqual(['pub_ref']);

      const missing = await http(`${baseUrl}/button-personalization/commissions/no-such-transaction`, { token: adminJwt });
      expect(missing.status).toBe(404);

      // The ledger is read-only to everything but the verified webhook, a super admin's Content Manager included.
      const forged = await http(`${baseUrl}/content-manager/collection-types/plugin::button-personalization.transaction`, {
        token: adminJwt,
        body: { transaction_id: 'tx-forged', status: 'validated' },
      });
      expect(forged.status).toBe(403);
    }, 60_000);

    it("opens the plugin's admin page and the merchant-offer edit view (picker, live offer panel) in Chromium", async () => {
      let session: BrowserSession | undefined;
      try {
        session = await launchChromium();
        const context = await newContext(session.browser);
        const page = await context.newPage();
        const failures: string[] = [];
        page.on('pageerror', (error) => failures.push(error.message));
        await logIn(page, baseUrl, ADMIN);
        await page.goto(`${baseUrl}/admin/plugins/button-personalization`);
        try {
          await page.getByText(`${MERCHANTS[0].name} (install test)`).first().waitFor();
        } catch (error) {
          await screenshot(page, `install-${target.strapi}-plugin-page`);
          throw error;
        }
        // The Content Manager's edit view of the entry: the merchant picker (a custom field) in place of the plain
        // input, and the live offer panel beside it (Strapi's side-panel API), on this Strapi version too.
        await page.goto(`${baseUrl}/admin/content-manager/collection-types/${MERCHANT_UID}/${entryDocumentId}`);
        try {
          // Each waits: the edit view can render, then load again (its spinner) before the form holds the entry.
          const merchantInput = page.locator(`input[value="${MERCHANTS[0].merchant_id}"]`);
          await merchantInput.first().waitFor();
          await page.getByText('Live offer from Button').waitFor();
          await page.getByRole('button', { name: 'Show the live offer' }).waitFor();
          expect(await merchantInput.count()).toBe(1);
        } catch (error) {
          await screenshot(page, `install-${target.strapi}-edit-view`);
          throw error;
        }
        expect(failures).toEqual([]);
      } finally {
        await session?.close();
      }
    }, 180_000);

    it("uninstalls the README's way: the next boot without the plugin drops every table it created (the ones the README names), its permissions go, its settings rows stay", async () => {
      const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
      const uninstallSection = readme.slice(readme.indexOf('## Uninstall'), readme.indexOf('## Troubleshooting'));
      const named = [...new Set([...uninstallSection.matchAll(/\bbutton_[a-z_]+\b/g)].map(([name]) => name))].sort();

      await stopStrapi();
      const created = await pluginTables();
      expect(created).toContain('button_merchant_offers');
      expect(named).toEqual(created);
      expect(await pluginPermissions('admin_permissions')).toBeGreaterThan(0);
      expect(await pluginPermissions('strapi_api_token_permissions')).toBeGreaterThan(0);

      // Step 2: the block out of config/plugins, the extension folder removed, the package uninstalled.
      fs.writeFileSync(pluginsFile, scaffoldPlugins);
      fs.rmSync(path.join(appDir, 'src/extensions/button-personalization'), { recursive: true, force: true });
      const uninstall = await run('npm', ['uninstall', '--prefer-offline', PLUGIN], { cwd: appDir, env: childEnv() });
      expectSuccess(`npm uninstall ${PLUGIN}`, uninstall);
      expect(fs.existsSync(path.join(appDir, 'node_modules', PLUGIN))).toBe(false);

      // Its next boot synchronises the schema: the plugin's tables are gone, and Strapi cleaned its permissions.
      await startStrapi();
      await stopStrapi();
      expect(await pluginTables()).toEqual([]);
      expect(await pluginPermissions('admin_permissions')).toBe(0);
      expect(await pluginPermissions('strapi_api_token_permissions')).toBe(0);
      // Step 3: the settings rows stay behind, and the README's statement is the one that finds them.
      const settingsRows = await sqlite((db) =>
        db('strapi_core_store_settings').select('key').where('key', 'like', 'plugin_button-personalization_%')
      );
      expect(settingsRows.length).toBeGreaterThan(0);
      expect(uninstallSection).toContain(
        "DELETE FROM strapi_core_store_settings WHERE key LIKE 'plugin_button-personalization_%'"
      );
    }, 300_000);
  });
}
