// @ts-check
'use strict';

/**
 * Child-process entry: the playground Strapi app, configured entirely by its environment (NODE_ENV, PORT,
 * DATABASE_*, BUTTON_*), booted without the admin panel. Once listening it creates one API token allowed to
 * call the offers route and the ping route (and to scrape the plugin's metrics when that action exists), then
 * reports `{ url, token, metricsScrape }` to the parent over IPC. Exits when the parent goes away.
 */

const path = require('node:path');
const { createStrapi } = require('@strapi/strapi');

const APP_DIR = path.resolve(__dirname, '../../playground');
const OFFERS_ACTION = 'plugin::button-personalization.offers.find';
const PING_ACTION = 'api::ping.ping.find';
const METRICS_ACTION = 'plugin::button-personalization.metrics.scrape';

/** @param {any} strapi @param {string[]} permissions */
async function createToken(strapi, permissions) {
  const created = await strapi.service('admin::api-token').create({
    // The pid too: cluster instances share one database, where token names must be unique.
    name: `benchmark ${permissions.length} ${process.pid} ${Date.now()}`,
    description: 'Created by npm run bench',
    type: 'custom',
    kind: 'content-api',
    lifespan: null,
    permissions,
  });
  return /** @type {string} */ (created.accessKey);
}

async function main() {
  const strapi = createStrapi({ appDir: APP_DIR, distDir: APP_DIR });
  // Strapi's own SIGTERM/SIGINT handler (registered by start()) destroys and exits; a second destroy() throws in
  // Strapi 5.54, so every caller shares one. The parent going away stops the child the same way.
  const destroyOnce = strapi.destroy.bind(strapi);
  /** @type {Promise<void> | undefined} */
  let destroying;
  strapi.destroy = () => {
    destroying ??= destroyOnce();
    return destroying;
  };
  process.once('disconnect', () => {
    setTimeout(() => process.exit(0), 15_000).unref();
    strapi
      .destroy()
      .catch(() => undefined)
      .finally(() => process.exit(0));
  });

  // `{ type: 'stats', gc?: boolean }`: this process's CPU time (process.cpuUsage, microseconds) and memory, and
  // with `gc` (the benchmark starts playgrounds with --expose-gc) the heap used after a forced full collection:
  // what the soak compares at its start and end, since RSS mostly measures the allocator, not live objects.
  process.on('message', (/** @type {any} */ message) => {
    if (message?.type !== 'stats') return;
    const gc = /** @type {(() => void) | undefined} */ (/** @type {any} */ (globalThis).gc);
    let heapUsedAfterGc;
    if (message.gc && gc) {
      gc();
      gc(); // a second pass collects what the first one's finalisers released
      heapUsedAfterGc = process.memoryUsage().heapUsed;
    }
    process.send?.({
      type: 'reply',
      id: message.id,
      cpu: process.cpuUsage(),
      memory: process.memoryUsage(),
      heapUsedAfterGc,
    });
  });

  await strapi.start();
  const address = /** @type {import('node:net').AddressInfo} */ (strapi.server.httpServer.address());
  // The metrics route belongs to work that may not be merged yet: an unknown action fails token creation.
  let token;
  let metricsScrape = true;
  try {
    token = await createToken(strapi, [OFFERS_ACTION, PING_ACTION, METRICS_ACTION]);
  } catch {
    metricsScrape = false;
    token = await createToken(strapi, [OFFERS_ACTION, PING_ACTION]);
  }
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${address.port}`, token, metricsScrape });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
