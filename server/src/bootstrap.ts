import type { Core } from '@strapi/strapi';
import { ACTION_DEFINITIONS } from './admin-access/permissions';
import { warmUpAtBoot } from './button-client/boot-warmup';
import { getPluginConfig } from './config';
import { bootstrapCatalogue } from './catalogue';
import { bootstrapCommissions } from './commissions';
import { hasHiddenUrlParts, redactUrl } from './config/redact-url';
import type { PluginConfig } from './config/schema';
import { PLUGIN_ID } from './constants';
import { getService } from './utils/get-service';
import { describeOption } from './config/option-names';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  // After Strapi initialised the database: writes to the ledger's tables outside the webhook path are refused;
  // and once the server listens, a probe checks that webhooks get their raw bytes.
  bootstrapCommissions(strapi);
  bootstrapCatalogue(strapi);
  await strapi.admin.services.permission.actionProvider.registerMany(ACTION_DEFINITIONS);
  listenToOtherInstances(strapi);
  await getService(strapi, 'settings').start();
  await getService(strapi, 'merchants').start();

  const config = getPluginConfig(strapi);
  reportConfiguration(strapi, config);

  if (config.apiKey !== undefined && config.pool.warmup) {
    // Not awaited: a slow or absent Button must not hold up Strapi's boot.
    const server = strapi.server.httpServer;
    void warmUpAtBoot({
      warmup: () => getService(strapi, 'button').client().warmup(),
      serverReady: () => (server.listening ? Promise.resolve() : new Promise((resolve) => server.once('listening', resolve))),
      log: (message) => strapi.log.debug(`[${PLUGIN_ID}] ${message}`),
    });
  }
};

/**
 * What another instance announces through Redis (shared-state/invalidation-bus.ts) drops the same caches here as
 * the change did there. Nothing is subscribed without Redis: the caches' TTLs then bound the lag.
 */
function listenToOtherInstances(strapi: Core.Strapi) {
  getService(strapi, 'sharedState').bus.subscribe((kind) => {
    if (kind === 'content') getService(strapi, 'offers').invalidateContent();
    else if (kind === 'locales') getService(strapi, 'offers').invalidateLocales();
    else {
      getService(strapi, 'settings')
        .load()
        .catch((error: unknown) => strapi.log.warn(`[${PLUGIN_ID}] could not reload the runtime settings: ${String(error)}`));
    }
  });
}

/** Says what is (and is not) configured, never the values themselves. */
function reportConfiguration(strapi: Core.Strapi, config: PluginConfig) {
  if (config.apiKey === undefined) {
    strapi.log.warn(
      `[${PLUGIN_ID}] ${describeOption('apiKey')} is not set: the offers endpoint answers 503 until it is configured`
    );
  } else {
    strapi.log.info(
      `[${PLUGIN_ID}] calling Button at ${redactUrl(config.baseUrl)} (pool of ${config.pool.connections} keep-alive connections)`
    );
  }
  if (hasHiddenUrlParts(config.baseUrl)) {
    strapi.log.warn(
      `[${PLUGIN_ID}] ${describeOption('baseUrl')} carries credentials (user:pass@), a query string or a fragment: they ` +
        'are never sent (the plugin authenticates with `apiKey`) nor shown; remove them from the URL'
    );
  }
  if (config.webhookSecret === undefined) {
    strapi.log.warn(
      `[${PLUGIN_ID}] ${describeOption('webhookSecret')} is not set: the webhook endpoint answers 503 (Button retries) ` +
        'until it is configured'
    );
  }
  const { redis, rateLimit } = config;
  if (
    (redis.url !== undefined || redis.connection !== undefined) &&
    rateLimit.expectedInstances === 1 &&
    rateLimit.fallbackPerMinute === undefined
  ) {
    strapi.log.warn(
      `[${PLUGIN_ID}] Redis is configured but ${describeOption('rateLimit.expectedInstances')} is 1: while ` +
        `Redis is unreachable every instance may send the whole budget of ${rateLimit.perMinute} calls a minute. Set it to ` +
        'the most instances you run, or set rateLimit.fallbackPerMinute'
    );
  }
  if (config.pubRefSecret === undefined) {
    strapi.log.warn(
      `[${PLUGIN_ID}] ${describeOption('pubRefSecret')} is not set: offers are served with unsigned pubRefs, which the ` +
        'ledger marks as not verified'
    );
  }
}

export default bootstrap;
