import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { OffersResponse } from '../contracts/offers';
import { pubRefIssuer } from '../pub-ref';
import { getService } from '../utils/get-service';
import { localeExists, readMerchantContent } from './cms-content';
import { mergeOffers } from './merge';
import type { OffersQuery } from './request-schema';

const offersService = ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * One user's live offers merged with CMS content: Button first (every time, never cached), then one CMS
   * query for the merchants it returned.
   */
  async personalize(query: OffersQuery, options: { requestId: string; signal?: AbortSignal }): Promise<OffersResponse> {
    const button = getService(strapi, 'button');
    const settings = getService(strapi, 'settings').offers();
    if (query.locale !== undefined && !(await localeExists(strapi, query.locale))) {
      throw new errors.ValidationError('Invalid offers request', {
        errors: [{ path: ['locale'], message: 'is not a locale configured in this Strapi', name: 'ValidationError' }],
      });
    }

    const result = await button.client().fetchOffers(query.button, { signal: options.signal });
    const fetchedAt = new Date();
    const merchantIds = result.merchantOffers.map((entry) => entry.merchant_id);
    getService(strapi, 'merchants').recordSeen(merchantIds);
    const content = await readMerchantContent(strapi, merchantIds, query.locale);
    const merged = mergeOffers({
      merchantOffers: result.merchantOffers,
      content,
      includeUnmapped: settings.includeUnmapped,
      locale: query.locale ?? 'en',
      defaultHeadlineTemplate: settings.defaultHeadlineTemplate,
      pubRefFor: pubRefIssuer(button.config().pubRefSecret),
    });

    return {
      data: merged.data,
      meta: {
        request_id: options.requestId,
        fetched_at: fetchedAt.toISOString(),
        upstream_ms: Math.round(result.upstreamMs * 10) / 10,
        attempts: result.attempts,
        unmapped_merchant_ids: merged.unmappedMerchantIds,
      },
    };
  },
});

export default offersService;
