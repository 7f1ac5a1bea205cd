import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { OffersResponse } from '../contracts/offers';
import { pubRefIssuer } from '../pub-ref';
import { getService } from '../utils/get-service';
import { readLocaleContent } from './cms-content';
import { createContentCache } from './content-cache';
import { mergeOffers } from './merge';
import type { OffersQuery } from './request-schema';

const CONTENT_TTL_MS = 30_000; // how soon another instance's (or a logo file's) change shows; local edits show at once

const offersService = ({ strapi }: { strapi: Core.Strapi }) => {
  const contentCache = createContentCache({ load: (locale) => readLocaleContent(strapi, locale), ttlMs: CONTENT_TTL_MS });

  return {
    /** Drops the cached CMS content: called whenever a merchant-offer document changes. */
    invalidateContent() {
      contentCache.invalidate();
    },

    /**
     * One user's live offers merged with CMS content: Button every time (rates are never cached); the editors'
     * content from memory (see content-cache.ts).
     */
    async personalize(query: OffersQuery, options: { requestId: string; signal?: AbortSignal }): Promise<OffersResponse> {
      const button = getService(strapi, 'button');
      const settings = getService(strapi, 'settings').offers();
      const content = await contentCache.get(query.locale);
      if (!content.localeExists) {
        throw new errors.ValidationError('Invalid offers request', {
          errors: [{ path: ['locale'], message: 'is not a locale configured in this Strapi', name: 'ValidationError' }],
        });
      }

      const result = await button.client().fetchOffers(query.button, { signal: options.signal });
      const fetchedAt = new Date();
      getService(strapi, 'merchants').recordSeen(result.merchantOffers.map((entry) => entry.merchant_id));
      const merged = mergeOffers({
        merchantOffers: result.merchantOffers,
        content: content.byMerchant,
        includeUnmapped: settings.includeUnmapped,
        locale: query.locale ?? 'en',
        defaultHeadlineTemplate: settings.defaultHeadlineTemplate,
        pubRefFor: pubRefIssuer(button.config().pubRefSecret, query.button.user_id),
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
  };
};

export default offersService;
