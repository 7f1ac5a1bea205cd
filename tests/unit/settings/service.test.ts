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
});
