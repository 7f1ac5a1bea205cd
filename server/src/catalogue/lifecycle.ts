import type { Core } from '@strapi/strapi';
import { getPluginConfig } from '../config';
import { PLUGIN_ID } from '../constants';
import { scheduleJobs } from '../jobs/schedule';
import { getService } from '../utils/get-service';

/**
 * From bootstrap(): the catalogue sync on Strapi's cron (`catalogue.schedule`, daily by default; '' = on demand
 * only). Every instance schedules it; the lease lets one of them sync. Without an API key nothing is scheduled.
 */
export function bootstrapCatalogue(strapi: Core.Strapi): void {
  const config = getPluginConfig(strapi);
  scheduleJobs(
    strapi,
    [
      {
        name: 'catalogue-sync',
        rule: config.apiKey === undefined ? '' : config.catalogue.schedule,
        async run() {
          const started = await getService(strapi, 'catalogue').startSync('schedule');
          if (started.started) await started.done;
        },
      },
    ],
    { error: (message) => strapi.log.error(`[${PLUGIN_ID}] ${message}`) }
  );
}
