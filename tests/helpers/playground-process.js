'use strict';

/**
 * The playground as a real process, started the way `npm run playground` starts it (playground/scripts/launch.js,
 * so Strapi's own signal handling), plus an offers API token. Prints one JSON line `{"ready": ..., "token": ...}`
 * on stdout once it listens. Used by tests that need a real SIGTERM (graceful-shutdown.test.ts).
 */

const { launchPlayground } = require('../../playground/scripts/launch');

launchPlayground()
  .then(async ({ strapi, url }) => {
    const token = await strapi.service('admin::api-token').create({
      name: 'playground-process token',
      description: 'created by tests/helpers/playground-process.js',
      type: 'custom',
      kind: 'content-api',
      lifespan: null,
      permissions: ['plugin::button-personalization.offers.find'],
    });
    process.stdout.write(`${JSON.stringify({ ready: url, token: token.accessKey, pid: process.pid })}\n`);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
