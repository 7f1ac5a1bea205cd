'use strict';

/**
 * Starts the playground Strapi app in this process (shared by `npm run playground` and `npm run demo`).
 *
 * Shutdown: Strapi's own signal handler (registered by createStrapi) is the only one. On SIGTERM or SIGINT it runs
 * `strapi.destroy()`, where the plugin drains in-flight requests (BUTTON_SHUTDOWN_GRACE_MS), then exits. A second
 * signal while draining is ignored by that handler. This file used to add a handler of its own: Strapi 5.54 then
 * ran destroy() twice, the second call threw at once ("Destroy for ... has already been called") and that handler
 * exited the process in the middle of the drain. `strapi.destroy()` is made idempotent here (a second call waits
 * for the first), and the cleanups given to `onShutdown` (the demo's simulator) run after it, before the exit.
 *
 * PLAYGROUND_SERVE_ADMIN=false skips building (and serving) the admin panel: for the benchmark and for tests that
 * run the app as a child process and only need its APIs.
 */

const path = require('node:path');
const { createStrapi } = require('@strapi/strapi');
const { buildAdmin } = require('./build-admin');

const APP_DIR = path.resolve(__dirname, '..');
const cleanups = [];

async function launchPlayground() {
  process.env.STRAPI_TELEMETRY_DISABLED ??= 'true';
  const serveAdmin = process.env.PLAYGROUND_SERVE_ADMIN !== 'false';
  if (serveAdmin && (await buildAdmin({ force: process.env.PLAYGROUND_REBUILD_ADMIN === '1' }))) {
    console.log('[playground] admin panel built (set PLAYGROUND_REBUILD_ADMIN=1 to rebuild it after admin changes)');
  }
  const strapi = createStrapi({ appDir: APP_DIR, distDir: APP_DIR });
  const destroyOnce = strapi.destroy.bind(strapi);
  let destroying;
  strapi.destroy = () => {
    destroying ??= destroyOnce().finally(runCleanups);
    return destroying;
  };
  await strapi.start();
  return {
    strapi,
    stop: () => strapi.destroy(),
    url: `http://${strapi.config.get('server.host')}:${strapi.config.get('server.port')}`,
  };
}

/** Runs `cleanup` once the app has shut down (on Ctrl-C, SIGTERM or stop()), before the process exits. */
function onShutdown(cleanup) {
  cleanups.push(cleanup);
}

async function runCleanups() {
  for (const cleanup of cleanups.splice(0)) {
    try {
      await cleanup();
    } catch (error) {
      console.error('[playground] a shutdown cleanup failed:', error);
    }
  }
}

module.exports = { launchPlayground, onShutdown, APP_DIR };
