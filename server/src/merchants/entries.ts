import type { Core } from '@strapi/strapi';
import { MERCHANT_OFFER_UID } from '../constants';
import type { DraftData } from './draft-permission';

/** One merchant-offer row (a locale and publication state of a document), as the Merchants page reads it. */
export interface EntryRow {
  documentId: string;
  merchant_id: string;
  name: string;
  locale: string | null;
  publishedAt: string | null;
  enabled: boolean | null;
}

/** A draft's data as created: what the author may set, and who they are. */
export type DraftInput = Partial<DraftData> & { createdBy: number | string; updatedBy: number | string };

/** What the merchants service reads and writes of the CMS: small enough to fake in unit tests. */
export interface MerchantEntries {
  rows(): Promise<EntryRow[]>;
  /** The document mapping this merchant, in any locale or state, if there is one. */
  findDocumentId(merchantId: string): Promise<string | undefined>;
  /** i18n's default locale, or undefined without i18n. */
  defaultLocale(): Promise<string | undefined>;
  createDraft(data: DraftInput, locale?: string): Promise<string>;
}

/** MerchantEntries over Strapi's query engine and Document Service. */
export function strapiMerchantEntries(strapi: Core.Strapi): MerchantEntries {
  return {
    async rows() {
      return (await strapi.db.query(MERCHANT_OFFER_UID).findMany({
        select: ['documentId', 'merchant_id', 'name', 'locale', 'publishedAt', 'enabled'],
      })) as EntryRow[];
    },
    async findDocumentId(merchantId) {
      const existing = (await strapi.db.query(MERCHANT_OFFER_UID).findOne({
        select: ['documentId'],
        where: { merchant_id: merchantId },
      })) as { documentId: string } | null;
      return existing?.documentId;
    },
    async defaultLocale() {
      const i18n = strapi.plugin('i18n');
      if (!i18n) return undefined;
      return ((await i18n.service('locales').getDefaultLocale()) as string | null) ?? undefined;
    },
    async createDraft(data, locale) {
      const documents = strapi.documents(MERCHANT_OFFER_UID) as unknown as {
        create(params: unknown): Promise<{ documentId: string }>;
      };
      const created = await documents.create({ data, ...(locale === undefined ? {} : { locale }) });
      return created.documentId;
    },
  };
}
