import type { Core } from '@strapi/strapi';
import { createAccessService, type AccessService } from '../access/service';
import { createButtonService, type ButtonService } from '../button-client/service';
import { getPluginConfig } from '../config';
import { BRAND_UID, CATALOGUE_SYNC_UID, PLUGIN_ID, RECONCILIATION_RUN_UID } from '../constants';
import { createCatalogueService, strapiIconMedia, type CatalogueService, type CatalogueTableQuery } from '../catalogue';
import { createHealthService, type HealthService } from '../health/service';
import { createCommissionsService, type CommissionsService, type LedgerDb } from '../commissions';
import { strapiMerchantEntries } from '../merchants/entries';
import { createMerchantsService, type MerchantsService } from '../merchants/service';
import { createMetricsService, type MetricsService } from '../metrics/service';
import { strapiOffersContent } from '../offers/cms-content';
import { createOffersService, type OffersService } from '../offers/service';
import { createSettingsService, type SettingsService } from '../settings/service';
import { createSharedState, type SharedState } from '../shared-state';
import { offersRoutes, restPrefix, serverUrl, webhookUrl } from '../utils/paths';
import { getService } from '../utils/get-service';
import { strapiPluginStore } from '../utils/plugin-store';
import { INSTANCE_ID } from '../utils/instance-id';
import type { RunsQuery } from '../commissions/reconciliation';
import { createJobLocks, type LockQuery } from '../jobs/lock';

/**
 * The composition root: the one place that reads the plugin's config (`getPluginConfig`) and Strapi's pieces, and
 * builds each capability's service from them. Services never look each other up: what one needs of another is
 * passed here, as a getter when Strapi builds that other service later (Strapi builds each on first use). Return
 * types are spelled out so that `getService`, whose types derive from this map, is not circular.
 *
 * What instances share through Redis (the Button budget, invalidations, the seen merchants) is built once, as the
 * `sharedState` service, and handed to the others here; without Redis it is the single-instance equivalent.
 */
type Factory<Service> = (context: { strapi: Core.Strapi }) => Service;

const prefixedLog = (strapi: Core.Strapi) => ({
  debug: (message: string) => strapi.log.debug(`[${PLUGIN_ID}] ${message}`),
  info: (message: string) => strapi.log.info(`[${PLUGIN_ID}] ${message}`),
  warn: (message: string) => strapi.log.warn(`[${PLUGIN_ID}] ${message}`),
  error: (message: string) => strapi.log.error(`[${PLUGIN_ID}] ${message}`),
});

const access: Factory<AccessService> = ({ strapi }) => {
  const config = getPluginConfig(strapi);
  return createAccessService({
    config,
    limiter: getService(strapi, 'sharedState').callerLimiter,
    // Any secret every instance shares: fair-use bucket keys are HMACs, so no user id or address is stored in clear.
    keySecret: config.pubRefSecret ?? config.access.assertionSecret ?? config.apiKey ?? 'button-personalization',
  });
};

const button: Factory<ButtonService> = ({ strapi }) =>
  createButtonService({
    config: getPluginConfig(strapi),
    log: strapi.log,
    events: () => [getService(strapi, 'metrics').events, getService(strapi, 'health').events],
    // Every call any instance makes draws from the fleet's budget when Redis is configured.
    rateLimiter: getService(strapi, 'sharedState').rateLimiter,
  });

const sharedState: Factory<SharedState> = ({ strapi }) =>
  createSharedState({
    config: getPluginConfig(strapi),
    log: prefixedLog(strapi),
    events: () => [getService(strapi, 'metrics').sharedStateEvents],
  });

const commissions: Factory<CommissionsService> = ({ strapi }) => {
  const { webhookSecret, pubRefSecret, pubRefMaxAgeDays, hooks, reconciliation, retention } = getPluginConfig(strapi);
  return createCommissionsService({
    // The ledger's narrow view of the query engine (commissions/db.ts): the only handle on its two tables.
    db: {
      query: (uid) => strapi.db.query(uid) as unknown as ReturnType<LedgerDb['query']>,
      transaction: <T>(work: () => Promise<T>) => strapi.db.transaction(() => work()) as unknown as Promise<T>,
    },
    config: { webhookSecret, pubRefSecret, pubRefMaxAgeDays, hooks, reconciliation, retention },
    log: prefixedLog(strapi),
    eventHub: strapi.eventHub,
    instanceId: INSTANCE_ID,
    // The Button client's list endpoints: the same pool owner, limiter and budget as the offers.
    lists: () => getService(strapi, 'button').client().lists,
    runs: () => strapi.db.query(RECONCILIATION_RUN_UID) as unknown as RunsQuery,
    locks: jobLocks(strapi),
  });
};

const jobLocks = (strapi: Core.Strapi) =>
  createJobLocks({
    query: (uid) => strapi.db.query(uid) as unknown as LockQuery,
    holder: INSTANCE_ID,
    now: () => new Date(),
  });

const catalogue: Factory<CatalogueService> = ({ strapi }) => {
  const config = getPluginConfig(strapi);
  const entries = strapiMerchantEntries(strapi);
  return createCatalogueService({
    config: config.catalogue,
    tls: config.tls,
    // The Merchants API on the Button client: the same limiter and budget as the offers, its own host if configured.
    lists: () => getService(strapi, 'button').client().catalogue,
    brands: () => strapi.db.query(BRAND_UID) as unknown as CatalogueTableQuery,
    syncs: () => strapi.db.query(CATALOGUE_SYNC_UID) as unknown as CatalogueTableQuery,
    locks: jobLocks(strapi),
    log: prefixedLog(strapi),
    now: () => new Date(),
    entries: {
      rows: () => entries.rows(),
      defaultLocale: () => entries.defaultLocale(),
      async locales() {
        const i18n = strapi.plugin('i18n');
        if (!i18n) return [];
        const found = (await i18n.service('locales').find()) as Array<{ code: string; isDefault?: boolean }>;
        return found
          .sort((a, b) => Number(b.isDefault === true) - Number(a.isDefault === true) || a.code.localeCompare(b.code))
          .map((locale) => locale.code);
      },
    },
    seen: () => getService(strapi, 'merchants').seen(),
    createDraft: (merchantId, author, prefill) => getService(strapi, 'merchants').createDraft(merchantId, author, prefill),
    findDocumentId: (merchantId) => entries.findDocumentId(merchantId),
    media: strapiIconMedia(strapi),
  });
};

const health: Factory<HealthService> = ({ strapi }) =>
  createHealthService({
    config: getPluginConfig(strapi),
    client: () => getService(strapi, 'button').peek(),
    sharedState: () => getService(strapi, 'sharedState').status(),
    webhookUrl: () => webhookUrl(serverUrl(strapi), restPrefix(strapi)),
  });

const metrics: Factory<MetricsService> = ({ strapi }) =>
  createMetricsService({
    baseUrl: getPluginConfig(strapi).baseUrl,
    client: () => getService(strapi, 'button').peek(),
    sharedMode: () => getService(strapi, 'sharedState').status().mode,
    ledger: () => getService(strapi, 'commissions').operations(),
    offersRoutes: Object.values(offersRoutes(restPrefix(strapi))),
  });

const merchants: Factory<MerchantsService> = ({ strapi }) =>
  createMerchantsService({
    store: strapiPluginStore(strapi),
    entries: strapiMerchantEntries(strapi),
    log: strapi.log,
    shared: getService(strapi, 'sharedState').seenMerchants,
  });

const offers: Factory<OffersService> = ({ strapi }) =>
  createOffersService({
    client: () => getService(strapi, 'button').client(),
    settings: () => getService(strapi, 'settings').offers(),
    recordSeen: (merchantIds) => getService(strapi, 'merchants').recordSeen(merchantIds),
    pubRefSecret: getPluginConfig(strapi).pubRefSecret,
    content: strapiOffersContent(strapi),
    announceLocales: () => getService(strapi, 'sharedState').bus.publish('locales'),
  });

const settings: Factory<SettingsService> = ({ strapi }) =>
  createSettingsService({
    config: getPluginConfig(strapi),
    store: strapiPluginStore(strapi),
    announce: () => getService(strapi, 'sharedState').bus.publish('settings'),
    log: prefixedLog(strapi),
  });

const services = { access, button, catalogue, commissions, health, merchants, metrics, offers, settings, sharedState };

export default services;
