import type { Core } from '@strapi/strapi';
import { systemClock } from '../button-client/clock';
import { createLocalRateLimiter } from '../button-client/rate-limiter';
import { createButtonService, type ButtonService } from '../button-client/service';
import { getPluginConfig } from '../config';
import { PLUGIN_ID } from '../constants';
import { createHealthService, type HealthService } from '../health/service';
import { createCommissionsService, type CommissionsService, type LedgerDb } from '../commissions';
import { strapiMerchantEntries } from '../merchants/entries';
import { createMerchantsService, type MerchantsService } from '../merchants/service';
import { createMetricsService, type MetricsService } from '../metrics/service';
import { strapiOffersContent } from '../offers/cms-content';
import { createOffersService, type OffersService } from '../offers/service';
import { createSettingsService, type SettingsService } from '../settings/service';
import { offersRoutes, restPrefix, serverUrl, webhookUrl } from '../utils/paths';
import { getService } from '../utils/get-service';
import { strapiPluginStore } from '../utils/plugin-store';

/**
 * The composition root: the one place that reads the plugin's config (`getPluginConfig`) and Strapi's pieces, and
 * builds each capability's service from them. Services never look each other up: what one needs of another is
 * passed here, as a getter when Strapi builds that other service later (Strapi builds each on first use). Return
 * types are spelled out so that `getService`, whose types derive from this map, is not circular.
 *
 * Sharing something between instances (a rate limiter in Redis, say) is a change here, as an argument.
 */
type Factory<Service> = (context: { strapi: Core.Strapi }) => Service;

const button: Factory<ButtonService> = ({ strapi }) => {
  const config = getPluginConfig(strapi);
  return createButtonService({
    config,
    log: strapi.log,
    events: () => [getService(strapi, 'metrics').events, getService(strapi, 'health').events],
    rateLimiter: createLocalRateLimiter({ perMinute: config.rateLimit.perMinute, clock: systemClock }),
  });
};

const commissions: Factory<CommissionsService> = ({ strapi }) => {
  const { webhookSecret, pubRefSecret, pubRefMaxAgeDays } = getPluginConfig(strapi);
  return createCommissionsService({
    // The ledger's narrow view of the query engine (commissions/db.ts): the only handle on its two tables.
    db: {
      query: (uid) => strapi.db.query(uid) as unknown as ReturnType<LedgerDb['query']>,
      transaction: <T>(work: () => Promise<T>) => strapi.db.transaction(() => work()) as unknown as Promise<T>,
    },
    config: { webhookSecret, pubRefSecret, pubRefMaxAgeDays },
    log: {
      info: (message) => strapi.log.info(`[${PLUGIN_ID}] ${message}`),
      warn: (message) => strapi.log.warn(`[${PLUGIN_ID}] ${message}`),
      error: (message) => strapi.log.error(`[${PLUGIN_ID}] ${message}`),
    },
    eventHub: strapi.eventHub,
  });
};

const health: Factory<HealthService> = ({ strapi }) =>
  createHealthService({
    config: getPluginConfig(strapi),
    client: () => getService(strapi, 'button').peek(),
    webhookUrl: () => webhookUrl(serverUrl(strapi), restPrefix(strapi)),
  });

const metrics: Factory<MetricsService> = ({ strapi }) =>
  createMetricsService({
    baseUrl: getPluginConfig(strapi).baseUrl,
    client: () => getService(strapi, 'button').peek(),
    offersRoutes: Object.values(offersRoutes(restPrefix(strapi))),
  });

const merchants: Factory<MerchantsService> = ({ strapi }) =>
  createMerchantsService({ store: strapiPluginStore(strapi), entries: strapiMerchantEntries(strapi), log: strapi.log });

const offers: Factory<OffersService> = ({ strapi }) =>
  createOffersService({
    client: () => getService(strapi, 'button').client(),
    settings: () => getService(strapi, 'settings').offers(),
    recordSeen: (merchantIds) => getService(strapi, 'merchants').recordSeen(merchantIds),
    pubRefSecret: getPluginConfig(strapi).pubRefSecret,
    content: strapiOffersContent(strapi),
  });

const settings: Factory<SettingsService> = ({ strapi }) =>
  createSettingsService({ config: getPluginConfig(strapi), store: strapiPluginStore(strapi) });

const services = { button, commissions, health, merchants, metrics, offers, settings };

export default services;
