import type { MerchantContent } from './merge';

export interface LocaleContent {
  byMerchant: ReadonlyMap<string, MerchantContent>;
}

/**
 * CMS content, never rates, kept in memory per locale. The offers endpoint calls Button on every request, but
 * the editors' content changes rarely: reading it from the database on every request cost more CPU than
 * everything else the plugin does. A locale's published, enabled entries are read in one query when first
 * needed and dropped as soon as a merchant-offer document changes (see `invalidate`, wired to a Document
 * Service middleware), or after `ttlMs`, so that changes made through another Strapi instance, or to a logo
 * file, show within that time.
 *
 * Keys are locales the controller has already resolved against i18n's list (offers/locales.ts), so callers cannot
 * add keys; `maxEntries` is the second line of defence: past it, the oldest entry goes.
 */
export function createContentCache(options: {
  load: (locale: string | undefined) => Promise<LocaleContent>;
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 100;
  const entries = new Map<string, { loadedAt: number; content: Promise<LocaleContent> }>();
  let generation = 0;

  return {
    get(locale: string | undefined): Promise<LocaleContent> {
      const key = locale ?? '';
      const cached = entries.get(key);
      if (cached !== undefined && now() - cached.loadedAt < options.ttlMs) return cached.content;
      // Concurrent requests share one load; a load that fails is forgotten so the next request tries again.
      const startedIn = generation;
      const content = options.load(locale).catch((error: unknown) => {
        if (entries.get(key)?.content === content) entries.delete(key);
        throw error;
      });
      entries.delete(key); // re-inserted last: Map order is then load order, oldest first
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { loadedAt: now(), content });
      void content.then(
        () => {
          // Content changed while this load ran: it may predate the change, do not keep it.
          if (generation !== startedIn && entries.get(key)?.content === content) entries.delete(key);
        },
        () => undefined
      );
      return content;
    },
    get size() {
      return entries.size;
    },
    invalidate() {
      generation += 1;
      entries.clear();
    },
  };
}

export type ContentCache = ReturnType<typeof createContentCache>;
