import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from './constants';
import { getService } from './utils/get-service';

const bootstrap = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = getService(strapi, 'button').config();
  // Say what is (and is not) configured, never the values themselves.
  if (config.apiKey === undefined) {
    strapi.log.warn(`[${PLUGIN_ID}] BUTTON_API_KEY is not set: the offers endpoint answers 503 until it is configured`);
  } else {
    strapi.log.info(`[${PLUGIN_ID}] calling Button at ${new URL(config.baseUrl).origin} (pool of ${config.pool.connections} keep-alive connections)`);
  }
};

export default bootstrap;
