import { createButtonClient, type ButtonClient } from '../../server/src/button-client';
import type { PluginConfigInput } from '../../server/src/config/schema';
import { createButtonSimulator } from '../../simulator';
import { clientConfigFor, ROOMY_TIMEOUTS, SIM_API_KEY, type Simulator } from '../helpers/simulator';

/**
 * Idle sockets: the pool keeps its connections through pauses in steady traffic, gives a socket up before a server
 * that announces a shorter idle timeout closes it, and retries at once a socket closed under a call. Counts of
 * connections the simulator accepted and of calls, never how long anything took.
 */
describe('Button client keep-alive', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const sims: Simulator[] = [];
  const clients: ButtonClient[] = [];
  // The simulator as a server with its own idle timeout (it announces it: `Keep-Alive: timeout=N`, as Node does).
  const startSim = async (keepAliveTimeoutMs: number) => {
    const sim = createButtonSimulator({ apiKey: SIM_API_KEY, tls: true, keepAliveTimeoutMs });
    await sim.start();
    sims.push(sim);
    return sim;
  };
  const makeClient = (sim: Simulator, overrides: PluginConfigInput = {}, events = {}) => {
    const client = createButtonClient(clientConfigFor(sim, { pool: { warmup: false }, timeouts: ROOMY_TIMEOUTS, ...overrides }), {
      events,
    });
    clients.push(client);
    return client;
  };
  const burst = (client: ButtonClient, size: number) =>
    Promise.all(Array.from({ length: size }, (_, i) => client.fetchOffers({ user_id: `u${i}` })));

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(sims.splice(0).map((sim) => sim.stop()));
  });

  it('keeps its sockets through pauses shorter than the idle timeout: no connection beyond the working size', async () => {
    const sim = await startSim(65_000); // a load balancer's idle timeout (ALB 60 s)
    const client = makeClient(sim); // the default idle timeout
    for (let round = 0; round < 3; round += 1) {
      if (round > 0) await sleep(4_500); // a lull longer than the former 4 s default, well inside 30 s
      await burst(client, 4);
    }
    expect(sim.stats()).toMatchObject({ offersServed: 12, connectionsAccepted: 4 });
    expect(client.poolStats()).toMatchObject({ connected: 4 });
  });

  it('gives a socket up before a server with a shorter announced idle timeout closes it, and no call fails', async () => {
    const sim = await startSim(3_000); // announces timeout=3: the pool keeps sockets 1 s, 2 s inside the server's
    const client = makeClient(sim);
    for (let round = 0; round < 3; round += 1) {
      if (round > 0) await sleep(1_500);
      await client.fetchOffers({ user_id: `u${round}` });
    }
    expect(sim.stats()).toMatchObject({ offersServed: 3, requestsReceived: 3, connectionsAccepted: 3 });
  });

  it('retries a pooled socket closed under a call at once, on a fresh connection, and the call succeeds', async () => {
    const sim = await startSim(65_000);
    const retries: number[] = [];
    const client = makeClient(sim, {}, { onRetry: ({ delayMs }: { delayMs: number }) => retries.push(delayMs) });
    await client.fetchOffers({ user_id: 'u' });
    sim.faults.set({ rules: [{ kind: 'reset', times: 1 }] }); // the server drops the reused socket, unanswered
    await expect(client.fetchOffers({ user_id: 'u' })).resolves.toMatchObject({ attempts: 2 });
    expect(retries).toEqual([0]);
    expect(sim.stats()).toMatchObject({ offersServed: 2, connectionsAccepted: 2 });
  });
});
