import {
  createCircuitBreaker,
  type BreakerFailureKind,
  type BreakerState,
  type BreakerTransition,
} from '../../../server/src/button-client/breaker';
import { createFakeClock } from '../../helpers/fake-clock';

const options = {
  windowMs: 10_000,
  minimumRequests: 10,
  failureRate: 0.5,
  consecutiveFailures: 0, // the failure-rate tests below run without the consecutive trip
  halfOpenAfterMs: 5_000,
  halfOpenProbes: 2,
  successThreshold: 2,
};

function setup(overrides: Partial<typeof options> = {}) {
  const clock = createFakeClock();
  const breaker = createCircuitBreaker({ ...options, ...overrides, clock });
  const states: BreakerState[] = [];
  const transitions: BreakerTransition[] = [];
  breaker.onStateChange((state, transition) => {
    states.push(state);
    transitions.push(transition);
  });
  const call = (ok: boolean, kind?: BreakerFailureKind) => {
    const permit = breaker.acquire();
    if (!permit.allowed) return permit;
    if (ok) breaker.success(permit.probe);
    else breaker.failure(permit.probe, kind);
    return permit;
  };
  return { clock, breaker, states, transitions, call };
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

describe('circuit breaker: the consecutive hard-failure trip', () => {
  // A long healthy history first: the failure rate alone would need as many failures again to open.
  const healthy = (call: (ok: boolean) => unknown, n = 100) => {
    for (let i = 0; i < n; i += 1) call(true);
  };
  type Outcome = 'ok' | 'hard' | 'soft';
  const run = (outcomes: Outcome[], call: (ok: boolean, kind?: BreakerFailureKind) => unknown) => {
    for (const outcome of outcomes) call(outcome === 'ok', outcome === 'ok' ? undefined : outcome);
  };

  it.each<[string, Outcome[], BreakerState]>([
    ['opens on N hard failures in a row, despite the successes before', ['hard', 'hard', 'hard', 'hard', 'hard'], 'open'],
    ['stays closed on N-1 hard failures', ['hard', 'hard', 'hard', 'hard'], 'closed'],
    ['a success ends the run', ['hard', 'hard', 'hard', 'hard', 'ok', 'hard', 'hard', 'hard', 'hard'], 'closed'],
    ['soft failures (503s) never trip it, however many in a row', Array<Outcome>(8).fill('soft'), 'closed'],
    ['a soft failure neither counts nor ends the run', ['hard', 'hard', 'soft', 'hard', 'hard', 'hard'], 'open'],
  ])('%s', (_name, outcomes, expected) => {
    const { breaker, call } = setup({ consecutiveFailures: 5 });
    healthy(call);
    run(outcomes, call);
    expect(breaker.state).toBe(expected);
  });

  it('never opens on sporadic failures: 20% of calls failing, hard or soft, in any order', () => {
    const { breaker, call } = setup({ consecutiveFailures: 5, minimumRequests: 20 });
    for (let i = 0; i < 1_000; i += 1) {
      if (i % 5 === 0) call(false, i % 10 === 0 ? 'hard' : 'soft');
      else call(true);
    }
    expect(breaker.state).toBe('closed');
  });

  it('reports the trip: its reason, the time from the first failure of the run, and the failures it took', () => {
    const { clock, breaker, transitions, call } = setup({ consecutiveFailures: 5 });
    healthy(call);
    clock.advance(1_000);
    call(false, 'soft'); // the run starts here: a 503
    for (let i = 0; i < 5; i += 1) {
      clock.advance(30);
      call(false, 'hard');
    }
    expect(transitions).toEqual([{ state: 'open', reason: 'consecutive-failures', timeToOpenMs: 150, failures: 6 }]);
    expect(breaker.snapshot()).toMatchObject({
      state: 'open',
      consecutiveFailures: 0,
      lastTrip: { reason: 'consecutive-failures', timeToOpenMs: 150, failures: 6 },
    });
  });

  it('reports a failure-rate trip too, and keeps the trip (not a failed probe) as the last one', () => {
    const { clock, breaker, transitions, call } = setup({ consecutiveFailures: 5 });
    for (let i = 0; i < 5; i += 1) call(true);
    for (let i = 0; i < 5; i += 1) {
      call(false, 'soft');
      clock.advance(100);
    }
    expect(transitions[0]).toEqual({ state: 'open', reason: 'failure-rate', timeToOpenMs: 400, failures: 5 });
    clock.advance(5_000);
    call(false, 'hard'); // the probe fails: open again, not a new trip
    expect(transitions.slice(1)).toEqual([
      { state: 'half-open', reason: 'probe-due' },
      { state: 'open', reason: 'probe-failed' },
    ]);
    expect(breaker.snapshot().lastTrip).toEqual({ reason: 'failure-rate', timeToOpenMs: 400, failures: 5 });
  });

  it('leaves the half-open cycle as it was: probes close it, and the run starts afresh once closed', () => {
    const { clock, breaker, states, call } = setup({ consecutiveFailures: 5 });
    for (let i = 0; i < 5; i += 1) call(false, 'hard');
    expect(breaker.state).toBe('open');
    clock.advance(5_000);
    call(true);
    call(true);
    expect(states).toEqual(['open', 'half-open', 'closed']);
    for (let i = 0; i < 4; i += 1) call(false, 'hard');
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().consecutiveFailures).toBe(4);
  });

  it('can be turned off (0): hard failures then only count towards the failure rate', () => {
    const { breaker, call } = setup({ consecutiveFailures: 0 });
    healthy(call);
    for (let i = 0; i < 50; i += 1) call(false, 'hard');
    expect(breaker.state).toBe('closed');
  });
});
