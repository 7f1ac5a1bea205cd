import type { ListClient } from '../button-client';
import { brandHash, parseBrand, type Brand } from './brand';

/**
 * One pass over Button's brand catalogue: every page (up to `maxPages`), each brand added, changed or left alone
 * by its content hash, then, only when the pass read the whole catalogue, the brands it did not see marked
 * removed. A failed or truncated pass removes nothing: a brand is never flagged gone because a page was not read.
 */
export interface SyncCounts {
  pages: number;
  seen: number;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  errors: number;
  truncated: boolean;
}

export const emptySyncCounts = (): SyncCounts => ({
  pages: 0,
  seen: 0,
  added: 0,
  changed: 0,
  removed: 0,
  unchanged: 0,
  errors: 0,
  truncated: false,
});

/** A stored brand, as much as the sync needs to decide. */
export interface StoredBrandState {
  id: number;
  merchant_id: string;
  content_hash: string;
  status: 'partnered' | 'removed';
}

/** What the sync reads and writes of the brands table (catalogue/store.ts over the query engine). */
export interface BrandStore {
  find(merchantIds: string[]): Promise<StoredBrandState[]>;
  insert(brand: Brand, hash: string, syncId: number, at: Date): Promise<void>;
  /** A brand seen again: its data when it changed (`brand` given), and in any case seen by this sync. */
  touch(id: number, update: { brand?: Brand; hash?: string; syncId: number; at: Date }): Promise<void>;
  /** Partnered brands this sync did not see: marked removed; how many. */
  markUnseenRemoved(syncId: number, at: Date): Promise<number>;
}

export interface SyncPassDeps {
  lists: ListClient;
  store: BrandStore;
  now: () => Date;
  log: { warn(message: string): void };
  signal?: AbortSignal;
  /** After each page: progress to record; false stops the pass (the lease was lost). */
  afterPage?: (counts: SyncCounts) => Promise<boolean>;
}

export interface SyncPassOptions {
  syncId: number;
  status: 'approved' | 'pending' | 'available';
  maxPages: number;
}

export class SyncStoppedError extends Error {
  readonly code = 'SYNC_STOPPED';
}

export async function syncCatalogue(deps: SyncPassDeps, options: SyncPassOptions): Promise<SyncCounts> {
  const counts = emptySyncCounts();
  const pages = deps.lists.pages({
    path: '/v1/merchants',
    query: { status: options.status },
    maxPages: options.maxPages,
    ...(deps.signal === undefined ? {} : { signal: deps.signal }),
  });
  for await (const page of pages) {
    counts.pages += 1;
    await applyPage(deps, options.syncId, page.objects, counts);
    if (page.truncated) counts.truncated = true;
    if (deps.afterPage && !(await deps.afterPage({ ...counts }))) {
      throw new SyncStoppedError('the catalogue lock was lost to another instance: stopped');
    }
  }
  // Only a pass that read every page knows what is gone.
  if (!counts.truncated) counts.removed = await deps.store.markUnseenRemoved(options.syncId, deps.now());
  return counts;
}

async function applyPage(deps: SyncPassDeps, syncId: number, objects: unknown[], counts: SyncCounts): Promise<void> {
  const parsed = objects.map(parseBrand);
  const ids = parsed.flatMap((result) => (result.ok ? [result.brand.merchant_id] : result.merchantId ? [result.merchantId] : []));
  const stored = new Map((ids.length === 0 ? [] : await deps.store.find([...new Set(ids)])).map((row) => [row.merchant_id, row]));
  const at = deps.now();
  const handled = new Set<string>();
  for (const result of parsed) {
    counts.seen += 1;
    if (!result.ok) {
      counts.errors += 1;
      deps.log.warn(`catalogue: a brand was skipped (${result.merchantId ?? 'no id'}): ${result.reason}`);
      // Still in the catalogue, only unreadable this time: kept as it was, never marked removed for it.
      const known = result.merchantId === null ? undefined : stored.get(result.merchantId);
      if (known !== undefined && known.status === 'partnered') await deps.store.touch(known.id, { syncId, at });
      continue;
    }
    const { brand } = result;
    if (handled.has(brand.merchant_id)) {
      counts.unchanged += 1; // twice on one page: the first one counts
      continue;
    }
    handled.add(brand.merchant_id);
    const hash = brandHash(brand);
    const known = stored.get(brand.merchant_id);
    if (known === undefined) {
      await deps.store.insert(brand, hash, syncId, at);
      counts.added += 1;
    } else if (known.status === 'removed') {
      await deps.store.touch(known.id, { brand, hash, syncId, at });
      counts.added += 1; // partnered again
    } else if (known.content_hash !== hash) {
      await deps.store.touch(known.id, { brand, hash, syncId, at });
      counts.changed += 1;
    } else {
      await deps.store.touch(known.id, { syncId, at });
      counts.unchanged += 1;
    }
  }
}
