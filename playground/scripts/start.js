'use strict';

/** `npm run playground`: the playground app alone, configured by the BUTTON_* (and PORT, DATABASE_*) variables. */

const { launchPlayground } = require('./launch');

// Ctrl-C / SIGTERM: Strapi's own handler stops the app gracefully (see launch.js), then exits.
launchPlayground()
  .then(({ url }) => {
    console.log(`[playground] admin panel: ${url}/admin`);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
