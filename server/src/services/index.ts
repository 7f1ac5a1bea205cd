import type { Core } from '@strapi/strapi';
import button from '../button-client/service';
import { createCommissionsService, type LedgerDb } from '../commissions';
import { getPluginConfig } from '../config';
import { PLUGIN_ID } from '../constants';
import health from '../health/service';
import merchants from '../merchants/service';
import metrics from '../metrics/service';
import offers from '../offers/service';
import settings from '../settings/service';

export default {
  button,
  commissions: ({ strapi }: { strapi: Core.Strapi }) => {
    const { webhookSecret, pubRefSecret, pubRefMaxAgeDays } = getPluginConfig(strapi);
    return createCommissionsService({
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
  },
  health,
  merchants,
  metrics,
  offers,
  settings,
};
