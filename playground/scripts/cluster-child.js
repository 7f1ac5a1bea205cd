'use strict';

/**
 * One process of a cluster started by cluster.js: `node cluster-child.js instance` (a playground Strapi, launched
 * like `npm run playground`, so with Strapi's own signal handling) or `node cluster-child.js proxy --upstream ...`
 * (the round-robin proxy). Prints one JSON line `{"ready": url, "pid", "token"?}` on stdout once it listens.
 *
 * Instances create an API token named after their port (an older one of that name is revoked first: the demo's
 * database outlives its runs). Its permissions: PLAYGROUND_TOKEN_PERMISSIONS (comma-separated actions), by default
 * the offers action only; the cluster test adds `plugin::button-personalization.metrics.scrape`.
 *
 * Both kinds stop when their stdin closes: the parent holds the other end, so even a parent killed with SIGKILL
 * (or a crashed test worker) leaves no orphan Strapi or proxy behind, which an 'exit' handler alone cannot promise.
 */

const OFFERS_ACTION = 'plugin::button-personalization.offers.find';

/** Calls `stop` once the parent's end of stdin is gone. */
function stopWithParent(stop) {
  process.stdin.on('data', () => undefined);
  process.stdin.once('end', stop);
  process.stdin.once('close', stop);
  process.stdin.resume();
}

async function startInstance() {
  const { launchPlayground } = require('./launch');
  const { strapi, url, stop } = await launchPlayground();
  let stopping = false;
  stopWithParent(() => {
    if (stopping) return;
    stopping = true;
    stop().finally(() => process.exit(0));
  });
  const permissions = (process.env.PLAYGROUND_TOKEN_PERMISSIONS || OFFERS_ACTION)
    .split(',')
    .map((action) => action.trim())
    .filter(Boolean);
  const name = `cluster instance ${strapi.config.get('server.port')}`;
  const tokens = strapi.service('admin::api-token');
  const existing = await strapi.db.query('admin::api-token').findOne({ where: { name } });
  if (existing) await tokens.revoke(existing.id);
  const token = await tokens.create({
    name,
    description: 'Created by playground/scripts/cluster-child.js for one instance of a local cluster.',
    type: 'custom',
    kind: 'content-api',
    lifespan: null,
    permissions,
  });
  process.stdout.write(`${JSON.stringify({ ready: url, token: token.accessKey, pid: process.pid })}\n`);
}

async function startProxy(argv) {
  const { startRoundRobinProxy } = require('./round-robin-proxy');
  const upstreams = [];
  let port = 0;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--port') port = Number(argv[++i]);
    else if (argv[i] === '--upstream') upstreams.push(...argv[++i].split(',').filter(Boolean));
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  const { url, close } = await startRoundRobinProxy({ upstreams, port });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  stopWithParent(stop);
  process.stdout.write(`${JSON.stringify({ ready: url, pid: process.pid })}\n`);
}

const [kind, ...rest] = process.argv.slice(2);
const started =
  kind === 'instance'
    ? startInstance()
    : kind === 'proxy'
      ? startProxy(rest)
      : Promise.reject(new Error(`usage: cluster-child.js instance | proxy --upstream url,...`));
started.catch((error) => {
  console.error(error);
  process.exit(1);
});
