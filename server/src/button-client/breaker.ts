import type { Clock } from './clock';
import { createSlidingWindow } from './sliding-window';

/**
 * A failure-rate circuit breaker. Closed: calls flow and outcomes are counted over a sliding window; once at least
 * `minimumRequests` were seen and `failureRate` of them failed, it opens. Open: every call is refused at once
 * (the caller answers 503 with the time to the next probe). After `halfOpenAfterMs` it lets up to `halfOpenProbes`
 * calls through; `successThreshold` successes close it, one failure opens it again.
 *
 * Written here rather than taken from cockatiel 3: its breakers read the wall clock directly (no injectable clock)
 * and cannot say how long until the next probe, which our Retry-After needs.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  windowMs: number;
  minimumRequests: number;
  failureRate: number;
  halfOpenAfterMs: number;
  halfOpenProbes: number;
  successThreshold: number;
  clock: Clock;
}

export type BreakerPermit = { allowed: true; probe: boolean } | { allowed: false; retryAfterMs: number };

export interface CircuitBreaker {
  readonly state: BreakerState;
  acquire(): BreakerPermit;
  success(probe: boolean): void;
  failure(probe: boolean): void;
  /** A permitted call that ended without a verdict (aborted): a probe gives its slot back. */
  release(probe: boolean): void;
  onStateChange(listener: (state: BreakerState) => void): void;
  snapshot(): { state: BreakerState; requests: number; failures: number; nextProbeInMs: number | null };
}

export function createCircuitBreaker(options: BreakerOptions): CircuitBreaker {
  const { clock } = options;
  const window = createSlidingWindow(['successes', 'failures'] as const, { windowMs: options.windowMs, clock });
  const listeners: Array<(state: BreakerState) => void> = [];
  let state: BreakerState = 'closed';
  let openedAt = 0;
  let probesInFlight = 0;
  let probeSuccesses = 0;

  const moveTo = (next: BreakerState) => {
    if (next === state) return;
    state = next;
    if (next === 'open') openedAt = clock.now();
    if (next === 'half-open') {
      probesInFlight = 0;
      probeSuccesses = 0;
    }
    if (next === 'closed') window.reset();
    for (const listener of listeners) listener(next);
  };
  const msToProbe = () => Math.max(0, openedAt + options.halfOpenAfterMs - clock.now());

  return {
    get state() {
      return state;
    },
    acquire() {
      if (state === 'open') {
        if (msToProbe() > 0) return { allowed: false, retryAfterMs: msToProbe() };
        moveTo('half-open');
      }
      if (state === 'half-open') {
        if (probesInFlight >= options.halfOpenProbes) return { allowed: false, retryAfterMs: options.halfOpenAfterMs };
        probesInFlight += 1;
        return { allowed: true, probe: true };
      }
      return { allowed: true, probe: false };
    },
    success(probe) {
      if (probe && state === 'half-open') {
        probesInFlight -= 1;
        probeSuccesses += 1;
        if (probeSuccesses >= options.successThreshold) moveTo('closed');
        return;
      }
      if (state === 'closed') window.add('successes');
    },
    failure(probe) {
      if (probe && state === 'half-open') {
        moveTo('open');
        return;
      }
      if (state !== 'closed') return;
      window.add('failures');
      const failures = window.sum('failures');
      const total = failures + window.sum('successes');
      if (total >= options.minimumRequests && failures / total >= options.failureRate) moveTo('open');
    },
    release(probe) {
      if (probe && state === 'half-open') probesInFlight = Math.max(0, probesInFlight - 1);
    },
    onStateChange(listener) {
      listeners.push(listener);
    },
    snapshot() {
      const failures = window.sum('failures');
      return {
        state,
        requests: failures + window.sum('successes'),
        failures,
        nextProbeInMs: state === 'open' ? msToProbe() : null,
      };
    },
  };
}
