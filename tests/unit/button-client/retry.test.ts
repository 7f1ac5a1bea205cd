import { createButtonError, UpstreamUnavailableError } from '../../../server/src/button-client/errors';
import { callWithRetries, type RetryPolicy } from '../../../server/src/button-client/retry';
import { createFakeClock } from '../../helpers/fake-clock';

const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, attemptTimeoutMs: 400, deadlineMs: 1500 };
const unavailable = (retryAfterMs?: number) =>
  new UpstreamUnavailableError('Button answered 503', { retryable: true, upstreamStatus: 503, retryAfterMs });

/** An operation that fails with the given errors in turn, then succeeds with 'ok'. */
function failingThen(errors: unknown[]) {
  const timeouts: number[] = [];
  let calls = 0;
  const operation = async ({ timeoutMs }: { timeoutMs: number }) => {
    timeouts.push(timeoutMs);
    const error = errors[calls];
    calls += 1;
    if (error !== undefined) throw error;
    return 'ok';
  };
  return { operation, timeouts, calls: () => calls };
}

describe('callWithRetries', () => {
  it('retries retryable failures with full-jitter exponential backoff', async () => {
    const clock = createFakeClock();
    const { operation } = failingThen([unavailable(), unavailable()]);
    const result = await callWithRetries(operation, policy, { clock, random: () => 0.5 });
    expect(result).toEqual({ value: 'ok', attempts: 3 });
    expect(clock.sleeps).toEqual([50, 100]); // 0.5 * 100, then 0.5 * 200
  });

  it('stops at maxAttempts and reports how many attempts were made', async () => {
    const clock = createFakeClock();
    const { operation, calls } = failingThen([unavailable(), unavailable(), unavailable(), unavailable()]);
    await expect(callWithRetries(operation, policy, { clock, random: () => 0 })).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      attempts: 3,
    });
    expect(calls()).toBe(3);
  });

  it.each([
    ['AUTH_REJECTED', 401],
    ['REQUEST_REJECTED', 400],
    ['REQUEST_REJECTED', 404],
    ['INVALID_RESPONSE', 200],
  ] as const)('never retries %s (%i)', async (code, status) => {
    const clock = createFakeClock();
    const { operation, calls } = failingThen([createButtonError(code, 'no', { retryable: false, upstreamStatus: status })]);
    await expect(callWithRetries(operation, policy, { clock, random: () => 0.5 })).rejects.toMatchObject({ code, attempts: 1 });
    expect(calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('classifies connection errors as retryable and unknown errors as not', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const clock = createFakeClock();
    const first = failingThen([refused]);
    await expect(callWithRetries(first.operation, policy, { clock, random: () => 0 })).resolves.toEqual({
      value: 'ok',
      attempts: 2,
    });

    const second = failingThen([new TypeError('bug')]);
    await expect(callWithRetries(second.operation, policy, { clock, random: () => 0 })).rejects.toMatchObject({
      code: 'UPSTREAM_UNREACHABLE',
      retryable: false,
    });
  });

  it('retries a stale pooled socket (other side closed) at once, then backs off as usual', async () => {
    const clock = createFakeClock();
    const closed = () => Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const { operation } = failingThen([closed(), closed()]);
    const result = await callWithRetries(operation, policy, { clock, random: () => 0.5 });
    expect(result.attempts).toBe(3);
    expect(clock.sleeps).toEqual([0, 100]); // no wait for the first, the usual jittered backoff for the second
  });

  it('ends with the last error, flagged, when the budget refuses a retry', async () => {
    const clock = createFakeClock();
    const { operation, calls } = failingThen([unavailable(), unavailable()]);
    await expect(callWithRetries(operation, policy, { clock, random: () => 0.5, canRetry: () => false })).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      retryRefused: true,
      attempts: 1,
    });
    expect(calls()).toBe(1);
  });

  it('keeps every attempt inside one deadline, cutting the last attempt short', async () => {
    const clock = createFakeClock();
    const timedOut = Object.assign(new Error('headers timeout'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    const timeouts: number[] = [];
    const operation = async ({ timeoutMs }: { timeoutMs: number }) => {
      timeouts.push(timeoutMs);
      clock.advance(timeoutMs); // the attempt hangs for its whole timeout
      throw timedOut;
    };
    await expect(
      callWithRetries(operation, { ...policy, maxAttempts: 10, deadlineMs: 1000 }, { clock, random: () => 0.5 })
    ).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(timeouts[0]).toBe(400);
    expect(clock.now()).toBeLessThanOrEqual(1000);
    expect(timeouts.at(-1)).toBeLessThan(400); // what was left of the deadline, not a full attempt
  });

  it('waits for Retry-After when it fits in the deadline', async () => {
    const clock = createFakeClock();
    const { operation } = failingThen([unavailable(700)]);
    await expect(callWithRetries(operation, policy, { clock, random: () => 0.5 })).resolves.toEqual({ value: 'ok', attempts: 2 });
    expect(clock.sleeps).toEqual([700]);
  });

  it('fails at once, passing the wait on, when Retry-After does not fit in the deadline', async () => {
    const clock = createFakeClock();
    const { operation, calls } = failingThen([unavailable(30_000)]);
    await expect(callWithRetries(operation, policy, { clock, random: () => 0.5 })).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      retryAfterMs: 30_000,
      attempts: 1,
    });
    expect(calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('reports each retry to the onRetry hook', async () => {
    const clock = createFakeClock();
    const events: Array<{ attempt: number; delayMs: number; code: string }> = [];
    const { operation } = failingThen([unavailable()]);
    await callWithRetries(operation, policy, {
      clock,
      random: () => 0.25,
      onRetry: ({ attempt, delayMs, error }) => events.push({ attempt, delayMs, code: error.code }),
    });
    expect(events).toEqual([{ attempt: 1, delayMs: 25, code: 'UPSTREAM_UNAVAILABLE' }]);
  });

  it('gives up with ABORTED when the caller goes away', async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    const operation = async () => {
      controller.abort(new Error('client closed'));
      throw Object.assign(new Error('aborted'), { code: 'UND_ERR_ABORTED' });
    };
    await expect(callWithRetries(operation, policy, { clock, random: () => 0.5 }, controller.signal)).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });
});
