import { parsePluginConfig } from '../../../server/src/config/schema';
import { createHealthService } from '../../../server/src/health/service';
import { createFakeButtonClient } from '../../helpers/service-fakes';

const config = parsePluginConfig({ apiKey: 'key_secret_value', baseUrl: 'https://user:pass@button.example' });

describe('health service', () => {
  it('shows what is configured (never values), and no breaker or pool before the client exists', () => {
    const health = createHealthService({
      config,
      client: () => undefined,
      webhookUrl: () => 'https://cms.example/v2/button-personalization/webhooks',
      now: () => 1_000_000,
    });
    const snapshot = health.snapshot();
    expect(snapshot.config).toEqual({
      api_key_set: true,
      webhook_secret_set: false,
      pubref_secret_set: false,
      base_url: 'https://button.example',
    });
    expect(snapshot).toMatchObject({ breaker: null, pool: null });
    expect(snapshot.webhook_url).toBe('https://cms.example/v2/button-personalization/webhooks');
    expect(JSON.stringify(snapshot)).not.toContain('key_secret_value');
  });

  it("keeps the client's recent calls, leaving out hedges it cancelled", () => {
    let now = 1_000_000;
    const client = createFakeButtonClient();
    const health = createHealthService({ config, client: () => client, webhookUrl: () => '', now: () => now });
    health.events.onAttempt?.({ durationMs: 90, outcome: 'success', upstreamStatus: 200, hedge: false });
    health.events.onAttempt?.({ durationMs: 30, outcome: 'ABORTED', hedge: true });
    now += 10;
    const failed = { durationMs: 400, upstreamStatus: 503, hedge: false, message: 'x' };
    health.events.onAttempt?.({ ...failed, outcome: 'UPSTREAM_UNAVAILABLE' });
    const snapshot = health.snapshot();
    expect(snapshot.upstream).toMatchObject({ calls: 2, errors: 1, error_rate: 0.5 });
    expect(snapshot.upstream.last_errors).toEqual([
      { at: new Date(now).toISOString(), code: 'UPSTREAM_UNAVAILABLE', upstream_status: 503, message: 'x' },
    ]);
    expect(snapshot.breaker).toMatchObject({ state: 'closed' });
    expect(snapshot.pool).toMatchObject({ connected: 1 });
  });
});
