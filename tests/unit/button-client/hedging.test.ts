import { CancelledError } from '../../../server/src/button-client/errors';
import { createHedger } from '../../../server/src/button-client/hedging';
import { createLatencyTracker } from '../../../server/src/button-client/latency-tracker';
import type { Clock } from '../../../server/src/button-client/clock';

/** A clock whose sleeps resolve when the test says so, to stage races exactly. */
function manualClock() {
  const pending: Array<{ resolve: () => void; reject: (reason: unknown) => void }> = [];
  const clock: Clock = {
    now: () => 0,
    sleep: (_ms, signal) =>
      new Promise<void>((resolve, reject) => {
        pending.push({ resolve, reject });
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
  };
  return { clock, fireTimers: () => pending.splice(0).forEach((timer) => timer.resolve()) };
}

/** A call that settles when the test says so, and records whether it was cancelled. */
function deferredCall<T>() {
  let settle!: { resolve: (value: T) => void; reject: (error: unknown) => void };
  let cancelled: unknown;
  const promise = (signal: AbortSignal) =>
    new Promise<T>((resolve, reject) => {
      settle = { resolve, reject };
      signal.addEventListener('abort', () => {
        cancelled = signal.reason;
        reject(signal.reason);
      });
    });
  return { promise, settle: () => settle, cancelled: () => cancelled };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup(overrides: Partial<Parameters<typeof createHedger>[0]> = {}) {
  const { clock, fireTimers } = manualClock();
  const hedger = createHedger(
    { delayMs: 100, percentile: 95, maxExtraRatio: 0.5, windowMs: 10_000, minDelayMs: 10, ...overrides },
    { clock, latencies: createLatencyTracker() }
  );
  for (let i = 0; i < 10; i += 1) hedger.recordRequest();
  return { hedger, fireTimers };
}

describe('hedging', () => {
  it('does not hedge a call that answers before the delay', async () => {
    const { hedger } = setup();
    const calls: AbortSignal[] = [];
    const result = await hedger.run(
      async (signal) => {
        calls.push(signal);
        return 'fast';
      },
      () => true
    );
    expect(result).toBe('fast');
    expect(calls).toHaveLength(1);
  });

  it('sends a hedge after the delay, takes the first good answer and cancels the loser', async () => {
    const { hedger, fireTimers } = setup();
    const primary = deferredCall<string>();
    const hedge = deferredCall<string>();
    const events: string[] = [];
    const calls = [primary, hedge];
    const running = hedger.run(
      (signal) => calls.shift()!.promise(signal),
      () => true,
      (event) => events.push(event)
    );
    await flush();
    fireTimers();
    await flush();
    hedge.settle().resolve('from hedge');
    await expect(running).resolves.toBe('from hedge');
    expect(primary.cancelled()).toBeInstanceOf(CancelledError);
    expect(hedge.cancelled()).toBeUndefined();
    expect(events).toEqual(['sent', 'won']);
  });

  it('keeps the primary when it wins, cancelling the hedge', async () => {
    const { hedger, fireTimers } = setup();
    const primary = deferredCall<string>();
    const hedge = deferredCall<string>();
    const calls = [primary, hedge];
    const running = hedger.run(
      (signal) => calls.shift()!.promise(signal),
      () => true
    );
    await flush();
    fireTimers();
    await flush();
    primary.settle().resolve('from primary');
    await expect(running).resolves.toBe('from primary');
    expect(hedge.cancelled()).toBeInstanceOf(CancelledError);
  });

  it('waits for the other call when one fails', async () => {
    const { hedger, fireTimers } = setup();
    const primary = deferredCall<string>();
    const hedge = deferredCall<string>();
    const calls = [primary, hedge];
    const running = hedger.run(
      (signal) => calls.shift()!.promise(signal),
      () => true
    );
    await flush();
    fireTimers();
    await flush();
    primary.settle().reject(new Error('reset'));
    await flush();
    hedge.settle().resolve('saved by the hedge');
    await expect(running).resolves.toBe('saved by the hedge');
  });

  it('respects its budget: beyond maxExtraRatio it waits for the primary instead', async () => {
    const { hedger, fireTimers } = setup({ maxExtraRatio: 0.1 }); // 10 requests -> 1 hedge
    const events: string[] = [];
    for (let round = 0; round < 2; round += 1) {
      const primary = deferredCall<string>();
      const hedge = deferredCall<string>();
      const calls = [primary, hedge];
      const running = hedger.run(
        (signal) => calls.shift()!.promise(signal),
        () => true,
        (event) => events.push(event)
      );
      await flush();
      fireTimers();
      await flush();
      primary.settle().resolve(`round ${round}`);
      await expect(running).resolves.toBe(`round ${round}`);
    }
    expect(events).toEqual(['sent', 'refused']);
  });

  it('does not hedge when the rate limit says no', async () => {
    const { hedger, fireTimers } = setup();
    const primary = deferredCall<string>();
    const events: string[] = [];
    const running = hedger.run(
      (signal) => primary.promise(signal),
      () => false,
      (event) => events.push(event)
    );
    await flush();
    fireTimers();
    await flush();
    primary.settle().resolve('only call');
    await expect(running).resolves.toBe('only call');
    expect(events).toEqual(['refused']);
  });

  it('hedges after the observed percentile when no delay is fixed, and not before it has samples', () => {
    const latencies = createLatencyTracker({ minSamples: 20 });
    const hedger = createHedger(
      { percentile: 95, maxExtraRatio: 0.05, windowMs: 10_000, minDelayMs: 10 },
      { clock: manualClock().clock, latencies }
    );
    expect(hedger.delayMs()).toBeUndefined();
    for (let i = 1; i <= 100; i += 1) latencies.record(i);
    expect(hedger.delayMs()).toBe(95);
  });
});
