'use strict';

/** `npm run playground`: the playground app alone, configured by the BUTTON_* (and PORT, DATABASE_*) variables. */

const { launchPlayground, onShutdown } = require('./launch');

launchPlayground()
  .then(({ stop, url }) => {
    console.log(`[playground] admin panel: ${url}/admin`);
    onShutdown(stop);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
