import type { Core } from '@strapi/strapi';

export const MERCHANT_OFFER_UID = 'plugin::button-personalization.merchant-offer';

export interface MerchantOfferData {
  merchant_id: string;
  name: string;
  enabled?: boolean;
  priority?: number;
  headline_template?: string;
  cta_label?: string;
  cta_url?: string;
  description?: unknown;
}

/** Creates a merchant-offer entry through the Document Service, as the Content Manager would. */
export async function createMerchantOffer(
  strapi: Core.Strapi,
  data: MerchantOfferData,
  options: { publish?: boolean; locale?: string } = {}
): Promise<{ documentId: string }> {
  const documents = strapi.documents(MERCHANT_OFFER_UID as never) as unknown as {
    create(params: unknown): Promise<{ documentId: string }>;
  };
  return documents.create({
    data: { enabled: true, priority: 0, ...data },
    ...(options.locale ? { locale: options.locale } : {}),
    ...(options.publish === false ? {} : { status: 'published' }),
  });
}

/** Adds (and publishes) another locale's version of an existing entry. */
export async function addLocalization(strapi: Core.Strapi, documentId: string, locale: string, data: Partial<MerchantOfferData>) {
  const documents = strapi.documents(MERCHANT_OFFER_UID as never) as unknown as {
    update(params: unknown): Promise<unknown>;
    publish(params: unknown): Promise<unknown>;
  };
  await documents.update({ documentId, locale, data });
  await documents.publish({ documentId, locale });
}

/** Changes the draft only: the published version (what the endpoint serves) stays as it was. */
export async function editDraft(strapi: Core.Strapi, documentId: string, data: Partial<MerchantOfferData>) {
  const documents = strapi.documents(MERCHANT_OFFER_UID as never) as unknown as { update(params: unknown): Promise<unknown> };
  await documents.update({ documentId, data });
}

export async function createLocale(strapi: Core.Strapi, code: string, name: string) {
  await strapi.plugin('i18n').service('locales').create({ code, name });
}
