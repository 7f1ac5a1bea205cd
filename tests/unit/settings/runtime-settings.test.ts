import { parsePluginConfig } from '../../../server/src/config/schema';
import { describeConfig, effectiveOffersSettings, runtimeSettingsSchema } from '../../../server/src/settings/runtime-settings';

describe('runtime settings', () => {
  const config = parsePluginConfig({ apiKey: 'key_secret_value', webhookSecret: 'whsec_value', tls: { ca: 'PEM' } });

  it('override the boot config where saved, and only there', () => {
    expect(effectiveOffersSettings(config, {})).toEqual({
      includeUnmapped: false,
      defaultHeadlineTemplate: 'Earn {rate} back at {name}',
    });
    expect(effectiveOffersSettings(config, { includeUnmapped: true })).toEqual({
      includeUnmapped: true,
      defaultHeadlineTemplate: 'Earn {rate} back at {name}',
    });
  });

  it('accept only known, valid keys', () => {
    expect(
      runtimeSettingsSchema.safeParse({ includeUnmapped: true, defaultHeadlineTemplate: ' {rate} at {name} ' }).data
    ).toEqual({
      includeUnmapped: true,
      defaultHeadlineTemplate: '{rate} at {name}',
    });
    expect(runtimeSettingsSchema.safeParse({ apiKey: 'x' }).success).toBe(false);
    expect(runtimeSettingsSchema.safeParse({ defaultHeadlineTemplate: '  ' }).success).toBe(false);
  });

  it('describe the config with every secret reduced to whether it is set', () => {
    const described = describeConfig(config);
    expect(described).toMatchObject({
      apiKey: { set: true },
      webhookSecret: { set: true },
      pubRefSecret: { set: false },
      tls: { ca: { set: true } },
    });
    expect(JSON.stringify(described)).not.toMatch(/key_secret_value|whsec_value|PEM/);
  });

  it('describe Redis by host only: no password, no connection object', () => {
    const connection = { status: 'ready', duplicate: () => connection, options: { password: 'conn-pw' } };
    const withUrl = describeConfig(parsePluginConfig({ redis: { url: 'redis://user:redis-pw@cache.internal:6379/0' } }));
    expect(withUrl.redis).toMatchObject({ url: 'redis://cache.internal:6379/0', connection: { set: false } });
    const withConnection = describeConfig(parsePluginConfig({ redis: { connection } }));
    expect(withConnection.redis).toMatchObject({ url: null, connection: { set: true } });
    expect(JSON.stringify([withUrl, withConnection])).not.toMatch(/redis-pw|conn-pw/);
  });
});
