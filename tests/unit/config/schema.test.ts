import { DEFAULT_BASE_URL, parsePluginConfig } from '../../../server/src/config/schema';

describe('parsePluginConfig', () => {
  it('fills sane defaults from an empty config', () => {
    const config = parsePluginConfig({});
    expect(config.apiKey).toBeUndefined();
    expect(config).toMatchObject({
      baseUrl: DEFAULT_BASE_URL,
      timeouts: { connectMs: 1000, attemptMs: 800, deadlineMs: 1500 },
      retry: { maxAttempts: 3, baseDelayMs: 25, maxDelayMs: 250 },
      pool: { connections: 16, keepAliveTimeoutMs: 30_000, keepAlive: true },
      breaker: { failureRate: 0.5, consecutiveFailures: 5 },
      tls: { rejectUnauthorized: true },
      offers: { includeUnmapped: false, defaultHeadlineTemplate: 'Earn {rate} back at {name}' },
    });
  });

  it('treats empty environment values as unset', () => {
    const config = parsePluginConfig({ apiKey: '', baseUrl: '', pubRefSecret: '', timeouts: { attemptMs: undefined } });
    expect(config.apiKey).toBeUndefined();
    expect(config.baseUrl).toBe(DEFAULT_BASE_URL);
    expect(config.timeouts.attemptMs).toBe(800);
  });

  it.each([
    [{ baseUrl: 'ftp://button' }, /"baseUrl": must be an http\(s\) URL/],
    [{ retry: { maxAttempts: 0 } }, /"retry\.maxAttempts"/],
    [{ timeouts: { deadlineMs: Number.NaN } }, /"timeouts\.deadlineMs"/],
    [{ pool: { connections: 2.5 } }, /"pool\.connections"/],
    [{ apiVersion: 'latest' }, /"apiVersion": must be a date/],
    [{ breaker: { consecutiveFailures: -1 } }, /"breaker\.consecutiveFailures"/],
    [{ breaker: { consecutiveFailures: 2.5 } }, /"breaker\.consecutiveFailures"/],
    [{ pool: { keepAliveTimeoutMs: 0 } }, /"pool\.keepAliveTimeoutMs"/],
    [{ retyr: {} }, /\(retyr\)/],
    [{ redis: { url: 'http://127.0.0.1:6379' } }, /"redis\.url": must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ redis: { connection: { host: 'redis' } } }, /"redis\.connection": must be an ioredis connection/],
    [{ redis: { keyPrefix: 'has spaces' } }, /"redis\.keyPrefix"/],
    [{ rateLimit: { expectedInstances: 0 } }, /"rateLimit\.expectedInstances"/],
  ])('names the bad option in %j', (config, message) => {
    expect(() => parsePluginConfig(config)).toThrow(message);
  });

  it('never echoes a secret in its error', () => {
    expect(() =>
      parsePluginConfig({ apiKey: 12345678, webhookSecret: 'whsec_do_not_print', retry: { maxAttempts: -1 } })
    ).toThrow(expect.objectContaining({ message: expect.not.stringMatching(/12345678|whsec_do_not_print/) }));
  });

  it('takes Redis from a URL or an app connection, and never echoes a Redis password in its error', () => {
    expect(parsePluginConfig({}).redis).toMatchObject({ keyPrefix: 'button-personalization:', commandTimeoutMs: 50 });
    expect(parsePluginConfig({ redis: { url: '' } }).redis.url).toBeUndefined();
    expect(parsePluginConfig({ redis: { url: 'rediss://:pw@redis.example:6380/2' } }).redis.url).toBe(
      'rediss://:pw@redis.example:6380/2'
    );
    const connection = { status: 'ready', duplicate: () => connection };
    expect(parsePluginConfig({ redis: { connection } }).redis.connection).toBe(connection); // the same object, not a copy
    expect(() => parsePluginConfig({ redis: { url: 'redis://:s3cret-pw@host:6379', commandTimeoutMs: 0 } })).toThrow(
      expect.objectContaining({ message: expect.not.stringMatching(/s3cret-pw/) })
    );
  });
});
