import {
  AbortedError,
  ButtonError,
  CircuitOpenError,
  createButtonError,
  fromTransportError,
  isButtonError,
  isCircuitOpenError,
  UpstreamUnavailableError,
  UpstreamUnreachableError,
  type ButtonErrorCode,
} from '../../../server/src/button-client/errors';

const CODES: ButtonErrorCode[] = [
  'NOT_CONFIGURED',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNREACHABLE',
  'UPSTREAM_UNAVAILABLE',
  'RATE_LIMITED',
  'AUTH_REJECTED',
  'REQUEST_REJECTED',
  'INVALID_RESPONSE',
  'ABORTED',
  'CIRCUIT_OPEN',
  'LOCAL_RATE_LIMITED',
];

describe('Button errors: one class per code, fixed name and code, never mutated', () => {
  it.each(CODES)('%s has its own class with a fixed name', (code) => {
    const error = createButtonError(code, 'message', { retryable: false });
    expect(error).toBeInstanceOf(ButtonError);
    expect(error.code).toBe(code);
    expect(error.name).toMatch(/Error$/);
    expect(error.name).not.toBe('ButtonError');
    expect(isButtonError(error)).toBe(true);
  });

  it('gives each code a distinct class name', () => {
    const names = CODES.map((code) => createButtonError(code, 'm', { retryable: false }).name);
    expect(new Set(names).size).toBe(CODES.length);
  });

  it('withOutcome returns a new error of the same class and leaves the original as it was', () => {
    const original = new UpstreamUnavailableError('Button answered 503', {
      retryable: true,
      upstreamStatus: 503,
      retryAfterMs: 700,
    });
    const counted = original.withOutcome({ attempts: 3 });
    const refused = counted.withOutcome({ retryRefused: true });
    expect(original).toMatchObject({ attempts: 0, retryRefused: false });
    expect(counted).toBeInstanceOf(UpstreamUnavailableError);
    expect(counted).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', attempts: 3, retryRefused: false, upstreamStatus: 503 });
    expect(refused).toMatchObject({ attempts: 3, retryRefused: true, retryAfterMs: 700, message: 'Button answered 503' });
  });

  it('errors that send nothing are never retryable, whatever the caller says', () => {
    expect(new CircuitOpenError(undefined, { retryAfterMs: 5 })).toMatchObject({ retryable: false, retryAfterMs: 5 });
    expect(new AbortedError()).toMatchObject({ retryable: false, code: 'ABORTED' });
    expect(isCircuitOpenError(new CircuitOpenError())).toBe(true);
    expect(isCircuitOpenError(new AbortedError())).toBe(false);
  });

  it('marks a stale pooled socket for an immediate retry, in the constructor', () => {
    const closed = fromTransportError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    expect(closed).toBeInstanceOf(UpstreamUnreachableError);
    expect(closed).toMatchObject({ retryable: true, immediateRetry: true });
    const refused = fromTransportError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
    expect(refused).toMatchObject({ retryable: true, immediateRetry: false });
  });
});
