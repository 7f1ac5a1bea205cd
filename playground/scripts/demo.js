'use strict';

/**
 * `npm run demo`: the Button simulator (HTTPS, ~100 ms like Button) and the playground wired to each other,
 * then the admin URL, the credentials, the example frontend (playground/public/example, served by Strapi at
 * /example/, signing in as the seeded end user) and a ready-to-paste curl. Demo only: the secrets below are not
 * secrets.
 *
 * `npm run demo -- --instances 3`: the same simulator, then a cluster (playground/scripts/cluster.js): that many
 * playground processes on one PostgreSQL database (DATABASE_URL, or database `button_demo_cluster` on
 * 127.0.0.1:5432 as user postgres, created if missing) and one Redis (BUTTON_REDIS_URL, default
 * redis://127.0.0.1:6379), behind a round-robin proxy (PROXY_PORT, default 1336; instances on PORT, default 1337,
 * and the ports after it). Without the flag: one instance on SQLite, as before.
 */

const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { createButtonSimulator, TEST_CA_PATH } = require('../../simulator');
const { DEFAULT_ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD, DEFAULT_END_USER_EMAIL, DEFAULT_END_USER_PASSWORD } = require('../src/seed');

const REPO_DIR = path.resolve(__dirname, '../..');
const DEMO_API_KEY = 'demo_button_api_key';
const DEMO_WEBHOOK_SECRET = 'demo_webhook_secret';
const DEMO_PUBREF_SECRET = 'demo_pubref_secret';
const DEMO_TOKEN_NAME = 'Button personalization demo';
const OFFERS_ACTION = 'plugin::button-personalization.offers.find';
const DEMO_CLUSTER_DATABASE = 'button_demo_cluster';

/** The example frontend's end user (seeded at boot, see playground/src/seed.js), as printed. */
function endUserLogin() {
  const email = process.env.PLAYGROUND_END_USER_EMAIL || DEFAULT_END_USER_EMAIL;
  const password = process.env.PLAYGROUND_END_USER_PASSWORD ? '(from PLAYGROUND_END_USER_PASSWORD)' : DEFAULT_END_USER_PASSWORD;
  return `${email} / ${password}`;
}

function parseInstances(argv) {
  const at = argv.findIndex((arg) => arg === '--instances' || arg.startsWith('--instances='));
  if (at === -1) return undefined;
  const raw = argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > 16) throw new Error('--instances takes a whole number from 1 to 16');
  return count;
}

async function main() {
  const instances = parseInstances(process.argv.slice(2));
  console.log('[demo] building the plugin...');
  const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO_DIR, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the plugin build failed');

  const sim = createButtonSimulator({ apiKey: DEMO_API_KEY, tls: true, webhookSecret: DEMO_WEBHOOK_SECRET });
  sim.faults.set({
    latency: { meanMs: Number(process.env.SIMULATOR_LATENCY_MS ?? 100), jitterMs: Number(process.env.SIMULATOR_JITTER_MS ?? 20) },
  });
  const simUrl = await sim.start({ port: Number(process.env.SIMULATOR_PORT ?? 9400) });

  Object.assign(process.env, {
    BUTTON_API_KEY: DEMO_API_KEY,
    BUTTON_API_BASE_URL: simUrl,
    BUTTON_API_CA_FILE: TEST_CA_PATH,
    BUTTON_WEBHOOK_SECRET: process.env.BUTTON_WEBHOOK_SECRET || DEMO_WEBHOOK_SECRET,
    BUTTON_PUBREF_SECRET: process.env.BUTTON_PUBREF_SECRET || DEMO_PUBREF_SECRET,
    // Reconciliation reads the simulator's Transactions API (every webhook it plays is there too).
    BUTTON_ACCOUNTS_BASE_URL: simUrl,
    BUTTON_RECONCILIATION_ACCOUNT_ID: process.env.BUTTON_RECONCILIATION_ACCOUNT_ID || sim.accountId,
    // The simulator serves the brands' icons from 127.0.0.1, which the icon import refuses by default.
    BUTTON_CATALOGUE_ICON_PRIVATE_HOSTS: 'true',
  });
  // The cluster's processes inherit this environment.
  if (instances !== undefined) return runCluster(instances, sim, simUrl);

  // Loaded after the environment is set: the app reads it at boot.
  const { launchPlayground, onShutdown } = require('./launch');
  const { strapi, url } = await launchPlayground();
  // After Strapi's graceful stop (in-flight offers still reach the simulator while it drains).
  onShutdown(() => sim.stop());

  const token = await recreateDemoToken(strapi);
  const email = process.env.PLAYGROUND_ADMIN_EMAIL || DEFAULT_ADMIN_EMAIL;
  const password = process.env.PLAYGROUND_ADMIN_PASSWORD ? '(from PLAYGROUND_ADMIN_PASSWORD)' : DEFAULT_ADMIN_PASSWORD;
  console.log(`
==================================================================
 Button personalization demo is running (Ctrl-C to stop)

 Button simulator : ${simUrl}  (stats: ${simUrl}/__simulator/stats)
 Admin panel      : ${url}/admin
 Admin login      : ${email} / ${password}
 Example frontend : ${url}/example/  (signs in as ${endUserLogin()})

 Live offers for a user, merged with the seeded CMS entries:

 curl -s -X POST ${url}/api/button-personalization/offers \\
   -H 'Authorization: Bearer ${token}' \\
   -H 'Content-Type: application/json' \\
   -d '{"user_id": "user-1", "emails": ["alice@example.com"]}'

 Then let the simulator play Button's webhooks for one of those pub_refs
 (the transaction shows up in the ledger and the admin's Commissions page):

 curl -sk -X POST ${simUrl}/__simulator/webhooks \\
   -H 'Content-Type: application/json' \\
   -d '{"url": "${url}/api/button-personalization/webhooks", "pub_ref": "<a pub_ref from above>", "final": "validated"}'

 Add "drop_ratio": 1 to lose those webhooks on the way: the transaction is only in Button's Transactions API
 until a reconciliation (Commissions page > Reconciliation > Run now) brings it into the ledger.
==================================================================
`);
}

/** A fresh API token limited to the offers action (its key is only readable when created). */
async function recreateDemoToken(strapi) {
  const tokens = strapi.service('admin::api-token');
  const existing = await strapi.db.query('admin::api-token').findOne({ where: { name: DEMO_TOKEN_NAME } });
  if (existing) await tokens.revoke(existing.id);
  const created = await tokens.create({
    name: DEMO_TOKEN_NAME,
    description: 'Created by npm run demo: may call the offers endpoint only.',
    type: 'custom',
    kind: 'content-api',
    lifespan: null,
    permissions: [OFFERS_ACTION],
  });
  return created.accessKey;
}

/** Creates the cluster demo's PostgreSQL database unless it exists; returns the environment that points at it. */
async function clusterDatabase() {
  const { Client } = require('pg');
  const target = process.env.DATABASE_URL
    ? new URL(process.env.DATABASE_URL)
    : new URL(`postgres://postgres@127.0.0.1:5432/${DEMO_CLUSTER_DATABASE}`);
  const name = decodeURIComponent(target.pathname.slice(1)) || DEMO_CLUSTER_DATABASE;
  const server = new URL(target.href);
  server.pathname = '/postgres';
  const client = new Client({ connectionString: server.href });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      // Identifiers cannot be bound parameters: quoted, with any quote doubled.
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      console.log(`[demo] created the PostgreSQL database ${name}`);
    }
  } finally {
    await client.end();
  }
  return {
    DATABASE_CLIENT: 'postgres',
    DATABASE_HOST: target.hostname,
    DATABASE_PORT: target.port || '5432',
    DATABASE_NAME: name,
    DATABASE_USERNAME: decodeURIComponent(target.username) || 'postgres',
    DATABASE_PASSWORD: decodeURIComponent(target.password),
  };
}

/** `--instances N`: N playground processes on PostgreSQL and Redis behind the round-robin proxy. */
async function runCluster(count, sim, simUrl) {
  const { startCluster } = require('./cluster');
  const redisUrl = process.env.BUTTON_REDIS_URL || 'redis://127.0.0.1:6379';
  const firstPort = Number(process.env.PORT ?? 1337);
  let cluster;
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      console.log('\n[demo] stopping the cluster...');
      await cluster?.stop();
      await sim.stop();
      process.exit(0);
    })();
    return stopping;
  };
  // Ctrl-C reaches the children too (same process group); this waits for them to finish draining.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  cluster = await startCluster({
    instances: count,
    ports: Array.from({ length: count }, (_, i) => firstPort + i),
    proxyPort: Number(process.env.PROXY_PORT ?? 1336),
    env: {
      ...(await clusterDatabase()),
      BUTTON_REDIS_URL: redisUrl,
      BUTTON_RATE_LIMIT_EXPECTED_INSTANCES: process.env.BUTTON_RATE_LIMIT_EXPECTED_INSTANCES || String(count),
    },
    log: (line) => console.log(line),
  });
  const [first] = cluster.instances;
  const email = process.env.PLAYGROUND_ADMIN_EMAIL || DEFAULT_ADMIN_EMAIL;
  const password = process.env.PLAYGROUND_ADMIN_PASSWORD ? '(from PLAYGROUND_ADMIN_PASSWORD)' : DEFAULT_ADMIN_PASSWORD;
  console.log(`
==================================================================
 Button personalization demo: ${count} instances sharing PostgreSQL and Redis (Ctrl-C to stop)

 Button simulator : ${simUrl}  (stats: ${simUrl}/__simulator/stats)
 Redis            : ${redactRedisUrl(redisUrl)}
 Round-robin proxy: ${cluster.proxyUrl}  (X-Upstream names the instance that answered)
${cluster.instances.map((instance) => ` Instance ${instance.index}       : ${instance.url}  (pid ${instance.pid}, admin ${instance.url}/admin)`).join('\n')}
 Admin login      : ${email} / ${password}  (on any instance: one database)
 Example frontend : ${cluster.proxyUrl}/example/  (signs in as ${endUserLogin()})

 Live offers through the proxy (run it a few times: the instances take turns):

 curl -si -X POST ${cluster.proxyUrl}/api/button-personalization/offers \\
   -H 'Authorization: Bearer ${first.token}' \\
   -H 'Content-Type: application/json' \\
   -d '{"user_id": "user-1", "emails": ["alice@example.com"]}'
==================================================================
`);
}

/** The Redis URL without its password, for printing. */
function redactRedisUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return '(invalid URL)';
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
