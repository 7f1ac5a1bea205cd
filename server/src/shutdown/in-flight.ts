/**
 * Counts HTTP requests from arrival until their response is finished (or their connection is gone), and tells
 * the shutdown when none is left. Pure: no timers, no Strapi.
 */
export interface InFlightRequests {
  readonly count: number;
  /** Counts one request; the returned function ends it (a second call is a no-op). */
  begin(): () => void;
  /** Resolves once no request is in flight (at once if none is). */
  idle(): Promise<void>;
}

export function createInFlightRequests(): InFlightRequests {
  let count = 0;
  let waiters: Array<() => void> = [];

  const settle = () => {
    if (count !== 0) return;
    const resolved = waiters;
    waiters = [];
    for (const resolve of resolved) resolve();
  };

  return {
    get count() {
      return count;
    },
    begin() {
      count += 1;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        count -= 1;
        settle();
      };
    },
    idle() {
      if (count === 0) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}
