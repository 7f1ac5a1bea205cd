import { createButtonClient, type ButtonClient } from '../../server/src/button-client';
import type { BreakerTransition } from '../../server/src/button-client/breaker';
import type { PluginConfigInput } from '../../server/src/config/schema';
import { clientConfigFor, startSimulator, type Simulator } from '../helpers/simulator';

/**
 * The breaker against a full outage (the simulator refuses connections, as in the benchmark's outage row) and
 * against sporadic errors. Counts of calls and the breaker's state only, never how long anything took.
 */
describe('Button client breaker: hard outage versus sporadic errors', () => {
  let sim: Simulator;
  let client: ButtonClient | undefined;
  const failedCalls: string[] = [];
  const transitions: BreakerTransition[] = [];
  const makeClient = (overrides: PluginConfigInput = {}) => {
    client = createButtonClient(clientConfigFor(sim, { pool: { warmup: false }, ...overrides }), {
      events: {
        onAttempt: ({ outcome, message }) => {
          if (outcome !== 'success') failedCalls.push(message ?? outcome);
        },
        onBreakerStateChange: (_state, transition) => transitions.push(transition),
      },
    });
    return client;
  };

  beforeAll(async () => {
    sim = await startSimulator({ tls: true });
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    sim.reset();
    failedCalls.length = 0;
    transitions.length = 0;
  });
  afterAll(() => sim.stop());

  it('opens after `consecutiveFailures` refused calls, despite a healthy window, and reports the trip', async () => {
    const client = makeClient(); // the defaults: consecutiveFailures 5, failure rate 50% over 10 s
    for (let i = 0; i < 40; i += 1) await client.fetchOffers({ user_id: `u${i}` });
    expect(client.breakerState()).toMatchObject({ state: 'closed', requests: 40, failures: 0 });

    const back = sim.outage(1_500);
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      outcomes.push(
        await client.fetchOffers({ user_id: 'u' }).then(
          () => 'ok',
          (error: { code: string }) => error.code
        )
      );
    }
    // Five connections were refused (the first request's three attempts, two of the second's; before them maybe one
    // call on the pooled socket the outage cut), then nothing more was sent: with 40 successes in the window, the
    // failure rate alone would have needed 40 failures.
    expect(failedCalls.filter((message) => message.includes('ECONNREFUSED'))).toHaveLength(5);
    expect(failedCalls.length).toBeLessThanOrEqual(6);
    expect(outcomes[0]).toBe('UPSTREAM_UNREACHABLE');
    expect(new Set(outcomes.slice(2))).toEqual(new Set(['CIRCUIT_OPEN'])); // the second request may end either way
    const trip = { reason: 'consecutive-failures', failures: failedCalls.length, timeToOpenMs: expect.any(Number) };
    expect(transitions).toEqual([{ state: 'open', ...trip }]);
    expect(client.breakerState()).toMatchObject({ state: 'open', lastTrip: trip });
    await back;
  });

  it('stays closed on sporadic 503s and resets (20% of calls)', async () => {
    const client = makeClient();
    sim.faults.set({
      seed: 7,
      rules: [
        { kind: 'status', status: 503, probability: 0.1 },
        { kind: 'reset', probability: 0.1 },
      ],
    });
    for (let i = 0; i < 100; i += 1) await client.fetchOffers({ user_id: `u${i}` }).catch(() => undefined); // a rare 3-in-a-row
    expect(failedCalls.length).toBeGreaterThan(10); // the faults did fire
    expect(client.breakerState()).toMatchObject({ state: 'closed', lastTrip: null });
    expect(transitions).toEqual([]);
  });
});
