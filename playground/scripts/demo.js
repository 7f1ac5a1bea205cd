'use strict';

/**
 * `npm run demo`: the Button simulator (HTTPS, ~100 ms like Button) and the playground wired to each other,
 * then the admin URL, the credentials and a ready-to-paste curl. Demo only: the secrets below are not secrets.
 */

const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { createButtonSimulator, TEST_CA_PATH } = require('../../simulator');
const { DEFAULT_ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD } = require('../src/seed');

const REPO_DIR = path.resolve(__dirname, '../..');
const DEMO_API_KEY = 'demo_button_api_key';
const DEMO_WEBHOOK_SECRET = 'demo_webhook_secret';
const DEMO_PUBREF_SECRET = 'demo_pubref_secret';
const DEMO_TOKEN_NAME = 'Button personalization demo';
const OFFERS_ACTION = 'plugin::button-personalization.offers.find';

async function main() {
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
  });
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

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
