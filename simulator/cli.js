#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * `npm run simulator`: the Button simulator on its own.
 *   SIMULATOR_PORT (default 9400), SIMULATOR_HOST (127.0.0.1), SIMULATOR_TLS=1 for HTTPS with the repo's test
 *   certificate, BUTTON_API_KEY (the key it accepts; default sim_api_key), SIMULATOR_LATENCY_MS and
 *   SIMULATOR_JITTER_MS (base latency), or SIMULATOR_PROFILE (`zero`, `button`: see profiles.js) instead of both.
 *   SIMULATOR_ACCOUNT_ID (default acc-simulator-1) and SIMULATOR_TRANSACTIONS_PAGE_SIZE (default 100) shape the
 *   Transactions API; SIMULATOR_MERCHANTS_PAGE_SIZE (default 50) the brand catalogue (GET /v1/merchants). Faults at run time: PUT /__simulator/faults; counters: GET /__simulator/stats;
 *   POST /__simulator/outage; webhooks: POST /__simulator/webhooks; Button's record: GET /__simulator/transactions.
 */

const { createButtonSimulator } = require('./server');
const { latencyProfile } = require('./profiles');

async function main() {
  const sim = createButtonSimulator({
    apiKey: process.env.BUTTON_API_KEY || 'sim_api_key',
    tls: process.env.SIMULATOR_TLS === '1',
    // Signs the webhooks sent with POST /__simulator/webhooks.
    webhookSecret: process.env.BUTTON_WEBHOOK_SECRET || undefined,
    // How long an idle keep-alive connection stays open (Node's default is 5 s; API load balancers keep 60 s or more).
    keepAliveTimeoutMs: process.env.SIMULATOR_KEEP_ALIVE_TIMEOUT_MS
      ? Number(process.env.SIMULATOR_KEEP_ALIVE_TIMEOUT_MS)
      : undefined,
    accountId: process.env.SIMULATOR_ACCOUNT_ID || undefined,
    transactionsPageSize: process.env.SIMULATOR_TRANSACTIONS_PAGE_SIZE
      ? Number(process.env.SIMULATOR_TRANSACTIONS_PAGE_SIZE)
      : undefined,
    merchantsPageSize: process.env.SIMULATOR_MERCHANTS_PAGE_SIZE ? Number(process.env.SIMULATOR_MERCHANTS_PAGE_SIZE) : undefined,
  });
  const latency = process.env.SIMULATOR_PROFILE
    ? latencyProfile(process.env.SIMULATOR_PROFILE)
    : { meanMs: Number(process.env.SIMULATOR_LATENCY_MS ?? 0), jitterMs: Number(process.env.SIMULATOR_JITTER_MS ?? 0) };
  sim.faults.set({ latency });
  const url = await sim.start({
    port: Number(process.env.SIMULATOR_PORT ?? 9400),
    host: process.env.SIMULATOR_HOST ?? '127.0.0.1',
  });
  console.log(`Button simulator listening on ${url} (POST ${url}/v1/offers; stats at ${url}/__simulator/stats)`);
  const shutdown = () => sim.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
