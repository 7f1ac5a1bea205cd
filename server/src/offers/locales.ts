/**
 * The locales this Strapi has, in memory, so that a request's `locale` is resolved BEFORE the content cache or
 * any query sees it: an unknown code is a 400 and leaves nothing behind. Callers cannot grow this list; admins
 * do (a few locales, at most a few hundred), and `maxLocales` bounds it anyway.
 *
 * Fresh enough without a query per request: the list is re-read after `ttlMs`, at once when i18n's locales
 * change in this process (`invalidate`, wired to a database lifecycle), and, for locales created through another
 * instance, on a miss once the list is older than `missRefreshMs`, so unknown codes cost at most one
 * query per `missRefreshMs` whatever the request rate.
 */
export interface LocaleDirectory {
  /** The configured code matching `code` case-insensitively ("FR" -> "fr"), or undefined when there is none. */
  resolve(code: string): Promise<string | undefined>;
  invalidate(): void;
  readonly size: number;
}

export function createLocaleDirectory(options: {
  load: () => Promise<string[]>;
  ttlMs: number;
  missRefreshMs: number;
  maxLocales?: number;
  now?: () => number;
}): LocaleDirectory {
  const now = options.now ?? Date.now;
  const maxLocales = options.maxLocales ?? 1_000;
  let codes = new Map<string, string>(); // lower-case -> as configured
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<void> | undefined;
  let generation = 0;

  const refresh = (): Promise<void> => {
    if (loading !== undefined) return loading; // concurrent requests share one read
    const startedIn = generation;
    const startedAt = now();
    loading = options
      .load()
      .then((list) => {
        const next = new Map<string, string>();
        for (const code of list) {
          if (next.size >= maxLocales) break;
          next.set(code.toLowerCase(), code);
        }
        codes = next;
        // Locales changed while this read ran: it may predate the change, so let the next request read again.
        loadedAt = generation === startedIn ? startedAt : Number.NEGATIVE_INFINITY;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  return {
    async resolve(code) {
      if (now() - loadedAt >= options.ttlMs) await refresh();
      const key = code.toLowerCase();
      const found = codes.get(key);
      if (found !== undefined || now() - loadedAt < options.missRefreshMs) return found;
      await refresh();
      return codes.get(key);
    },
    invalidate() {
      generation += 1;
      loadedAt = Number.NEGATIVE_INFINITY;
    },
    get size() {
      return codes.size;
    },
  };
}
