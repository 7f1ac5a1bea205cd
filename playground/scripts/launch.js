'use strict';

/**
 * Starts the playground Strapi app in this process (shared by `npm run playground` and `npm run demo`).
 */

const path = require('node:path');
const { createStrapi } = require('@strapi/strapi');
const { buildAdmin } = require('./build-admin');

const APP_DIR = path.resolve(__dirname, '..');

async function launchPlayground() {
  process.env.STRAPI_TELEMETRY_DISABLED ??= 'true';
  if (await buildAdmin({ force: process.env.PLAYGROUND_REBUILD_ADMIN === '1' })) {
    console.log('[playground] admin panel built (set PLAYGROUND_REBUILD_ADMIN=1 to rebuild it after admin changes)');
  }
  const strapi = createStrapi({ appDir: APP_DIR, distDir: APP_DIR });
  await strapi.start();
  const stop = async () => {
    await strapi.destroy();
  };
  return { strapi, stop, url: `http://${strapi.config.get('server.host')}:${strapi.config.get('server.port')}` };
}

/** Runs `cleanup` once on Ctrl-C or SIGTERM, then exits. */
function onShutdown(cleanup) {
  let stopping = false;
  const handler = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await cleanup();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

module.exports = { launchPlayground, onShutdown, APP_DIR };
