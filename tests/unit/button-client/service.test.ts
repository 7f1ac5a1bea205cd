import type { ButtonClientDeps } from '../../../server/src/button-client/client';
import type { ButtonClientEvents } from '../../../server/src/button-client/events';
import type { RateLimiter } from '../../../server/src/button-client/rate-limiter';
import { createButtonService } from '../../../server/src/button-client/service';
import { parsePluginConfig, type PluginConfig } from '../../../server/src/config/schema';
import { createFakeButtonClient, silentLog } from '../../helpers/service-fakes';

const config = parsePluginConfig({ apiKey: 'key' });

function setup(extra: { rateLimiter?: RateLimiter; events?: ButtonClientEvents[] } = {}) {
  const made: Array<{ config: PluginConfig; deps: ButtonClientDeps }> = [];
  const client = createFakeButtonClient();
  const logged: string[] = [];
  const log = { ...silentLog, warn: (message: string) => void logged.push(message) };
  const service = createButtonService({
    config,
    log,
    events: () => extra.events ?? [],
    rateLimiter: extra.rateLimiter,
    createClient: (clientConfig, deps) => {
      made.push({ config: clientConfig, deps });
      return client;
    },
  });
  return { service, made, client, logged };
}

describe('button service', () => {
  it('creates one client, on first use, from the config and the rate limiter it was given', async () => {
    const limiter: RateLimiter = { acquire: () => Promise.resolve({ allowed: true }) };
    const { service, made, client } = setup({ rateLimiter: limiter });
    expect(service.peek()).toBeUndefined();
    expect(service.client()).toBe(client);
    expect(service.client()).toBe(client);
    expect(made).toHaveLength(1);
    expect(made[0]?.config).toBe(config);
    expect(made[0]?.deps.rateLimiter).toBe(limiter);
    expect(service.peek()).toBe(client);

    await service.close();
    expect(client.closed).toBe(true);
    expect(service.peek()).toBeUndefined();
  });

  it("feeds the client's events to every listener it was given, and logs breaker openings", () => {
    const seen: string[] = [];
    const { service, made, logged } = setup({
      events: [
        { onBreakerStateChange: (state, { reason }) => seen.push(`metrics:${state}:${reason}`) },
        { onRateLimited: () => seen.push('health') },
      ],
    });
    service.client();
    const events = made[0]!.deps.events!;
    events.onBreakerStateChange?.('open', { state: 'open', reason: 'consecutive-failures', timeToOpenMs: 120, failures: 5 });
    events.onRateLimited?.();
    expect(seen).toEqual(['metrics:open:consecutive-failures', 'health']);
    expect(logged).toEqual([expect.stringContaining('circuit breaker open (consecutive-failures: 5 failures in 120 ms)')]);
  });
});
