import { parsePluginConfig } from '../../../server/src/config/schema';
import { createSettingsService } from '../../../server/src/settings/service';
import { createFakeStore } from '../../helpers/service-fakes';

const config = parsePluginConfig({
  apiKey: 'key_secret_value',
  webhookSecret: 'whsec_secret_value',
  baseUrl: 'https://user:pass@button.example/path?token=x',
  offers: { includeUnmapped: false, defaultHeadlineTemplate: 'Earn {rate} at {name}' },
});

describe('settings service', () => {
  it('starts from the boot config and applies what an admin saved, in memory and in the store', async () => {
    const store = createFakeStore();
    const settings = createSettingsService({ config, store });
    await settings.load();
    expect(settings.offers()).toEqual({ includeUnmapped: false, defaultHeadlineTemplate: 'Earn {rate} at {name}' });

    const described = await settings.update({ includeUnmapped: true });
    expect(store.writes).toEqual([['settings', { includeUnmapped: true }]]);
    expect(settings.offers()).toEqual({ includeUnmapped: true, defaultHeadlineTemplate: 'Earn {rate} at {name}' });
    expect(described.runtime).toEqual({ includeUnmapped: true });
  });

  it('loads what was saved before, and drops a stored value that is no longer valid', async () => {
    const store = createFakeStore({ settings: { defaultHeadlineTemplate: 'Hi {name}' } });
    const saved = createSettingsService({ config, store });
    await saved.load();
    expect(saved.offers().defaultHeadlineTemplate).toBe('Hi {name}');

    const stale = createSettingsService({ config, store: createFakeStore({ settings: { includeUnmapped: 'yes', old: 1 } }) });
    await stale.load();
    expect(stale.describe().runtime).toEqual({});
  });

  it('describes the effective config without any secret or URL credentials', () => {
    const text = JSON.stringify(createSettingsService({ config, store: createFakeStore() }).describe());
    for (const secret of ['key_secret_value', 'whsec_secret_value', 'pass', 'token=x']) expect(text).not.toContain(secret);
    expect(JSON.parse(text).effective).toMatchObject({ apiKey: { set: true }, pubRefSecret: { set: false } });
  });

  it('announces a save to the other instances, and picks up theirs: on announcement (load) and on its timer', async () => {
    jest.useFakeTimers();
    try {
      const store = createFakeStore();
      let announced = 0;
      const here = createSettingsService({ config, store, announce: () => (announced += 1) });
      const there = createSettingsService({ config, store, refreshEveryMs: 30_000 });
      await here.start();
      await there.start();

      await here.update({ defaultHeadlineTemplate: 'Now {rate} at {name}' });
      expect(announced).toBe(1);
      expect(there.offers().defaultHeadlineTemplate).toBe('Earn {rate} at {name}');
      await jest.advanceTimersByTimeAsync(30_000); // no announcement reached it: the timer does
      expect(there.offers().defaultHeadlineTemplate).toBe('Now {rate} at {name}');

      await here.update({ includeUnmapped: true });
      await there.load(); // what the invalidation bus calls
      expect(there.offers()).toEqual({ includeUnmapped: true, defaultHeadlineTemplate: 'Earn {rate} at {name}' });
      here.stop();
      there.stop();
    } finally {
      jest.useRealTimers();
    }
  });

  it('never lets a reload that started before a save overwrite it', async () => {
    let release: (value: unknown) => void = () => undefined;
    const store = createFakeStore();
    const slowStore = {
      ...store,
      get: (key: string) => new Promise((resolve) => (release = () => resolve(store.data.get(key)))),
    };
    const settings = createSettingsService({ config, store: slowStore });
    const reloading = settings.load(); // reads the store as it was: nothing saved
    await settings.update({ includeUnmapped: true });
    release(undefined);
    await reloading;
    expect(settings.offers().includeUnmapped).toBe(true);
  });
});
