/**
 * Every way a call to Button can fail, as one error class with a stable `code`. The controller maps codes
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
}

export class ButtonError extends Error {
  readonly code: ButtonErrorCode;
  readonly retryable: boolean;
  readonly upstreamStatus?: number;
  retryAfterMs?: number;
  readonly upstreamMessage?: string;
  /** Physical calls made before this error was final (set by the client; 0 when nothing was sent). */
  attempts = 0;
  /** True when a retry was possible but the retry budget or rate limit refused it. */
  retryRefused = false;
  /**
   * The connection closed before any answer: most often a pooled socket the server had just closed while idle
   * (undici's "other side closed"). Worth one retry at once, on a fresh socket, without backoff.
   */
  immediateRetry = false;

  constructor(code: ButtonErrorCode, message: string, details: ButtonErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ButtonError';
    this.code = code;
    this.retryable = details.retryable;
    this.upstreamStatus = details.upstreamStatus;
    this.retryAfterMs = details.retryAfterMs;
    this.upstreamMessage = details.upstreamMessage;
  }
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
    return new ButtonError('ABORTED', 'Cancelled: another attempt answered first', { retryable: false, cause: error });
  }
  if (error instanceof AttemptTimeoutError) {
    return new ButtonError('UPSTREAM_TIMEOUT', `Button did not answer within ${error.timeoutMs} ms`, {
      retryable: true,
      cause: error,
    });
  }
  const code = errorCode(error);
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new ButtonError('INVALID_RESPONSE', 'Button answered with an oversized body', { retryable: false, cause: error });
  }
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new ButtonError('UPSTREAM_TIMEOUT', `Button did not answer in time (${code})`, { retryable: true, cause: error });
  }
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    const unreachable = new ButtonError('UPSTREAM_UNREACHABLE', `Could not reach Button (${code})`, {
      retryable: true,
      cause: error,
    });
    unreachable.immediateRetry = code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
    return unreachable;
  }
  return new ButtonError('UPSTREAM_UNREACHABLE', 'Unexpected error calling Button', { retryable: false, cause: error });
}

function errorCode(error: unknown): string | undefined {
  // AggregateError (connect to several addresses) carries the codes of its parts; the first one is telling.
  const candidate = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  if (candidate && typeof candidate === 'object' && 'code' in candidate && typeof candidate.code === 'string') {
    return candidate.code;
  }
  return undefined;
}
