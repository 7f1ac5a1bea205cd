import { createButtonClient, type ButtonClient } from '../../server/src/button-client';
import { parsePluginConfig, type PluginConfigInput } from '../../server/src/config/schema';
import {
  clientConfigFor,
  eventually,
  offersFor,
  ROOMY_TIMEOUTS,
  SIM_API_KEY,
  startSimulator,
  type Simulator,
} from '../helpers/simulator';

/**
 * The Button client against the simulator on a real socket, over HTTP and HTTPS: no stubbed transport.
 */
describe.each([
  ['HTTP', false],
  ['HTTPS', true],
])('Button client over %s', (_label, tls) => {
  let sim: Simulator;
  const clients: ButtonClient[] = [];
  const makeClient = (overrides: PluginConfigInput = {}) => {
    const client = createButtonClient(clientConfigFor(sim, overrides));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sim = await startSimulator({ tls });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    sim.reset();
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('fetches the offers Button computes for the user, with Basic auth and the pinned API version', async () => {
    const client = makeClient({ apiVersion: '2026-01-01', timeouts: ROOMY_TIMEOUTS });
    const result = await client.fetchOffers({ user_id: 'user-1', device_ids: ['IDFA-1'] });
    expect(result.attempts).toBe(1);
    expect(result.merchantOffers.map((m) => m.merchant_id)).toEqual(offersFor('user-1').map((m) => m.merchant_id));
    expect(result.merchantOffers[0]?.offers[0]?.rate_percent).toBe(offersFor('user-1')[0]?.offers[0]?.rate_percent);
    expect(sim.recentRequests()).toEqual([
      expect.objectContaining({
        authorized: true,
        apiVersion: '2026-01-01',
        body: { user_id: 'user-1', device_ids: ['IDFA-1'] },
      }),
    ]);
  });

  it('reuses one keep-alive connection (and one TLS handshake) for sequential calls', async () => {
    const client = makeClient({ timeouts: ROOMY_TIMEOUTS });
    for (let i = 0; i < 25; i += 1) await client.fetchOffers({ user_id: `user-${i}` });
    const stats = sim.stats();
    expect(stats.offersServed).toBe(25);
    expect(stats.connectionsAccepted).toBe(1);
    expect(stats.tlsHandshakes).toBe(tls ? 1 : 0);
  });

  it('never opens more connections than the pool allows, under concurrency', async () => {
    sim.faults.set({ latency: { meanMs: 15, jitterMs: 5 } });
    // Sixty calls queue for four connections: on a loaded machine the queue alone can outlast the default 800 ms
    // attempt timeout, and a timed-out attempt closes its connection (a replacement is accepted, a retry sent).
    const client = makeClient({ pool: { connections: 4 }, timeouts: ROOMY_TIMEOUTS });
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => client.fetchOffers({ user_id: `user-${i}` })));
    expect(results).toHaveLength(60);
    expect(results.every((result) => result.attempts === 1)).toBe(true);
    const stats = sim.stats();
    expect(stats.connectionsPeak).toBeLessThanOrEqual(4);
    expect(stats.connectionsAccepted).toBeLessThanOrEqual(4);
    expect(stats.offersServed).toBe(60);
  });

  it('opens a new connection per call with keep-alive off (the baseline the benchmark compares against)', async () => {
    const client = makeClient({ pool: { keepAlive: false }, timeouts: ROOMY_TIMEOUTS });
    for (let i = 0; i < 5; i += 1) await client.fetchOffers({ user_id: `user-${i}` });
    expect(sim.stats().connectionsAccepted).toBe(5);
  });

  it('retries a 503 and succeeds', async () => {
    sim.faults.set({ rules: [{ kind: 'status', status: 503, times: 1 }] });
    const result = await makeClient().fetchOffers({ user_id: 'user-1' });
    expect(result.attempts).toBe(2);
    expect(sim.stats().requestsReceived).toBe(2);
  });

  it('retries a connection reset and succeeds', async () => {
    sim.faults.set({ rules: [{ kind: 'reset', times: 1 }] });
    const result = await makeClient().fetchOffers({ user_id: 'user-1' });
    expect(result.attempts).toBe(2);
  });

  it('times out a hung attempt and retries it', async () => {
    sim.faults.set({ rules: [{ kind: 'hang', times: 1 }] });
    const result = await makeClient({ timeouts: { attemptMs: 200 } }).fetchOffers({ user_id: 'user-1' });
    expect(result.attempts).toBe(2);
    expect(sim.stats().faultsFired).toEqual({ hang: 1 });
  });

  it('gives up after maxAttempts with the last error', async () => {
    sim.faults.set({ rules: [{ kind: 'status', status: 502 }] });
    await expect(makeClient().fetchOffers({ user_id: 'user-1' })).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      upstreamStatus: 502,
      attempts: 3,
    });
    expect(sim.stats().requestsReceived).toBe(3);
  });

  it.each([
    [{ kind: 'malformed' as const }, 'INVALID_RESPONSE'],
    [{ kind: 'schema' as const }, 'INVALID_RESPONSE'],
    [{ kind: 'error-envelope' as const }, 'INVALID_RESPONSE'],
    [{ kind: 'status' as const, status: 400 }, 'REQUEST_REJECTED'],
    [{ kind: 'status' as const, status: 403 }, 'AUTH_REJECTED'],
    [{ kind: 'status' as const, status: 404 }, 'REQUEST_REJECTED'],
  ])('does not retry %j (%s)', async (rule, code) => {
    sim.faults.set({ rules: [rule] });
    await expect(makeClient().fetchOffers({ user_id: 'user-1' })).rejects.toMatchObject({ code, attempts: 1 });
    expect(sim.stats().requestsReceived).toBe(1);
  });

  it('reports a wrong key as AUTH_REJECTED without retrying, and never puts the key in the error', async () => {
    const error = await makeClient({ apiKey: 'wrong_key_123' })
      .fetchOffers({ user_id: 'user-1' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AUTH_REJECTED', upstreamStatus: 401, attempts: 1 });
    expect(JSON.stringify(error) + String(error)).not.toContain('wrong_key_123');
  });

  it('fails at once on a 429 whose Retry-After does not fit the deadline, keeping the wait', async () => {
    sim.faults.set({ rules: [{ kind: 'status', status: 429, retryAfter: '30' }] });
    await expect(makeClient().fetchOffers({ user_id: 'user-1' })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 30_000,
      attempts: 1,
    });
  });

  it('honours a 429 Retry-After that fits in the deadline', async () => {
    sim.faults.set({ rules: [{ kind: 'status', status: 429, retryAfter: '1', times: 1 }] });
    const result = await makeClient({ timeouts: { deadlineMs: 3000 } }).fetchOffers({ user_id: 'user-1' });
    expect(result.attempts).toBe(2);
  });

  it('closes its connections on close()', async () => {
    const client = makeClient();
    await client.fetchOffers({ user_id: 'user-1' });
    expect(sim.stats().connectionsOpen).toBe(1);
    await client.close();
    await eventually(() => sim.stats().connectionsOpen === 0);
  });

  it('answers NOT_CONFIGURED without sending anything when there is no API key', async () => {
    const client = makeClient({ apiKey: undefined });
    expect(client.configured).toBe(false);
    await expect(client.fetchOffers({ user_id: 'user-1' })).rejects.toMatchObject({ code: 'NOT_CONFIGURED' });
    expect(sim.stats().requestsReceived).toBe(0);
  });
});

describe('Button client against a server that is not there', () => {
  it('reports UPSTREAM_UNREACHABLE after its attempts', async () => {
    const sim = await startSimulator();
    const url = sim.url;
    await sim.stop();
    const client = createButtonClient(
      parsePluginConfig({ apiKey: SIM_API_KEY, baseUrl: url, retry: { baseDelayMs: 5, maxDelayMs: 10 } })
    );
    await expect(client.fetchOffers({ user_id: 'user-1' })).rejects.toMatchObject({ code: 'UPSTREAM_UNREACHABLE', attempts: 3 });
    await client.close();
  });

  it('refuses a certificate it does not trust', async () => {
    const sim = await startSimulator({ tls: true });
    const client = createButtonClient(parsePluginConfig({ apiKey: SIM_API_KEY, baseUrl: sim.url, retry: { maxAttempts: 1 } }));
    await expect(client.fetchOffers({ user_id: 'user-1' })).rejects.toMatchObject({ code: 'UPSTREAM_UNREACHABLE' });
    expect(sim.stats().requestsReceived).toBe(0);
    await client.close();
    await sim.stop();
  });
});
