// @ts-check
'use strict';

/**
 * Child-process entry: the playground's round-robin HTTP proxy (playground/scripts/round-robin-proxy.js) in a
 * process of its own, in front of the cluster's Strapi instances (BENCH_RR_UPSTREAMS: comma-separated URLs), on
 * 127.0.0.1 with an ephemeral port. Reports `{ type: 'ready', url }` over IPC like the other children and exits
 * when the parent goes away.
 */

const { startRoundRobinProxy } = require('../../playground/scripts/round-robin-proxy');

async function main() {
  const upstreams = String(process.env.BENCH_RR_UPSTREAMS ?? '')
    .split(',')
    .filter(Boolean);
  const proxy = await startRoundRobinProxy({ upstreams, port: 0, host: '127.0.0.1' });
  const stop = () => proxy.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
  process.send?.({ type: 'ready', url: proxy.url, upstreams });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
