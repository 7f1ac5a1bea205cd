import { createLocaleDirectory } from '../../../server/src/offers/locales';

function setup(initial: string[] = ['en', 'fr', 'pt-BR']) {
  let now = 0;
  let list = initial;
  let loads = 0;
  const directory = createLocaleDirectory({
    load: async () => {
      loads += 1;
      return list;
    },
    ttlMs: 30_000,
    missRefreshMs: 1_000,
    maxLocales: 5,
    now: () => now,
  });
  return {
    directory,
    loads: () => loads,
    advance: (ms: number) => (now += ms),
    setList: (next: string[]) => (list = next),
  };
}

describe('locale directory', () => {
  it('resolves case-insensitively to the configured code', async () => {
    const { directory } = setup();
    expect(await directory.resolve('FR')).toBe('fr');
    expect(await directory.resolve('pt-br')).toBe('pt-BR');
    expect(await directory.resolve('de')).toBeUndefined();
  });

  it('unknown codes cost at most one read per missRefreshMs, however many arrive', async () => {
    const { directory, loads, advance } = setup();
    await directory.resolve('en');
    for (let i = 0; i < 10_000; i += 1) expect(await directory.resolve(`zz-${i}`)).toBeUndefined();
    expect(loads()).toBe(1);
    advance(1_000);
    await directory.resolve('zz-again');
    expect(loads()).toBe(2);
    expect(directory.size).toBe(3); // callers never add to it
  });

  it('sees a new locale after invalidate, and after the TTL', async () => {
    const { directory, setList, advance } = setup();
    await directory.resolve('en');
    setList(['en', 'fr', 'pt-BR', 'de']);
    expect(await directory.resolve('de')).toBeUndefined(); // within missRefreshMs of the last read
    directory.invalidate();
    expect(await directory.resolve('de')).toBe('de');
    setList(['en']);
    advance(30_000);
    expect(await directory.resolve('fr')).toBeUndefined();
  });

  it('shares one read between concurrent requests, and holds at most maxLocales', async () => {
    const { directory, loads, setList } = setup();
    setList(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']);
    await Promise.all(Array.from({ length: 50 }, () => directory.resolve('a1')));
    expect(loads()).toBe(1);
    expect(directory.size).toBe(5);
  });

  it('a failed read is not remembered: the next request reads again', async () => {
    let fail = true;
    const directory = createLocaleDirectory({
      load: async () => {
        if (fail) throw new Error('database down');
        return ['en'];
      },
      ttlMs: 30_000,
      missRefreshMs: 1_000,
    });
    await expect(directory.resolve('en')).rejects.toThrow('database down');
    fail = false;
    expect(await directory.resolve('en')).toBe('en');
  });
});
