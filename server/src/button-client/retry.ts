import { fullJitterDelay } from './backoff';
import type { Clock, RandomSource } from './clock';
import { AbortedError, fromTransportError, type ButtonError } from './errors';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  attemptTimeoutMs: number;
  /** One budget for the whole call, every attempt and wait included. */
  deadlineMs: number;
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: ButtonError;
}

export interface RetryDeps {
  clock: Clock;
  random: RandomSource;
  /** Asked before each retry (retry budget, rate limit): false ends the call with the last error. */
  canRetry?: () => boolean | Promise<boolean>;
  onRetry?: (event: RetryEvent) => void;
}

export interface AttemptContext {
  attempt: number;
  /** This attempt's timeout: the policy's per-attempt timeout, cut short by what is left of the deadline. */
  timeoutMs: number;
}

// Starting an attempt with less time than this left is a wasted upstream call (Button averages ~100 ms).
const MIN_USEFUL_ATTEMPT_MS = 50;

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error, runs out of attempts, or would run past
 * the deadline. Waits are full-jitter exponential, stretched to Button's Retry-After when it gives one; when that
 * wait does not fit in the deadline the call fails at once and the wait is passed on (`retryAfterMs`).
 *
 * undici's own retry interceptor has no jitter, no overall deadline and does not retry POST by default, so the
 * policy is this small loop instead.
 */
export async function callWithRetries<T>(
  operation: (context: AttemptContext) => Promise<T>,
  policy: RetryPolicy,
  deps: RetryDeps,
  signal?: AbortSignal
): Promise<{ value: T; attempts: number }> {
  const { clock, random } = deps;
  const deadline = clock.now() + policy.deadlineMs;

  for (let attempt = 1; ; attempt += 1) {
    const remaining = deadline - clock.now();
    try {
      const value = await operation({ attempt, timeoutMs: Math.max(1, Math.min(policy.attemptTimeoutMs, remaining)) });
      return { value, attempts: attempt };
    } catch (thrown) {
      if (signal?.aborted) throw aborted(thrown);
      const error = fromTransportError(thrown).withOutcome({ attempts: attempt });
      if (!error.retryable || attempt >= policy.maxAttempts) throw error;

      // A stale pooled socket is retried at once, once; everything else waits its jittered backoff.
      const backoff = error.immediateRetry && attempt === 1 ? 0 : fullJitterDelay(attempt, policy, random);
      const delayMs = Math.max(backoff, error.retryAfterMs ?? 0);
      const timeLeftAfterWait = deadline - clock.now() - delayMs;
      if (timeLeftAfterWait < MIN_USEFUL_ATTEMPT_MS) throw error;
      if (deps.canRetry !== undefined && !(await deps.canRetry())) throw error.withOutcome({ retryRefused: true });

      deps.onRetry?.({ attempt, delayMs, error });
      try {
        await clock.sleep(delayMs, signal);
      } catch (sleepError) {
        throw aborted(sleepError);
      }
    }
  }
}

function aborted(cause: unknown): ButtonError {
  return new AbortedError('The caller went away before Button answered', { cause });
}
