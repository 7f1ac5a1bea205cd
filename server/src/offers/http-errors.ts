import type { ButtonError } from '../button-client';
import { retryAfterSeconds } from '../button-client/backoff';
import type { ErrorResponse } from '../contracts/offers';
import { errorEnvelope } from '../utils/error-envelope';
import { describeOption } from '../config/option-names';

export interface HttpErrorAnswer {
  status: number;
  /** Seconds for a Retry-After header, on 503s and 429s. */
  retryAfter?: number;
  body: ErrorResponse;
  /** How loudly this deserves logging: a rejected key needs a human, a flaky upstream does not. */
  logLevel: 'error' | 'warn';
}

const NOT_CONFIGURED_RETRY_MS = 60_000; // a human has to set the key: do not invite clients back sooner

/**
 * THE place where a Button failure becomes an HTTP answer, in Strapi's error envelope. Messages say what
 * happened on our side of the call; they never contain the API key or the caller's identifiers.
 */
export function toHttpError(error: ButtonError): HttpErrorAnswer {
  const attempts = error.attempts;
  const details = {
    code: error.code,
    attempts,
    ...(error.upstreamStatus === undefined ? {} : { upstream_status: error.upstreamStatus }),
  };
  const unavailable = (message: string, retryAfterMs = error.retryAfterMs): HttpErrorAnswer => ({
    status: 503,
    retryAfter: retryAfterSeconds(retryAfterMs),
    body: errorEnvelope(503, 'ServiceUnavailableError', message, details),
    logLevel: 'warn',
  });
  const badGateway = (message: string, logLevel: HttpErrorAnswer['logLevel']): HttpErrorAnswer => ({
    status: 502,
    body: errorEnvelope(502, 'BadGatewayError', message, details),
    logLevel,
  });
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;

  switch (error.code) {
    case 'NOT_CONFIGURED':
      return unavailable(`Button is not configured: set ${describeOption('apiKey')}`, NOT_CONFIGURED_RETRY_MS);
    case 'UPSTREAM_TIMEOUT':
      return unavailable(`Button did not answer in time (${tries})`);
    case 'UPSTREAM_UNREACHABLE':
      return unavailable(`Button is unreachable (${tries})`);
    case 'UPSTREAM_UNAVAILABLE':
      return unavailable(`Button is unavailable: it answered ${error.upstreamStatus ?? '5xx'} (${tries})`);
    case 'RATE_LIMITED':
      return unavailable(`Button's rate limit was reached (${tries})`);
    case 'ABORTED':
      return unavailable('The request was cancelled before Button answered');
    case 'CIRCUIT_OPEN':
      return unavailable('Button is failing: offers are paused until it recovers (circuit breaker open)');
    case 'LOCAL_RATE_LIMITED':
      return {
        status: 429,
        retryAfter: retryAfterSeconds(error.retryAfterMs),
        body: errorEnvelope(429, 'RateLimitError', "Too many offers requests: Button's rate limit would be exceeded", details),
        logLevel: 'warn',
      };
    case 'AUTH_REJECTED':
      return badGateway(`Button rejected the configured API key (${error.upstreamStatus})`, 'error');
    case 'INVALID_RESPONSE':
      return badGateway('Button answered with an invalid response', 'error');
    case 'REQUEST_REJECTED':
      if (error.upstreamStatus === 400) {
        return {
          status: 400,
          body: errorEnvelope(400, 'ValidationError', 'Button rejected the request as invalid', {
            ...details,
            ...(error.upstreamMessage === undefined ? {} : { upstream_message: error.upstreamMessage }),
          }),
          logLevel: 'warn',
        };
      }
      return badGateway(`Button rejected the request (${error.upstreamStatus})`, 'error');
  }
}
