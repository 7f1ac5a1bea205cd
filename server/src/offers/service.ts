import type { ButtonClient } from '../button-client/client';
import type { OffersResponse } from '../contracts/offers';
import { pubRefIssuer } from '../pub-ref';
import type { OffersSettings } from '../settings/runtime-settings';
import type { OffersContentSource } from './cms-content';
import { createContentCache, type ContentCache } from './content-cache';
import { createLocaleDirectory, type LocaleDirectory } from './locales';
import { mergeOffers } from './merge';
import type { OffersQuery } from './request-schema';

// How soon another instance's change shows without Redis (with it: pub/sub, within a second), or a logo file's;
// edits made through this instance show at once.
const CONTENT_TTL_MS = 30_000;
const LOCALES_TTL_MS = 30_000; // locales change far less often than content
const LOCALES_MISS_REFRESH_MS = 1_000; // a locale created on another instance shows within a second; unknown codes cost at most one read a second

export interface OffersServiceDeps {
  /** The Button client (created on first use by the button service). */
  client: () => Pick<ButtonClient, 'fetchOffers'>;
  /** The effective offers settings (boot config overridden by what an admin saved). */
  settings: () => OffersSettings;
  /** Tells the merchant registry which merchants Button returned (a Map update). */
  recordSeen: (merchantIds: readonly string[]) => void;
  /** Signs the pubRefs handed out; unset serves unsigned ones. */
  pubRefSecret: string | undefined;
  content: OffersContentSource;
  /** Tells the other instances that i18n's locales changed here (shared-state's bus; a no-op without Redis). */
  announceLocales?: () => void;
  /** Wall-clock time (epoch ms): `fetched_at`, and the caches' ages. */
  now?: () => number;
  /** The caches in front of `content`: built here with the defaults below unless given. */
  caches?: { content?: ContentCache; locales?: LocaleDirectory };
}

/**
 * The offers endpoint's work once the controller has validated the request: live rates from Button, merged with
 * the editors' content for the request's (resolved) locale.
 */
export function createOffersService(deps: OffersServiceDeps) {
  const now = deps.now ?? Date.now;
  const contentCache =
    deps.caches?.content ??
    createContentCache({
      load: (locale) => deps.content.readLocaleContent(locale),
      ttlMs: CONTENT_TTL_MS,
      now,
    });
  const locales =
    deps.caches?.locales ??
    createLocaleDirectory({
      load: () => deps.content.readLocaleCodes(),
      ttlMs: LOCALES_TTL_MS,
      missRefreshMs: LOCALES_MISS_REFRESH_MS,
      now,
    });
  let watchingLocales = false;
  // At first use rather than at register (the database is ready by then): a locale created, renamed or deleted in
  // this process is seen by the very next request, and the content of a deleted one is not kept.
  const watchLocales = () => {
    if (watchingLocales) return;
    watchingLocales = true;
    deps.content.watchLocales(() => {
      locales.invalidate();
      contentCache.invalidate();
      deps.announceLocales?.();
    });
  };

  return {
    /** Drops the cached CMS content: called whenever a merchant-offer document changes, here or on another instance. */
    invalidateContent() {
      contentCache.invalidate();
    },

    /** Drops the cached locale list and content: another instance changed i18n's locales. */
    invalidateLocales() {
      locales.invalidate();
      contentCache.invalidate();
    },

    /**
     * The configured locale code matching a request's `locale` (case-insensitively), or undefined when this Strapi
     * has no such locale. The controller asks this before anything is cached or queried for the request.
     */
    async resolveLocale(code: string): Promise<string | undefined> {
      watchLocales();
      return locales.resolve(code);
    },

    /** Entries in the CMS content cache (one per locale served): bounded, observable for tests and health. */
    contentCacheSize(): number {
      return contentCache.size;
    },

    /**
     * One user's live offers merged with CMS content: Button every time (rates are never cached); the editors'
     * content from memory (see content-cache.ts). `query.locale` must be one resolveLocale returned.
     */
    async personalize(query: OffersQuery, options: { requestId: string; signal?: AbortSignal }): Promise<OffersResponse> {
      const settings = deps.settings();
      const content = await contentCache.get(query.locale);

      const result = await deps.client().fetchOffers(query.button, { signal: options.signal });
      const fetchedAt = new Date(now());
      deps.recordSeen(result.merchantOffers.map((entry) => entry.merchant_id));
      const merged = mergeOffers({
        merchantOffers: result.merchantOffers,
        content: content.byMerchant,
        includeUnmapped: settings.includeUnmapped,
        locale: query.locale ?? 'en',
        defaultHeadlineTemplate: settings.defaultHeadlineTemplate,
        pubRefFor: pubRefIssuer(deps.pubRefSecret, query.button.user_id),
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
}

export type OffersService = ReturnType<typeof createOffersService>;
