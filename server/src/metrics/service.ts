import type { Core } from '@strapi/strapi';
import { getService } from '../utils/get-service';
import { createPluginMetrics } from './registry';

/** The plugin's metrics, reading the live client's state at scrape time. */
const metricsService = ({ strapi }: { strapi: Core.Strapi }) =>
  createPluginMetrics({
    serverAddress: () => new URL(getService(strapi, 'button').config().baseUrl).hostname,
    poolStats: () => getService(strapi, 'button').peek()?.poolStats(),
    breakerState: () => getService(strapi, 'button').peek()?.breakerState()?.state,
  });

export default metricsService;
