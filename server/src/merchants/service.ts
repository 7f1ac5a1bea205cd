import { PLUGIN_ID } from '../constants';
import type { Log } from '../utils/log';
import { strapiErrors } from '../utils/strapi-errors';
import type { PluginStore } from '../utils/plugin-store';
import { classifyMerchants, type EntrySummary, type MappingStatus, type MerchantRow } from './classify';
import type { DraftAuthor, DraftData, DraftPrefill } from './draft-permission';
import type { MerchantEntries } from './entries';
import { createMerchantRegistry, type SeenMerchant } from './registry';
import type { SharedSeenMerchants } from '../shared-state';

const STORE_KEY = 'seen-merchants';
const PERSIST_EVERY_MS = 30_000; // 30 s: at most this much of "first seen" is lost to a crash
// A merchant seen again only moves its lastSeenAt: written at most this often (the Merchants page reads memory).
const LAST_SEEN_RESOLUTION_MS = 5 * 60_000; // 5 min

export interface MerchantListQuery {
  search?: string;
  status?: MappingStatus;
  page: number;
  pageSize: number;
}

export interface MerchantsServiceDeps {
  store: PluginStore;
  entries: MerchantEntries;
  log: Pick<Log, 'warn'>;
  now?: () => number;
  persistEveryMs?: number;
  /** How far a known merchant's lastSeenAt must move before it alone makes the registry worth writing again. */
  lastSeenResolutionMs?: number;
  /** The fleet's union in Redis, when instances share state (shared-state/seen-merchants.ts). */
  shared?: SharedSeenMerchants;
}

/** A Button organization id, as the controller checked it (merchants/controller.ts). */
export type MerchantId = `org-${string}`;

/** The merchant registry (persisted to the plugin store on a timer) and the Merchants page's queries. */
export function createMerchantsService(deps: MerchantsServiceDeps) {
  const { store, entries, log } = deps;
  const now = deps.now ?? Date.now;
  const registry = createMerchantRegistry({ lastSeenResolutionMs: deps.lastSeenResolutionMs ?? LAST_SEEN_RESOLUTION_MS });
  let timer: NodeJS.Timeout | undefined;

  /**
   * What the whole fleet has seen, merged into this instance's registry: every instance records only the merchants
   * its own users were offered. From Redis when shared (one atomic merge that also adds this instance's sightings),
   * otherwise from the store, as the other instances last wrote it.
   */
  const pull = async (options: { push: boolean }): Promise<void> => {
    let fleet: Record<string, SeenMerchant> | undefined;
    if (deps.shared) {
      try {
        fleet = await deps.shared.merge(options.push ? registry.toJSON() : {});
      } catch {
        fleet = undefined; // Redis down: the store's copy is the next best union
      }
    }
    registry.load(fleet ?? (await store.get(STORE_KEY)));
    if (fleet && deps.shared) {
      // Past the registry's cap the longest-unseen went: forget them in Redis too, so the hash stays bounded.
      const kept = registry.toJSON();
      await deps.shared.forget(Object.keys(fleet).filter((id) => !(id in kept))).catch(() => undefined);
    }
  };

  /**
   * On the timer: only when a write is due (see `lastSeenResolutionMs`); `everything` at shutdown. Writes the union
   * (what this instance saw and what the others saw), never this instance's view alone, so instances that write in
   * turn do not erase each other's merchants.
   */
  const persist = async (options: { everything?: boolean } = {}) => {
    if (!(options.everything === true ? registry.unsaved : registry.dirty)) return;
    registry.markPersisted();
    await pull({ push: true });
    await store.set(STORE_KEY, registry.toJSON());
  };

  const entrySummaries = async (): Promise<EntrySummary[]> => {
    const rows = await entries.rows();
    const byDocument = new Map<string, EntrySummary>();
    for (const row of rows) {
      const summary = byDocument.get(row.documentId) ?? {
        document_id: row.documentId,
        merchant_id: row.merchant_id,
        name: row.name,
        locales: [],
        live: false,
      };
      if (row.locale && !summary.locales.includes(row.locale)) summary.locales.push(row.locale);
      if (row.publishedAt !== null && row.enabled !== false) summary.live = true;
      byDocument.set(row.documentId, summary);
    }
    return [...byDocument.values()];
  };

  return {
    async start() {
      await pull({ push: false });
      timer = setInterval(() => {
        persist().catch((error: unknown) => log.warn(`[${PLUGIN_ID}] could not save the merchant registry: ${String(error)}`));
      }, deps.persistEveryMs ?? PERSIST_EVERY_MS);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await persist({ everything: true });
    },
    persist,
    /** Hot path: a Map update, nothing else. */
    recordSeen(merchantIds: readonly string[]) {
      registry.recordSeen(merchantIds, now());
    },

    async list(query: MerchantListQuery) {
      // The page shows the fleet's merchants, not only those this instance's users happened to be offered.
      await pull({ push: false }).catch((error: unknown) =>
        log.warn(`[${PLUGIN_ID}] could not read the other instances' merchants: ${String(error)}`)
      );
      const all = classifyMerchants(registry.entries(), await entrySummaries());
      const counts = { mapped: 0, unmapped: 0, orphaned: 0, total: all.length };
      for (const row of all) counts[row.status] += 1;
      const needle = query.search?.trim().toLowerCase();
      const filtered = all.filter(
        (row: MerchantRow) =>
          (query.status === undefined || row.status === query.status) &&
          (!needle || row.merchant_id.toLowerCase().includes(needle) || (row.entry?.name.toLowerCase().includes(needle) ?? false))
      );
      const pageCount = Math.max(1, Math.ceil(filtered.length / query.pageSize));
      const start = (query.page - 1) * query.pageSize;
      return {
        data: filtered.slice(start, start + query.pageSize),
        meta: { counts, pagination: { page: query.page, pageSize: query.pageSize, pageCount, total: filtered.length } },
      };
    },

    /** The fleet's seen merchants (merged from the other instances), for the catalogue's "offered recently". */
    async seen(): Promise<Array<[string, SeenMerchant]>> {
      await pull({ push: false }).catch((error: unknown) =>
        log.warn(`[${PLUGIN_ID}] could not read the other instances' merchants: ${String(error)}`)
      );
      return registry.entries();
    },

    /**
     * A draft entry for a merchant Button returned, prefilled with its id (or with what `prefill` gives: the catalogue); the existing one if there is one. Creating
     * needs what the Content Manager needs (its create permission on merchant-offer, for the default locale).
     */
    async createDraft(
      merchantId: MerchantId,
      author: DraftAuthor,
      prefill: DraftPrefill = {}
    ): Promise<{ document_id: string; created: boolean }> {
      const existing = await entries.findDocumentId(merchantId);
      if (existing !== undefined) return { document_id: existing, created: false };

      const locale = await entries.defaultLocale();
      const draft: DraftData = {
        ...prefill,
        merchant_id: merchantId,
        name: prefill.name ?? merchantId,
        enabled: true,
        priority: 0,
      };
      const permitted = await author.permitCreate({ locale, data: draft });
      // Without merchant_id the draft would map nothing: refused like the creation itself.
      if (permitted === null || permitted.merchant_id !== merchantId) {
        throw new (strapiErrors().ForbiddenError)(
          'Creating a merchant offer needs the Content Manager create permission for merchant-offer'
        );
      }
      // Only what the Content Manager lets this admin set (its sanitised input), as it would create it.
      const data = { ...permitted, createdBy: author.userId, updatedBy: author.userId };
      const documentId = await entries.createDraft(data, locale);
      return { document_id: documentId, created: true };
    },
  };
}

export type MerchantsService = ReturnType<typeof createMerchantsService>;
