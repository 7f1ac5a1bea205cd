import { createCircuitBreaker, type BreakerState } from '../../../server/src/button-client/breaker';
import { createFakeClock } from '../../helpers/fake-clock';

const options = {
  windowMs: 10_000,
  minimumRequests: 10,
  failureRate: 0.5,
  halfOpenAfterMs: 5_000,
  halfOpenProbes: 2,
  successThreshold: 2,
};

function setup() {
  const clock = createFakeClock();
  const breaker = createCircuitBreaker({ ...options, clock });
  const states: BreakerState[] = [];
  breaker.onStateChange((state) => states.push(state));
  const call = (ok: boolean) => {
    const permit = breaker.acquire();
    if (!permit.allowed) return permit;
    if (ok) breaker.success(permit.probe);
    else breaker.failure(permit.probe);
    return permit;
  };
  return { clock, breaker, states, call };
}

describe('circuit breaker', () => {
  it('stays closed below the minimum volume, however bad the failure rate', () => {
    const { breaker, call } = setup();
    for (let i = 0; i < 9; i += 1) call(false);
    expect(breaker.state).toBe('closed');
  });

  it('stays closed below the failure rate', () => {
    const { breaker, call } = setup();
    for (let i = 0; i < 100; i += 1) call(i % 3 !== 0); // 33% failures
    expect(breaker.state).toBe('closed');
  });

  it('opens at the failure rate once the volume is there, and refuses calls with the time to the next probe', () => {
    const { clock, breaker, states, call } = setup();
    for (let i = 0; i < 5; i += 1) call(true);
    for (let i = 0; i < 5; i += 1) call(false);
    expect(breaker.state).toBe('open');
    expect(states).toEqual(['open']);
    clock.advance(1_500);
    expect(breaker.acquire()).toEqual({ allowed: false, retryAfterMs: 3_500 });
    expect(breaker.snapshot()).toMatchObject({ state: 'open', nextProbeInMs: 3_500 });
  });

  it('forgets failures that left the window', () => {
    const { clock, breaker, call } = setup();
    for (let i = 0; i < 9; i += 1) call(false);
    clock.advance(11_000);
    call(false);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot()).toMatchObject({ requests: 1, failures: 1 });
  });

  it('goes half-open after the interval, lets only a few probes through, and closes on the success threshold', () => {
    const { clock, breaker, states, call } = setup();
    for (let i = 0; i < 10; i += 1) call(false);
    clock.advance(5_000);
    const first = breaker.acquire();
    const second = breaker.acquire();
    expect(first).toEqual({ allowed: true, probe: true });
    expect(second).toEqual({ allowed: true, probe: true });
    expect(breaker.state).toBe('half-open');
    expect(breaker.acquire()).toMatchObject({ allowed: false }); // only two probes at a time
    breaker.success(true);
    expect(breaker.state).toBe('half-open');
    breaker.success(true);
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
    expect(call(true)).toEqual({ allowed: true, probe: false });
  });

  it('reopens on a failed probe, for another full interval', () => {
    const { clock, breaker, states, call } = setup();
    for (let i = 0; i < 10; i += 1) call(false);
    clock.advance(5_000);
    call(false);
    expect(breaker.state).toBe('open');
    expect(breaker.acquire()).toEqual({ allowed: false, retryAfterMs: 5_000 });
    expect(states).toEqual(['open', 'half-open', 'open']);
  });

  it('gives a probe slot back when the probe was cancelled without a verdict', () => {
    const { clock, breaker, call } = setup();
    for (let i = 0; i < 10; i += 1) call(false);
    clock.advance(5_000);
    const a = breaker.acquire();
    const b = breaker.acquire();
    expect(breaker.acquire().allowed).toBe(false);
    if (a.allowed) breaker.release(a.probe);
    expect(breaker.acquire().allowed).toBe(true);
    expect(b.allowed).toBe(true);
  });

  it('ignores late outcomes of calls admitted before it opened', () => {
    const { breaker, call } = setup();
    for (let i = 0; i < 10; i += 1) call(false);
    breaker.success(false);
    breaker.failure(false);
    expect(breaker.state).toBe('open');
  });
});
