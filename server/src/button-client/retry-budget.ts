import type { Clock } from './clock';
import { createSlidingWindow } from './sliding-window';

/**
 * Retries may not exceed `ratio` of the requests seen over the window (Google SRE: 10% per client; Envoy: 20% of
 * active requests). Per-request caps and jitter do not bound an outage's load; a budget does: with ratio r the
 * worst case is (1 + r) x the normal traffic. `minPerWindow` keeps a quiet instance able to retry at all.
 */
export interface RetryBudget {
  recordRequest(): void;
  /** Takes one retry from the budget if there is room; false means "do not retry". */
  tryAcquire(): boolean;
}

export function createRetryBudget(options: { ratio: number; minPerWindow: number; windowMs: number; clock: Clock }): RetryBudget {
  const window = createSlidingWindow(['requests', 'retries'] as const, { windowMs: options.windowMs, clock: options.clock });
  return {
    recordRequest() {
      window.add('requests');
    },
    tryAcquire() {
      const allowed = Math.max(options.minPerWindow, options.ratio * window.sum('requests'));
      if (window.sum('retries') + 1 > allowed) return false;
      window.add('retries');
      return true;
    },
  };
}
