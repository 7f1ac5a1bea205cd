import { createInFlightRequests } from '../../../server/src/shutdown/in-flight';

describe('in-flight requests', () => {
  it('is idle at once when nothing is in flight', async () => {
    const requests = createInFlightRequests();
    await expect(requests.idle()).resolves.toBeUndefined();
    expect(requests.count).toBe(0);
  });

  it('becomes idle when the last request ends, and counts each end once', async () => {
    const requests = createInFlightRequests();
    const endA = requests.begin();
    const endB = requests.begin();
    let idle = false;
    const waiting = requests.idle().then(() => {
      idle = true;
    });
    endA();
    endA(); // 'close' after 'finish', or an abort after the answer: one request, one end
    await Promise.resolve();
    expect(requests.count).toBe(1);
    expect(idle).toBe(false);
    endB();
    await waiting;
    expect(idle).toBe(true);
    expect(requests.count).toBe(0);
  });

  it('waits again for requests that arrive after it was idle once', async () => {
    const requests = createInFlightRequests();
    requests.begin()();
    const end = requests.begin();
    let idle = false;
    const waiting = requests.idle().then(() => {
      idle = true;
    });
    await Promise.resolve();
    expect(idle).toBe(false);
    end();
    await waiting;
  });
});
