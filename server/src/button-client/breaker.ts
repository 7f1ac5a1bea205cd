import type { Clock } from './clock';
import { createSlidingWindow } from './sliding-window';

/**
 * A circuit breaker with two trips. Closed: calls flow and outcomes are counted over a sliding window; once at
 * least `minimumRequests` were seen and `failureRate` of them failed, it opens. That alone is slow to see a hard
 * outage: the successes from before it dilute the rate for seconds while every request waits out its retries. So
 * it also opens after `consecutiveFailures` hard failures in a row (connections refused, timeouts), whatever
 * the window holds; any success ends the run, and soft failures (a 503, a bad body) neither extend nor end it.
 * Open: every call is refused at once (the caller answers 503 with the time to the next probe). After
 * `halfOpenAfterMs` it lets up to `halfOpenProbes` calls through; `successThreshold` successes close it, one
 * failure opens it again.
 *
 * Written here rather than taken from cockatiel 3: its breakers read the wall clock directly (no injectable clock)
 * and cannot say how long until the next probe, which our Retry-After needs.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Why the breaker changed state: the two trips, and the half-open cycle. */
export type BreakerReason = 'failure-rate' | 'consecutive-failures' | 'probe-due' | 'probe-failed' | 'probes-succeeded';

/** A hard failure says Button cannot be reached at all (refused, timed out); a soft one that it answered badly. */
export type BreakerFailureKind = 'hard' | 'soft';

export interface BreakerTransition {
  state: BreakerState;
  reason: BreakerReason;
  /**
   * Opening from closed only: milliseconds from the first failure after the last success to the trip (the time to
   * open an outage costs), and the failures counted in that run.
   */
  timeToOpenMs?: number;
  failures?: number;
}

export interface BreakerOptions {
  windowMs: number;
  minimumRequests: number;
  failureRate: number;
  /** Hard failures in a row that open the breaker regardless of the window; 0 turns this trip off. */
  consecutiveFailures: number;
  halfOpenAfterMs: number;
  halfOpenProbes: number;
  successThreshold: number;
  clock: Clock;
}

export type BreakerPermit = { allowed: true; probe: boolean } | { allowed: false; retryAfterMs: number };

export interface BreakerSnapshot {
  state: BreakerState;
  requests: number;
  failures: number;
  /** Hard failures in a row right now (the consecutive trip's count). */
  consecutiveFailures: number;
  nextProbeInMs: number | null;
  /** The last time it opened from closed (reopenings after a failed probe are not trips), or null. */
  lastTrip: { reason: 'failure-rate' | 'consecutive-failures'; timeToOpenMs: number; failures: number } | null;
}

export interface CircuitBreaker {
  readonly state: BreakerState;
  acquire(): BreakerPermit;
  success(probe: boolean): void;
  failure(probe: boolean, kind?: BreakerFailureKind): void;
  /** A permitted call that ended without a verdict (aborted): a probe gives its slot back. */
  release(probe: boolean): void;
  onStateChange(listener: (state: BreakerState, transition: BreakerTransition) => void): void;
  snapshot(): BreakerSnapshot;
}

export function createCircuitBreaker(options: BreakerOptions): CircuitBreaker {
  const { clock } = options;
  const window = createSlidingWindow(['successes', 'failures'] as const, { windowMs: options.windowMs, clock });
  const listeners: Array<(state: BreakerState, transition: BreakerTransition) => void> = [];
  let state: BreakerState = 'closed';
  let openedAt = 0;
  let probesInFlight = 0;
  let probeSuccesses = 0;
  // The current run: hard failures in a row, and every breaker failure since the last success (with when it began).
  let hardInARow = 0;
  let failingSince: number | undefined;
  let failuresInRun = 0;
  let lastTrip: BreakerSnapshot['lastTrip'] = null;

  const endRun = () => {
    hardInARow = 0;
    failingSince = undefined;
    failuresInRun = 0;
  };
  const moveTo = (next: BreakerState, reason: BreakerReason) => {
    if (next === state) return;
    const transition: BreakerTransition = { state: next, reason };
    if (next === 'open' && (reason === 'failure-rate' || reason === 'consecutive-failures')) {
      lastTrip = { reason, timeToOpenMs: clock.now() - (failingSince ?? clock.now()), failures: failuresInRun };
      Object.assign(transition, { timeToOpenMs: lastTrip.timeToOpenMs, failures: lastTrip.failures });
    }
    state = next;
    if (next === 'open') {
      openedAt = clock.now();
      endRun();
    }
    if (next === 'half-open') {
      probesInFlight = 0;
      probeSuccesses = 0;
    }
    if (next === 'closed') {
      window.reset();
      endRun();
    }
    for (const listener of listeners) listener(next, transition);
  };
  const msToProbe = () => Math.max(0, openedAt + options.halfOpenAfterMs - clock.now());

  return {
    get state() {
      return state;
    },
    acquire() {
      if (state === 'open') {
        if (msToProbe() > 0) return { allowed: false, retryAfterMs: msToProbe() };
        moveTo('half-open', 'probe-due');
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
        if (probeSuccesses >= options.successThreshold) moveTo('closed', 'probes-succeeded');
        return;
      }
      if (state !== 'closed') return;
      window.add('successes');
      endRun();
    },
    failure(probe, kind = 'soft') {
      if (probe && state === 'half-open') {
        moveTo('open', 'probe-failed');
        return;
      }
      if (state !== 'closed') return;
      window.add('failures');
      failingSince ??= clock.now();
      failuresInRun += 1;
      if (kind === 'hard') hardInARow += 1;
      if (options.consecutiveFailures > 0 && hardInARow >= options.consecutiveFailures) {
        moveTo('open', 'consecutive-failures');
        return;
      }
      const failures = window.sum('failures');
      const total = failures + window.sum('successes');
      if (total >= options.minimumRequests && failures / total >= options.failureRate) moveTo('open', 'failure-rate');
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
        consecutiveFailures: hardInARow,
        nextProbeInMs: state === 'open' ? msToProbe() : null,
        lastTrip,
      };
    },
  };
}
