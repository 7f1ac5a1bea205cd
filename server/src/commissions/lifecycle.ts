import type { Core } from '@strapi/strapi';
import { PLUGIN_ID, WEBHOOK_PATH } from '../constants';
import { getPluginConfig } from '../config';
import { scheduleJobs } from '../jobs/schedule';
import { getService } from '../utils/get-service';
import { createRawBodyCapture, WEBHOOK_MIDDLEWARE_FIX } from './intake/capture';
import { guardLedgerTables, refuseLedgerDocumentWrites } from './ledger/guard';

/**
 * From register(): the raw-body capture as a server-level middleware (Strapi 5.54 runs those before every
 * configured middleware, `strapi::body` included), and the ledger's Document Service write refusal.
 */
export function registerCommissions(strapi: Core.Strapi): void {
  strapi.server.use(createRawBodyCapture(strapi));
  refuseLedgerDocumentWrites(strapi);
}

/**
 * From bootstrap(): the ledger's table guard (the database is initialised now), and the raw-body check, run
 * once the HTTP server listens: the router is mounted by then (Strapi mounts it in `listen`, after every
 * plugin's bootstrap), so the probe takes the same path as Button's requests.
 */
export function bootstrapCommissions(strapi: Core.Strapi): void {
  guardLedgerTables(strapi);
  scheduleCommissionJobs(strapi);
  const check = getService(strapi, 'commissions').rawBodyCheck;
  const path = `${strapi.config.get<string>('api.rest.prefix', '/api')}${WEBHOOK_PATH}`.replace(/\/+/g, '/');
  strapi.server.httpServer.once('listening', () => {
    // Every bootstrap has run (the app's too, where it registers its onStateChange callbacks): deliver now, what a
    // crash left in the outbox first.
    getService(strapi, 'commissions').startHooks();
    void check.run(strapi.server.app.callback(), path).then(({ verdict, status }) => {
      if (verdict === 'ok')
        strapi.log.info(`[${PLUGIN_ID}] raw-body check passed: the webhook route receives the exact bytes sent`);
      else if (verdict === 'pending')
        strapi.log.warn(
          `[${PLUGIN_ID}] raw-body check: the probe did not reach the webhook route (${status ?? 'no answer'}); ` +
            'each webhook is still refused (503) if its raw body is unavailable'
        );
      else
        strapi.log.error(
          `[${PLUGIN_ID}] raw-body check failed: the webhook route received the body ` +
            `${verdict === 'missing' ? 'consumed' : 'altered'}, so webhooks will be refused (503) because their raw body ` +
            `is not available. Fix: ${WEBHOOK_MIDDLEWARE_FIX}`
        );
    });
  });
}

/**
 * Reconciliation (off until `reconciliation.accountId` is set) and retention, on Strapi's cron. Every instance
 * schedules them; a lease in the database lets one of them work.
 */
function scheduleCommissionJobs(strapi: Core.Strapi): void {
  const { reconciliation, retention } = getPluginConfig(strapi);
  const commissions = () => getService(strapi, 'commissions');
  scheduleJobs(
    strapi,
    [
      {
        name: 'reconciliation',
        rule: reconciliation.accountId === undefined ? '' : reconciliation.schedule,
        async run() {
          const started = await commissions().startReconciliation('schedule');
          if (started.started) await started.done;
        },
      },
      {
        name: 'retention',
        rule: retention.schedule,
        async run() {
          await commissions().pruneRawPayloads();
        },
      },
    ],
    { error: (message) => strapi.log.error(`[${PLUGIN_ID}] ${message}`) }
  );
}
