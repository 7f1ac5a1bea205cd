import type { Core } from '@strapi/strapi';
import { getPluginConfig } from './config';
import { PLUGIN_ID } from './constants';
import { unscheduleJobs } from './jobs/schedule';
import { drainHttpServer } from './shutdown';
import { getService } from './utils/get-service';

// One shutdown per Strapi instance: a second destroy() (two signal handlers, a signal during stop()) awaits the first.
const shutdowns = new WeakMap<Core.Strapi, Promise<void>>();

/**
 * Strapi runs plugin destroy lifecycles first, then destroys the HTTP server's sockets, then the database. So the
 * order here is: stop taking connections and let in-flight requests finish (bounded by `shutdown.graceMs`), then
 * stop delivering the hook outbox, save the merchant registry, close the Button pool and then the Redis connections (calls still in flight take
 * rate-limit tokens); Strapi cuts whatever is left after that.
 */
const destroy = ({ strapi }: { strapi: Core.Strapi }): Promise<void> => {
  let shutdown = shutdowns.get(strapi);
  if (!shutdown) {
    shutdown = shutDown(strapi);
    shutdowns.set(strapi, shutdown);
  }
  return shutdown;
};

async function shutDown(strapi: Core.Strapi): Promise<void> {
  unscheduleJobs(strapi); // no new job starts; a run in progress keeps its lease until it ends or expires
  const drained = await drainHttpServer(strapi, graceMs(strapi));
  getService(strapi, 'settings').stop();
  // The delivery in progress finishes (or is left claimed: another instance, or the next boot, redelivers it).
  await getService(strapi, 'commissions').stopHooks();
  await getService(strapi, 'commissions').stopReconciliation();
  await getService(strapi, 'catalogue').stopSyncs();
  await getService(strapi, 'merchants').stop(); // its last merge may go through Redis: before Redis closes
  const closing = getService(strapi, 'button')
    .close()
    .finally(() => getService(strapi, 'sharedState').close());
  if (drained === 'drained') {
    await closing; // nothing in flight: the pool closes at once
    return;
  }
  // The grace period is spent: the calls still waiting on Button belong to requests Strapi is about to cut, so the
  // pool's own close (which lets running calls finish, up to 2 s) is not awaited and the process exits on time.
  closing.catch((error: unknown) => strapi.log.debug(`[${PLUGIN_ID}] closing the Button pool: ${String(error)}`));
}

function graceMs(strapi: Core.Strapi): number {
  try {
    return getPluginConfig(strapi).shutdown.graceMs;
  } catch {
    // A config that failed validation at boot: nothing was served, so nothing to wait for.
    strapi.log.debug(`[${PLUGIN_ID}] invalid config at shutdown: not draining`);
    return 0;
  }
}

export default destroy;
