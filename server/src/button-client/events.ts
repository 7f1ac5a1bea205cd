import type { BreakerState, BreakerTransition } from './breaker';
import type { ButtonErrorCode } from './errors';
import type { HedgeEvent } from './hedging';
import type { RetryEvent } from './retry';

/** What the client reports as it works: metrics and logs attach here, the client itself knows neither. */
export interface ButtonClientEvents {
  /** One physical call to Button finished (hedges included). */
  onAttempt?(event: {
    durationMs: number;
    outcome: 'success' | ButtonErrorCode;
    upstreamStatus?: number;
    hedge: boolean;
    /** For failures: what went wrong, without the request's identifiers. */
    message?: string;
  }): void;
  onRetry?(event: RetryEvent): void;
  /** A retry or a hedge was possible but a budget or the rate limit said no. */
  onRefused?(event: { what: 'retry' | 'hedge'; reason: 'budget' | 'rate-limit' }): void;
  onHedge?(event: HedgeEvent): void;
  /** `transition.reason` says why; an open from closed also carries `timeToOpenMs` and the failures it took. */
  onBreakerStateChange?(state: BreakerState, transition: BreakerTransition): void;
  /** A request was refused before any call, to stay under Button's rate limit. */
  onRateLimited?(): void;
}

/** Several listeners as one (metrics, health, logs), each called in turn. */
export function combineEvents(...parts: ButtonClientEvents[]): ButtonClientEvents {
  const keys = ['onAttempt', 'onRetry', 'onRefused', 'onHedge', 'onBreakerStateChange', 'onRateLimited'] as const;
  const combined: ButtonClientEvents = {};
  for (const key of keys) {
    const listeners = parts.map((part) => part[key]).filter((listener) => listener !== undefined);
    if (listeners.length > 0) {
      combined[key] = ((...args: never[]) => {
        for (const listener of listeners) (listener as (...args: never[]) => void)(...args);
      }) as never;
    }
  }
  return combined;
}
