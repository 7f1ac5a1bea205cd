import { createContentCache, type LocaleContent } from '../../../server/src/offers/content-cache';

const content = (name: string): LocaleContent => ({
  byMerchant: new Map([['org-a', { name } as never]]),
});

function setup() {
  let now = 0;
  const loads: Array<string | undefined> = [];
  let next: () => Promise<LocaleContent> = async () => content(`v${loads.length}`);
  const cache = createContentCache({
    load: (locale) => {
      loads.push(locale);
      return next();
    },
    ttlMs: 1000,
    now: () => now,
  });
  return { cache, loads, advance: (ms: number) => (now += ms), setNext: (fn: typeof next) => (next = fn) };
}

const nameOf = async (promise: Promise<LocaleContent>) =>
  ((await promise).byMerchant.get('org-a') as unknown as { name: string }).name;

describe('content cache', () => {
  it('loads a locale once, then serves it from memory until the TTL', async () => {
    const { cache, loads, advance } = setup();
    expect(await nameOf(cache.get('fr'))).toBe('v1');
    expect(await nameOf(cache.get('fr'))).toBe('v1');
    expect(await nameOf(cache.get(undefined))).toBe('v2'); // the default locale is its own entry
    advance(1000);
    expect(await nameOf(cache.get('fr'))).toBe('v3');
    expect(loads).toEqual(['fr', undefined, 'fr']);
  });

  it('drops everything on invalidate', async () => {
    const { cache, loads } = setup();
    await cache.get('en');
    cache.invalidate();
    await cache.get('en');
    expect(loads).toEqual(['en', 'en']);
  });

  it('shares one load between concurrent requests', async () => {
    const { cache, loads } = setup();
    await Promise.all([cache.get('en'), cache.get('en'), cache.get('en')]);
    expect(loads).toHaveLength(1);
  });

  it('does not keep a load that started before a change', async () => {
    const { cache, loads, setNext } = setup();
    let release!: () => void;
    setNext(() => new Promise((resolve) => (release = () => resolve(content('before the change')))));
    const stale = cache.get('en');
    cache.invalidate(); // an editor published while the load ran
    release();
    await stale;
    setNext(async () => content('after the change'));
    expect(await nameOf(cache.get('en'))).toBe('after the change');
    expect(loads).toHaveLength(2);
  });

  it('forgets a failed load so the next request tries again', async () => {
    const { cache, setNext } = setup();
    setNext(async () => {
      throw new Error('database down');
    });
    await expect(cache.get('en')).rejects.toThrow('database down');
    setNext(async () => content('recovered'));
    expect(await nameOf(cache.get('en'))).toBe('recovered');
  });
});

describe('content cache bound', () => {
  it('holds at most maxEntries locales, dropping the oldest', async () => {
    const loads: Array<string | undefined> = [];
    const cache = createContentCache({
      load: async (locale) => {
        loads.push(locale);
        return content(String(locale));
      },
      ttlMs: 60_000,
      maxEntries: 3,
    });
    for (const locale of ['a', 'b', 'c', 'd', 'e']) await cache.get(locale);
    expect(cache.size).toBe(3);
    await cache.get('e'); // still cached
    await cache.get('a'); // was dropped: loaded again
    expect(loads).toEqual(['a', 'b', 'c', 'd', 'e', 'a']);
    expect(cache.size).toBe(3);
  });
});
