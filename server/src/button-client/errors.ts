import { describeOption } from '../config/option-names';

/**
 * Every way a call to Button can fail, one error class per stable `code`. The controller maps codes
 * to HTTP in one place (offers/http-errors.ts); nothing else inspects messages.
 */
export type ButtonErrorCode =
  | 'NOT_CONFIGURED' // no API key: nothing was sent
  | 'UPSTREAM_TIMEOUT' // an attempt got no (complete) answer in time
  | 'UPSTREAM_UNREACHABLE' // connection refused, reset or closed before an answer
  | 'UPSTREAM_UNAVAILABLE' // Button answered 5xx
  | 'RATE_LIMITED' // Button answered 429
  | 'AUTH_REJECTED' // Button answered 401/403: our key (or the account's approvals) is wrong
  | 'REQUEST_REJECTED' // Button answered another 4xx
  | 'INVALID_RESPONSE' // a 2xx Button answer we cannot trust: not JSON, wrong shape, meta.status not ok
  | 'ABORTED' // the caller went away, or a hedge lost the race and was cancelled
  | 'CIRCUIT_OPEN' // the breaker is open: nothing was sent
  | 'LOCAL_RATE_LIMITED'; // sending would exceed the configured Button rate: nothing was sent

export interface ButtonErrorDetails {
  retryable: boolean;
  /** HTTP status Button answered with, when it answered. */
  upstreamStatus?: number;
  /** How long Button (or our own policy) asks callers to wait before trying again. */
  retryAfterMs?: number;
  /** Button's own error message (never contains our key; may describe the request). */
  upstreamMessage?: string;
  cause?: unknown;
  /** Attempts made before this error was final (0 when nothing was sent). */
  attempts?: number;
  /** A retry was possible but the retry budget or rate limit refused it. */
  retryRefused?: boolean;
  /**
   * The connection closed before any answer: most often a pooled socket the server had just closed while idle
   * (undici's "other side closed"). Worth one retry at once, on a fresh socket, without backoff.
   */
  immediateRetry?: boolean;
}

/** What a later layer learns about a failure (the retry loop, the client): given to `withOutcome`. */
export interface ButtonErrorOutcome {
  attempts?: number;
  retryRefused?: boolean;
}

/**
 * The base of every Button failure, following undici's core/errors.js: one subclass per code, each with a fixed
 * `name` and `code`, every field set once in the constructor. A layer that learns more (how many attempts the
 * retry loop made, how many physical calls the client made) creates a new error with `withOutcome`; nothing
 * is ever written to an error after it was thrown.
 */
export abstract class ButtonError extends Error {
  abstract override readonly name: string;
  abstract readonly code: ButtonErrorCode;
  readonly retryable: boolean;
  readonly upstreamStatus?: number;
  readonly retryAfterMs?: number;
  readonly upstreamMessage?: string;
  /**
   * Attempts made before this error was final, as counted by the layer that gave up: the retry loop counts its
   * attempts, the client (what callers see) its physical calls, hedges included; 0 when nothing was sent.
   */
  readonly attempts: number;
  readonly retryRefused: boolean;
  readonly immediateRetry: boolean;

  constructor(message: string, details: ButtonErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.retryable = details.retryable;
    this.upstreamStatus = details.upstreamStatus;
    this.retryAfterMs = details.retryAfterMs;
    this.upstreamMessage = details.upstreamMessage;
    this.attempts = details.attempts ?? 0;
    this.retryRefused = details.retryRefused ?? false;
    this.immediateRetry = details.immediateRetry ?? false;
  }

  /** The same failure, with what a later layer learnt: a new error of the same class (this one is left as it is). */
  withOutcome(outcome: ButtonErrorOutcome): ButtonError {
    return createButtonError(this.code, this.message, { ...this.details(), ...outcome });
  }

  private details(): ButtonErrorDetails {
    return {
      retryable: this.retryable,
      upstreamStatus: this.upstreamStatus,
      retryAfterMs: this.retryAfterMs,
      upstreamMessage: this.upstreamMessage,
      cause: this.cause,
      attempts: this.attempts,
      retryRefused: this.retryRefused,
      immediateRetry: this.immediateRetry,
    };
  }
}

type Details = ButtonErrorDetails;
const nothingSent = (details: Partial<Details>): Details => ({ ...details, retryable: false });

/** No API key: nothing was sent. */
export class NotConfiguredError extends ButtonError {
  override readonly name = 'NotConfiguredError';
  readonly code = 'NOT_CONFIGURED';
  constructor(message = `The Button API key is not configured: set ${describeOption('apiKey')}`, details: Partial<Details> = {}) {
    super(message, nothingSent(details));
  }
}

export class UpstreamTimeoutError extends ButtonError {
  override readonly name = 'UpstreamTimeoutError';
  readonly code = 'UPSTREAM_TIMEOUT';
  constructor(message = 'Button did not answer in time', details: Details = { retryable: true }) {
    super(message, details);
  }
}

export class UpstreamUnreachableError extends ButtonError {
  override readonly name = 'UpstreamUnreachableError';
  readonly code = 'UPSTREAM_UNREACHABLE';
  constructor(message = 'Could not reach Button', details: Details = { retryable: true }) {
    super(message, details);
  }
}

export class UpstreamUnavailableError extends ButtonError {
  override readonly name = 'UpstreamUnavailableError';
  readonly code = 'UPSTREAM_UNAVAILABLE';
  constructor(message = 'Button is unavailable', details: Details = { retryable: true }) {
    super(message, details);
  }
}

/** Button answered 429. */
export class UpstreamRateLimitedError extends ButtonError {
  override readonly name = 'UpstreamRateLimitedError';
  readonly code = 'RATE_LIMITED';
  constructor(message = 'Button rate-limited the request (429)', details: Details = { retryable: true }) {
    super(message, details);
  }
}

export class AuthRejectedError extends ButtonError {
  override readonly name = 'AuthRejectedError';
  readonly code = 'AUTH_REJECTED';
  constructor(message = 'Button rejected the API key', details: Details = { retryable: false }) {
    super(message, details);
  }
}

export class RequestRejectedError extends ButtonError {
  override readonly name = 'RequestRejectedError';
  readonly code = 'REQUEST_REJECTED';
  constructor(message = 'Button rejected the request', details: Details = { retryable: false }) {
    super(message, details);
  }
}

export class InvalidResponseError extends ButtonError {
  override readonly name = 'InvalidResponseError';
  readonly code = 'INVALID_RESPONSE';
  constructor(message = 'Button answered with an invalid response', details: Details = { retryable: false }) {
    super(message, details);
  }
}

export class AbortedError extends ButtonError {
  override readonly name = 'AbortedError';
  readonly code = 'ABORTED';
  constructor(message = 'The caller went away before Button answered', details: Partial<Details> = {}) {
    super(message, nothingSent(details));
  }
}

/** The breaker is open: nothing was sent. `retryAfterMs` is when it lets a probe through. */
export class CircuitOpenError extends ButtonError {
  override readonly name = 'CircuitOpenError';
  readonly code = 'CIRCUIT_OPEN';
  constructor(message = 'Button is failing: the circuit breaker is open', details: Partial<Details> = {}) {
    super(message, nothingSent(details));
  }
}

/** Sending would exceed the configured Button rate: nothing was sent. */
export class LocalRateLimitedError extends ButtonError {
  override readonly name = 'LocalRateLimitedError';
  readonly code = 'LOCAL_RATE_LIMITED';
  constructor(message = "Sending would exceed Button's rate limit", details: Partial<Details> = {}) {
    super(message, nothingSent(details));
  }
}

const CLASSES: Record<ButtonErrorCode, new (message: string, details: Details) => ButtonError> = {
  NOT_CONFIGURED: NotConfiguredError,
  UPSTREAM_TIMEOUT: UpstreamTimeoutError,
  UPSTREAM_UNREACHABLE: UpstreamUnreachableError,
  UPSTREAM_UNAVAILABLE: UpstreamUnavailableError,
  RATE_LIMITED: UpstreamRateLimitedError,
  AUTH_REJECTED: AuthRejectedError,
  REQUEST_REJECTED: RequestRejectedError,
  INVALID_RESPONSE: InvalidResponseError,
  ABORTED: AbortedError,
  CIRCUIT_OPEN: CircuitOpenError,
  LOCAL_RATE_LIMITED: LocalRateLimitedError,
};

/** The error class for `code`: for code that decides the code at run time (an upstream status, a copy). */
export function createButtonError(code: ButtonErrorCode, message: string, details: ButtonErrorDetails): ButtonError {
  return new CLASSES[code](message, details);
}

/** The abort reason given to a call we cancel ourselves (a hedge that lost): neither a failure nor a success. */
export class CancelledError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CancelledError';
  }
}

/** The abort reason of an attempt whose own timer fired, told apart from the caller aborting. */
export class AttemptTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

export const isButtonError = (error: unknown): error is ButtonError => error instanceof ButtonError;
export const isCircuitOpenError = (error: unknown): error is CircuitOpenError => error instanceof CircuitOpenError;
export const isLocalRateLimitedError = (error: unknown): error is LocalRateLimitedError => error instanceof LocalRateLimitedError;
export const isAbortedError = (error: unknown): error is AbortedError => error instanceof AbortedError;

/** Connection-level error codes (Node and undici) that mean "no answer came": safe to try again. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET', // includes "other side closed" on a reused idle socket
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Turns whatever the transport threw into a ButtonError; unknown errors are not retried. */
export function fromTransportError(error: unknown): ButtonError {
  if (isButtonError(error)) return error;
  if (error instanceof CancelledError) {
    return new AbortedError('Cancelled: another attempt answered first', { cause: error });
  }
  if (error instanceof AttemptTimeoutError) {
    return new UpstreamTimeoutError(`Button did not answer within ${error.timeoutMs} ms`, { retryable: true, cause: error });
  }
  const code = errorCode(error);
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new InvalidResponseError('Button answered with an oversized body', { retryable: false, cause: error });
  }
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new UpstreamTimeoutError(`Button did not answer in time (${code})`, { retryable: true, cause: error });
  }
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new UpstreamUnreachableError(`Could not reach Button (${code})`, {
      retryable: true,
      cause: error,
      immediateRetry: code === 'UND_ERR_SOCKET' || code === 'ECONNRESET',
    });
  }
  return new UpstreamUnreachableError('Unexpected error calling Button', { retryable: false, cause: error });
}

function errorCode(error: unknown): string | undefined {
  // AggregateError (connect to several addresses) carries the codes of its parts; the first one is telling.
  const candidate = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  if (candidate && typeof candidate === 'object' && 'code' in candidate && typeof candidate.code === 'string') {
    return candidate.code;
  }
  return undefined;
}
