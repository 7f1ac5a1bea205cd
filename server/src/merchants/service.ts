import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { MERCHANT_OFFER_UID, PLUGIN_ID } from '../constants';
import { classifyMerchants, type EntrySummary, type MappingStatus, type MerchantRow } from './classify';
import type { DraftAuthor, DraftData } from './draft-permission';
import { createMerchantRegistry } from './registry';

const STORE_KEY = 'seen-merchants';
const PERSIST_EVERY_MS = 30_000;
const MERCHANT_ID = /^org-[A-Za-z0-9_-]+$/;

interface EntryRow {
  documentId: string;
  merchant_id: string;
  name: string;
  locale: string | null;
  publishedAt: string | null;
  enabled: boolean | null;
}

export interface MerchantListQuery {
  search?: string;
  status?: MappingStatus;
  page: number;
  pageSize: number;
}

/** The merchant registry (persisted to the plugin store on a timer) and the Merchants page's queries. */
const merchantsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const registry = createMerchantRegistry();
  const store = () => strapi.store({ type: 'plugin', name: PLUGIN_ID });
  let timer: NodeJS.Timeout | undefined;

  const persist = async () => {
    if (!registry.dirty) return;
    registry.markPersisted();
    await store().set({ key: STORE_KEY, value: registry.toJSON() });
  };

  const entrySummaries = async (): Promise<EntrySummary[]> => {
    const rows = (await strapi.db.query(MERCHANT_OFFER_UID).findMany({
      select: ['documentId', 'merchant_id', 'name', 'locale', 'publishedAt', 'enabled'],
    })) as EntryRow[];
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

  const defaultLocale = async (): Promise<string | undefined> => {
    const i18n = strapi.plugin('i18n');
    if (!i18n) return undefined;
    return ((await i18n.service('locales').getDefaultLocale()) as string | null) ?? undefined;
  };

  return {
    async start() {
      registry.load(await store().get({ key: STORE_KEY }));
      timer = setInterval(() => {
        persist().catch((error: unknown) =>
          strapi.log.warn(`[${PLUGIN_ID}] could not save the merchant registry: ${String(error)}`)
        );
      }, PERSIST_EVERY_MS);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await persist();
    },
    persist,
    /** Hot path: a Map update, nothing else. */
    recordSeen(merchantIds: readonly string[]) {
      registry.recordSeen(merchantIds, Date.now());
    },

    async list(query: MerchantListQuery) {
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

    /**
     * A draft entry for a merchant Button returned, prefilled with its id; the existing one if there is one. Creating
     * needs what the Content Manager needs (its create permission on merchant-offer, for the default locale).
     */
    async createDraft(merchantId: string, author: DraftAuthor): Promise<{ document_id: string; created: boolean }> {
      if (!MERCHANT_ID.test(merchantId)) {
        throw new errors.ValidationError('Invalid merchant id', {
          errors: [{ path: ['merchant_id'], message: 'must be a Button organization id (org-...)', name: 'ValidationError' }],
        });
      }
      const existing = (await strapi.db.query(MERCHANT_OFFER_UID).findOne({
        select: ['documentId'],
        where: { merchant_id: merchantId },
      })) as { documentId: string } | null;
      if (existing) return { document_id: existing.documentId, created: false };

      const locale = await defaultLocale();
      const draft: DraftData = { merchant_id: merchantId, name: merchantId, enabled: true, priority: 0 };
      const permitted = await author.permitCreate({ locale, data: draft });
      // Without merchant_id the draft would map nothing: refused like the creation itself.
      if (permitted === null || permitted.merchant_id !== merchantId) {
        throw new errors.ForbiddenError('Creating a merchant offer needs the Content Manager create permission for merchant-offer');
      }
      const documents = strapi.documents(MERCHANT_OFFER_UID) as unknown as {
        create(params: unknown): Promise<{ documentId: string }>;
      };
      const created = await documents.create({
        data: { ...permitted, createdBy: author.userId, updatedBy: author.userId },
        ...(locale === undefined ? {} : { locale }),
      });
      return { document_id: created.documentId, created: true };
    },
  };
};

export default merchantsService;
