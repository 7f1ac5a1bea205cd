import { once } from 'node:events';
import net from 'node:net';
import { createButtonSimulator, latencyProfile, LATENCY_PROFILES } from '../../simulator';

/** The benchmark's outage control: the port refuses connections for a while, then the same port answers again. */
describe('Button simulator outage', () => {
  const sim = createButtonSimulator({ apiKey: 'k' });
  beforeAll(() => sim.start());
  afterAll(() => sim.stop());

  const port = () => Number(new URL(sim.url).port);
  const connects = async (): Promise<boolean> => {
    const socket = net.connect(port(), '127.0.0.1');
    try {
      await Promise.race([once(socket, 'connect'), once(socket, 'error').then(([error]) => Promise.reject(error))]);
      return true;
    } catch {
      return false;
    } finally {
      socket.destroy();
    }
  };

  it('refuses connections during the outage, cuts open ones, and listens again on the same port', async () => {
    const open = net.connect(port(), '127.0.0.1');
    await once(open, 'connect');
    const closed = once(open, 'close');
    const back = sim.outage(300);
    await closed;
    expect(await connects()).toBe(false);
    await back;
    expect(await connects()).toBe(true);
    expect(sim.stats().outages).toBe(1);
  });

  it('is also reachable over HTTP, and answers before going away', async () => {
    const bad = await fetch(`${sim.url}/__simulator/outage`, { method: 'POST', body: JSON.stringify({ ms: -1 }) });
    expect(bad.status).toBe(400);
    const res = await fetch(`${sim.url}/__simulator/outage`, { method: 'POST', body: JSON.stringify({ ms: 200 }) });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ outageMs: 200 });
  });

  it('names its latency profiles', () => {
    expect(latencyProfile('button')).toEqual({ meanMs: 100, jitterMs: 20 });
    expect(Object.keys(LATENCY_PROFILES)).toEqual(['zero', 'button']);
    expect(() => latencyProfile('nope')).toThrow(/unknown latency profile/);
  });
});
