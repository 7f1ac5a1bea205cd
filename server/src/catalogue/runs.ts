import type { ListClient } from '../button-client';
import type { JobLocks, Lease } from '../jobs/lock';
import type { CatalogueQuery } from './store';
import { emptySyncCounts, syncCatalogue, type BrandStore, type SyncCounts } from './sync';

/**
 * Catalogue syncs on a schedule and on demand, never two at once across instances (a lease in the database), each
 * recorded with its counts: the pattern of reconciliation (commissions/reconciliation).
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

export type SyncTrigger = 'schedule' | 'manual';

export interface CatalogueSync extends Omit<SyncCounts, 'truncated'> {
  id: number;
  trigger: SyncTrigger;
  status: 'running' | 'succeeded' | 'failed';
  truncated: boolean;
  started_at: string;
  finished_at: string | null;
  message: string | null;
}

export type SyncStartResult =
  { started: true; run: CatalogueSync; done: Promise<CatalogueSync> } | { started: false; reason: 'no-api-key' | 'running' };

const LOCK = 'catalogue-sync';
// Renewed after every page; a crashed holder's lease is free again after this.
const LEASE_MS = 2 * 60_000;
const MAX_MESSAGE_LENGTH = 500;
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
  // Aborted on shutdown: the sync in progress stops between pages and records why, before the database closes.
  const stopping = new AbortController();
  const running = new Set<Promise<unknown>>();

  const readSync = async (id: number) => normaliseSync(await deps.syncs().findOne({ where: { id }, select: SYNC_FIELDS }));

  async function execute(id: number, lease: Lease, lists: ListClient): Promise<CatalogueSync> {
    let status: 'succeeded' | 'failed' = 'succeeded';
    let message: string | null = null;
    let counts = emptySyncCounts();
    try {
      counts = await syncCatalogue(
        {
          lists,
          store: deps.store,
          now: deps.now,
          log: { warn: (text) => log.warn(text) },
          signal: stopping.signal,
          afterPage: async (progress) => {
            counts = progress;
            await deps.syncs().updateMany({ where: { id }, data: { ...progress, updatedAt: deps.now() } });
            return lease.renew(LEASE_MS);
          },
        },
        { syncId: id, status: config.status, maxPages: config.maxPages }
      );
      if (counts.truncated)
        message = `stopped after ${config.maxPages} pages (catalogue.maxPages): the catalogue was not read to its end, so no brand was marked removed`;
    } catch (error) {
      status = 'failed';
      message = stopping.signal.aborted
        ? 'stopped: Strapi shut down during the sync (the stored catalogue is unchanged past the pages read)'
        : (error instanceof Error ? error.message : String(error)).slice(0, MAX_MESSAGE_LENGTH);
      log.error(`catalogue sync ${id} failed: ${message}`);
    } finally {
      try {
        await deps.syncs().updateMany({
          where: { id },
          data: { ...counts, status, message, finished_at: deps.now(), updatedAt: deps.now() },
        });
      } finally {
        await lease.release().catch((error: unknown) => log.warn(`catalogue: releasing the lock failed: ${String(error)}`));
      }
    }
    const run = await readSync(id);
    log.info(
      `catalogue sync ${id} ${status}: ${run.pages} pages, ${run.seen} brands, ${run.added} added, ${run.changed} changed, ` +
        `${run.removed} removed, ${run.unchanged} unchanged, ${run.errors} errors`
    );
    return run;
  }

  return {
    status() {
      return { schedule: config.schedule || null, brandStatus: config.status, configured: deps.lists() !== undefined };
    },

    /** Starts a sync unless one is running on any instance; `done` resolves when it finished. */
    async start(trigger: SyncTrigger, requestedBy?: number): Promise<SyncStartResult> {
      if (stopping.signal.aborted) return { started: false, reason: 'running' };
      const lists = deps.lists();
      if (lists === undefined) return { started: false, reason: 'no-api-key' };
      const lease = await deps.locks.acquire(LOCK, LEASE_MS);
      if (lease === null) return { started: false, reason: 'running' };
      try {
        const now = deps.now();
        // Holding the lease, no other sync is alive: a row still "running" is from an instance that died mid-sync.
        await deps.syncs().updateMany({
          where: { status: 'running' },
          data: {
            status: 'failed',
            message: 'interrupted: the instance stopped during the sync',
            finished_at: now,
            updatedAt: now,
          },
        });
        const created = (await deps.syncs().create({
          data: {
            trigger,
            status: 'running',
            started_at: now,
            requested_by: requestedBy ?? null,
            ...emptySyncCounts(),
            createdAt: now,
            updatedAt: now,
          },
        })) as { id: number | string };
        const id = Number(created.id);
        const run = await readSync(id);
        const done = execute(id, lease, lists);
        running.add(done);
        void done.finally(() => running.delete(done)).catch(() => undefined);
        return { started: true, run, done };
      } catch (error) {
        await lease.release();
        throw error;
      }
    },

    async stop(): Promise<void> {
      stopping.abort();
      await Promise.allSettled([...running]);
    },

    /** The newest syncs first. */
    async history(limit = 20): Promise<CatalogueSync[]> {
      const rows = await deps.syncs().findMany({ select: SYNC_FIELDS, orderBy: [{ id: 'desc' }], limit });
      return rows.map(normaliseSync);
    },

    /** The last sync that finished (succeeded or failed), or null: how fresh the stored catalogue is. */
    async lastFinished(): Promise<CatalogueSync | null> {
      const [row] = await deps.syncs().findMany({
        select: SYNC_FIELDS,
        where: { status: { $ne: 'running' } },
        orderBy: [{ id: 'desc' }],
        limit: 1,
      });
      return row === undefined ? null : normaliseSync(row);
    },
  };
}

export type CatalogueSyncs = ReturnType<typeof createCatalogueSyncs>;

const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());

/** A sync row as every database returns it (counts may be strings, booleans 0/1, dates strings or Dates). */
function normaliseSync(row: unknown): CatalogueSync {
  const raw = row as Record<string, unknown>;
  const count = (key: keyof SyncCounts) => Number(raw[key] ?? 0);
  return {
    id: Number(raw.id),
    trigger: raw.trigger as SyncTrigger,
    status: raw.status as CatalogueSync['status'],
    started_at: iso(raw.started_at)!,
    finished_at: iso(raw.finished_at),
    pages: count('pages'),
    seen: count('seen'),
    added: count('added'),
    changed: count('changed'),
    removed: count('removed'),
    unchanged: count('unchanged'),
    errors: count('errors'),
    truncated: raw.truncated === true || raw.truncated === 1 || raw.truncated === '1',
    message: (raw.message as string | null) ?? null,
  };
}
