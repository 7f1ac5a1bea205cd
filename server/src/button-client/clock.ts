/**
 * Time, injected: policy code (retries, deadlines) asks a Clock instead of calling Date.now / setTimeout,
 * so its tests can run exactly and instantly with a fake one.
 */
export interface Clock {
  /** Monotonic milliseconds (only differences are meaningful). */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A source of uniform random numbers in [0, 1), injected for the same reason as the clock. */
export type RandomSource = () => number;
