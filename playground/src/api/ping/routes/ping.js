'use strict';

/**
 * A trivial content-API route: the benchmark's "Strapi floor". It is protected like the offers route (an API
 * token or a role needs `api::ping.ping.find`), so both pay the same auth cost. POST as well as GET, so the
 * benchmark can send it the same JSON body as the offers call and measure body parsing in the floor too.
 */
module.exports = {
  routes: [
    { method: 'GET', path: '/ping', handler: 'ping.find', config: { policies: [] } },
    { method: 'POST', path: '/ping', handler: 'ping.find', config: { policies: [] } },
  ],
};
