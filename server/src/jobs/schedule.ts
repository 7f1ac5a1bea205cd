import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';

/**
 * The plugin's scheduled jobs, on Strapi's own cron (which runs plugin tasks whatever the app's
 * `server.cron.enabled`, which only governs the app's own `server.cron.tasks`). Every instance schedules them; the
 * jobs themselves take a lease in the database, so one instance does the work.
 */
export interface ScheduledJob {
  name: string;
  /** A cron rule; '' = not scheduled. */
  rule: string;
  run(): Promise<void>;
}

const names = new WeakMap<Core.Strapi, string[]>();

export function scheduleJobs(strapi: Core.Strapi, jobs: ScheduledJob[], log: { error(message: string): void }): void {
  const scheduled: string[] = [];
  for (const job of jobs) {
    if (job.rule === '') continue;
    const name = `${PLUGIN_ID}:${job.name}`;
    strapi.cron.add({
      [name]: {
        task: async () => {
          try {
            await job.run();
          } catch (error) {
            log.error(`the scheduled ${job.name} failed: ${(error as Error).message}`);
          }
        },
        options: { rule: job.rule },
      },
    });
    scheduled.push(name);
  }
  // Each capability schedules its own jobs: every list is kept for unscheduleJobs.
  names.set(strapi, [...(names.get(strapi) ?? []), ...scheduled]);
}

export function unscheduleJobs(strapi: Core.Strapi): void {
  for (const name of names.get(strapi) ?? []) strapi.cron.remove(name);
  names.delete(strapi);
}
