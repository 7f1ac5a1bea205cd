import type { Core } from '@strapi/strapi';
import { ACTION_DEFINITIONS } from './admin-access/permissions';
import { PLUGIN_ID } from './constants';
import { getService } from './utils/get-service';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.admin.services.permission.actionProvider.registerMany(ACTION_DEFINITIONS);
  await getService(strapi, 'settings').load();
  await getService(strapi, 'merchants').start();

  const button = getService(strapi, 'button');
  const config = button.config();
  // Say what is (and is not) configured, never the values themselves.
  if (config.apiKey === undefined) {
    strapi.log.warn(`[${PLUGIN_ID}] BUTTON_API_KEY is not set: the offers endpoint answers 503 until it is configured`);
    return;
  }
  strapi.log.info(
    `[${PLUGIN_ID}] calling Button at ${new URL(config.baseUrl).origin} (pool of ${config.pool.connections} keep-alive connections)`
  );
  if (config.pool.warmup) {
    // Not awaited: a slow or absent Button must not hold up Strapi's boot.
    void button
      .client()
      .warmup()
      .then((warm) =>
        strapi.log.debug(`[${PLUGIN_ID}] connection warm-up ${warm ? 'done' : 'failed (the first request will connect)'}`)
      );
  }
};

export default bootstrap;
