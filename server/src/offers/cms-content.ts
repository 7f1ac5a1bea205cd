import type { Core } from '@strapi/strapi';
import { MERCHANT_OFFER_UID } from '../constants';
import type { MediaView } from '../contracts/offers';
import type { LocaleContent } from './content-cache';
import type { MerchantContent } from './merge';

const CONTENT_FIELDS = [
  'merchant_id',
  'name',
  'description',
  'cta_label',
  'cta_url',
  'terms',
  'headline_template',
  'priority',
  'featured',
  'locale',
] as const;
const LOGO_FIELDS = ['url', 'alternativeText', 'width', 'height', 'mime', 'formats'] as const;

interface MerchantOfferRow {
  documentId: string;
  merchant_id: string;
  name: string;
  description?: unknown;
  cta_label?: string | null;
  cta_url?: string | null;
  terms?: string | null;
  headline_template?: string | null;
  priority?: number | null;
  featured?: boolean | null;
  locale?: string | null;
  logo?: (Partial<MediaView> & { url: string }) | null;
}

/**
 * Every published, enabled merchant-offer entry of a locale (the default locale when none is given), in one
 * query: what the content cache holds. Not per request: see content-cache.ts. `locale` is one i18n has (the
 * controller resolved it before anything was cached or queried).
 */
export async function readLocaleContent(strapi: Core.Strapi, locale: string | undefined): Promise<LocaleContent> {
  const rows = (await strapi.documents(MERCHANT_OFFER_UID).findMany({
    filters: { enabled: true },
    status: 'published',
    ...(locale === undefined ? {} : { locale }),
    fields: [...CONTENT_FIELDS],
    populate: { logo: { fields: [...LOGO_FIELDS] } },
  } as never)) as unknown as MerchantOfferRow[];
  return { byMerchant: new Map(rows.map((row) => [row.merchant_id, toContent(row)])) };
}

/** The codes of every locale in this Strapi's i18n settings (a list admins create: a few, at most hundreds). */
export async function readLocaleCodes(strapi: Core.Strapi): Promise<string[]> {
  const rows = (await strapi.db.query(I18N_LOCALE_UID).findMany({ select: ['code'] })) as Array<{ code: string | null }>;
  return rows.map((row) => row.code).filter((code): code is string => typeof code === 'string');
}

export const I18N_LOCALE_UID = 'plugin::i18n.locale';

/** What the offers service reads of the CMS: small enough to fake in unit tests. */
export interface OffersContentSource {
  readLocaleContent(locale: string | undefined): Promise<LocaleContent>;
  readLocaleCodes(): Promise<string[]>;
  /** Calls `listener` after any change to i18n's locales made in this process. */
  watchLocales(listener: () => void): void;
}

/** The content source over Strapi's Document Service, query engine and database lifecycles. */
export function strapiOffersContent(strapi: Core.Strapi): OffersContentSource {
  return {
    readLocaleContent: (locale) => readLocaleContent(strapi, locale),
    readLocaleCodes: () => readLocaleCodes(strapi),
    watchLocales(listener) {
      strapi.db.lifecycles.subscribe((event) => {
        if (event.model.uid === I18N_LOCALE_UID && event.action.startsWith('after')) listener();
      });
    },
  };
}

function toContent(row: MerchantOfferRow): MerchantContent {
  return {
    document_id: row.documentId,
    merchant_id: row.merchant_id,
    locale: row.locale ?? null,
    name: row.name,
    description: row.description ?? null,
    logo: row.logo
      ? {
          url: row.logo.url,
          alternativeText: row.logo.alternativeText ?? null,
          width: row.logo.width ?? null,
          height: row.logo.height ?? null,
          mime: row.logo.mime ?? null,
          formats: row.logo.formats ?? null,
        }
      : null,
    cta_label: row.cta_label ?? null,
    cta_url: row.cta_url ?? null,
    terms: row.terms ?? null,
    featured: row.featured ?? false,
    priority: row.priority ?? 0,
    headline_template: row.headline_template ?? null,
  };
}
