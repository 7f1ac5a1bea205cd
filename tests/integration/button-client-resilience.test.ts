import { createButtonClient, type ButtonClient } from '../../server/src/button-client';
import type { PluginConfigInput } from '../../server/src/config/schema';
import { clientConfigFor, ROOMY_TIMEOUTS, startSimulator, type Simulator } from '../helpers/simulator';

/**
 * Breaker, budget, hedging, limiter, warm-up and TLS reuse, against the simulator on a real socket.
 * Behaviour only: counts of calls and states, never how long anything took.
 */
describe('Button client resilience', () => {
  let sim: Simulator;
  const clients: ButtonClient[] = [];
  const events: string[] = [];
  const makeClient = (overrides: PluginConfigInput = {}) => {
    const client = createButtonClient(clientConfigFor(sim, overrides), {
      events: {
        onBreakerStateChange: (state) => events.push(`breaker:${state}`),
        onHedge: (event) => events.push(`hedge:${event}`),
        onRefused: ({ what, reason }) => events.push(`refused:${what}:${reason}`),
      },
    });
    clients.push(client);
    return client;
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    sim = await startSimulator({ tls: true });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    sim.reset();
    events.length = 0;
  });
  afterAll(() => sim.stop());

  it('opens the breaker on an upstream outage, fails fast without calling Button, then probes and closes', async () => {
    const client = makeClient({
      retry: { maxAttempts: 1 },
      breaker: { minimumRequests: 4, failureRate: 0.5, halfOpenAfterMs: 300, halfOpenProbes: 1, successThreshold: 2 },
    });
    sim.faults.set({ rules: [{ kind: 'status', status: 503 }] });
    for (let i = 0; i < 4; i += 1)
      await expect(client.fetchOffers({ user_id: 'u' })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(client.breakerState()?.state).toBe('open');

    const received = sim.stats().requestsReceived;
    const refused = await client.fetchOffers({ user_id: 'u' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'CIRCUIT_OPEN', attempts: 0 });
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect(sim.stats().requestsReceived).toBe(received); // nothing sent while open

    sim.faults.clear(); // Button is back
    await sleep(350); // past the half-open interval
    await expect(client.fetchOffers({ user_id: 'u' })).resolves.toMatchObject({ attempts: 1 });
    expect(client.breakerState()?.state).toBe('half-open');
    await expect(client.fetchOffers({ user_id: 'u' })).resolves.toMatchObject({ attempts: 1 });
    expect(client.breakerState()?.state).toBe('closed');
    expect(events).toEqual(['breaker:open', 'breaker:half-open', 'breaker:closed']);
  });

  it('does not count a client error (400) or a rejected key as a Button failure', async () => {
    const client = makeClient({ retry: { maxAttempts: 1 }, breaker: { minimumRequests: 2, failureRate: 0.5 } });
    sim.faults.set({ rules: [{ kind: 'status', status: 400 }] });
    for (let i = 0; i < 5; i += 1) await client.fetchOffers({ user_id: 'u' }).catch(() => undefined);
    expect(client.breakerState()?.state).toBe('closed');
  });

  it('stops retrying when the retry budget is spent, and says so', async () => {
    const client = makeClient({ retry: { maxAttempts: 3, budgetRatio: 0, budgetMinPerWindow: 2 } });
    sim.faults.set({ rules: [{ kind: 'status', status: 503 }] });
    const first = await client.fetchOffers({ user_id: 'u' }).catch((error: unknown) => error);
    expect(first).toMatchObject({ attempts: 3, retryRefused: false }); // the two budgeted retries
    const second = await client.fetchOffers({ user_id: 'u' }).catch((error: unknown) => error);
    expect(second).toMatchObject({ attempts: 1, retryRefused: true });
    expect(sim.stats().requestsReceived).toBe(4);
    expect(events).toEqual(['refused:retry:budget']);
  });

  it('hedges a stalled call: the hedge answers, the stalled one is cancelled', async () => {
    const client = makeClient({ hedging: { enabled: true, delayMs: 50, maxExtraRatio: 1 } });
    sim.faults.set({ rules: [{ kind: 'hang', times: 1 }] });
    const result = await client.fetchOffers({ user_id: 'u' });
    expect(result.attempts).toBe(2);
    expect(events).toEqual(['hedge:sent', 'hedge:won']);
    expect(sim.stats().offersServed).toBe(1);
  });

  it('sends no hedge beyond its budget', async () => {
    const client = makeClient({ hedging: { enabled: true, delayMs: 20, maxExtraRatio: 0.05 } });
    sim.faults.set({ latency: { meanMs: 60 } });
    const results = [];
    for (let i = 0; i < 20; i += 1) results.push(await client.fetchOffers({ user_id: `u${i}` }));
    const hedgesSent = events.filter((event) => event === 'hedge:sent').length;
    expect(hedgesSent).toBe(1); // 5% of 20
    expect(results.reduce((sum, result) => sum + result.attempts, 0)).toBe(21);
  });

  it('refuses a request locally rather than exceed the configured rate', async () => {
    const client = makeClient({ rateLimit: { perMinute: 60 } }); // a burst of 1
    await client.fetchOffers({ user_id: 'u' });
    const refused = await client.fetchOffers({ user_id: 'u' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'LOCAL_RATE_LIMITED' });
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect(sim.stats().requestsReceived).toBe(1);
  });

  it('warms a connection up so the first call reuses it', async () => {
    const client = makeClient({ timeouts: ROOMY_TIMEOUTS });
    await expect(client.warmup()).resolves.toBe(true);
    expect(sim.stats()).toMatchObject({ warmups: 1, connectionsAccepted: 1, requestsReceived: 0 });
    await client.fetchOffers({ user_id: 'u' });
    expect(sim.stats()).toMatchObject({ connectionsAccepted: 1, requestsReceived: 1 });
  });

  it('resumes TLS sessions when it has to open new connections', async () => {
    const client = makeClient({ pool: { keepAlive: false }, timeouts: ROOMY_TIMEOUTS });
    for (let i = 0; i < 4; i += 1) await client.fetchOffers({ user_id: `u${i}` });
    const stats = sim.stats();
    expect(stats.connectionsAccepted).toBe(4);
    expect(stats.tlsSessionsResumed).toBeGreaterThanOrEqual(3);
  });
});
