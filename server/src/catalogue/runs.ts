import type { ListClient } from '../button-client';
import type { JobLocks } from '../jobs/lock';
import { createRecordedJob, isoTimestamp, storedBoolean, type JobRunStatus, type JobTrigger } from '../jobs/runs';
import type { CatalogueQuery } from './store';
import { emptySyncCounts, syncCatalogue, type BrandStore, type SyncCounts } from './sync';

/**
 * Catalogue syncs on a schedule and on demand, never two at once across instances, each recorded with its counts
 * (jobs/runs.ts, shared with reconciliation).
 */
export interface CatalogueSyncConfig {
  schedule: string;
  status: 'approved' | 'pending' | 'available';
  maxPages: number;
}

export interface CatalogueSyncDeps {
  config: CatalogueSyncConfig;
  /** Button's Merchants API, or undefined without an API key. */
  lists: () => ListClient | undefined;
  store: BrandStore;
  syncs: () => CatalogueQuery;
  locks: JobLocks;
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
  now: () => Date;
}

export type SyncTrigger = JobTrigger;

export interface CatalogueSync extends Omit<SyncCounts, 'truncated'> {
  id: number;
  trigger: SyncTrigger;
  status: JobRunStatus;
  truncated: boolean;
  started_at: string;
  finished_at: string | null;
  message: string | null;
}

export type SyncStartResult =
  { started: true; run: CatalogueSync; done: Promise<CatalogueSync> } | { started: false; reason: 'no-api-key' | 'running' };

const SYNC_FIELDS = [
  'id',
  'trigger',
  'status',
  'started_at',
  'finished_at',
  'pages',
  'seen',
  'added',
  'changed',
  'removed',
  'unchanged',
  'errors',
  'truncated',
  'message',
];

export function createCatalogueSyncs(deps: CatalogueSyncDeps) {
  const { config, log } = deps;
  const job = createRecordedJob<CatalogueSync, SyncCounts>({
    label: 'catalogue sync',
    lock: 'catalogue-sync',
    table: deps.syncs,
    fields: SYNC_FIELDS,
    normalise: normaliseSync,
    messages: {
      interrupted: 'interrupted: the instance stopped during the sync',
      shutdown: 'stopped: Strapi shut down during the sync (the stored catalogue is unchanged past the pages read)',
    },
    summary: (run) =>
      `${run.pages} pages, ${run.seen} brands, ${run.added} added, ${run.changed} changed, ` +
      `${run.removed} removed, ${run.unchanged} unchanged, ${run.errors} errors`,
    locks: deps.locks,
    log,
    now: deps.now,
  });

  return {
    status() {
      return { schedule: config.schedule || null, brandStatus: config.status, configured: deps.lists() !== undefined };
    },

    /** Starts a sync unless one is running on any instance; `done` resolves when it finished. */
    async start(trigger: SyncTrigger, requestedBy?: number): Promise<SyncStartResult> {
      const lists = deps.lists();
      if (lists === undefined) return { started: false, reason: 'no-api-key' };
      return job.start(trigger, requestedBy, () => ({
        counts: emptySyncCounts(),
        work: async ({ id, signal, afterPage }) => {
          const counts = await syncCatalogue(
            { lists, store: deps.store, now: deps.now, log: { warn: (text) => log.warn(text) }, signal, afterPage },
            { syncId: id, status: config.status, maxPages: config.maxPages }
          );
          return {
            counts,
            message: counts.truncated
              ? `stopped after ${config.maxPages} pages (catalogue.maxPages): the catalogue was not read to its end, so no brand was marked removed`
              : null,
          };
        },
      }));
    },

    stop: job.stop,
    history: job.history,

    /** The last sync that finished (succeeded or failed), or null: how fresh the stored catalogue is. */
    lastFinished: () => job.latest({ status: { $ne: 'running' } }),
  };
}

export type CatalogueSyncs = ReturnType<typeof createCatalogueSyncs>;

/** A sync row as every database returns it (counts may be strings, booleans 0/1, dates strings or Dates). */
function normaliseSync(row: unknown): CatalogueSync {
  const raw = row as Record<string, unknown>;
  const count = (key: keyof SyncCounts) => Number(raw[key] ?? 0);
  return {
    id: Number(raw.id),
    trigger: raw.trigger as SyncTrigger,
    status: raw.status as JobRunStatus,
    started_at: isoTimestamp(raw.started_at)!,
    finished_at: isoTimestamp(raw.finished_at),
    pages: count('pages'),
    seen: count('seen'),
    added: count('added'),
    changed: count('changed'),
    removed: count('removed'),
    unchanged: count('unchanged'),
    errors: count('errors'),
    truncated: storedBoolean(raw.truncated),
    message: (raw.message as string | null) ?? null,
  };
}
