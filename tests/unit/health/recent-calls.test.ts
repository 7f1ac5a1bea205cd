import { createRecentCalls, MAX_MESSAGE_LENGTH } from '../../../server/src/health/recent-calls';

describe('recent calls', () => {
  it('summarises the window: count, error rate, percentiles, a series and the last errors (newest first)', () => {
    const recent = createRecentCalls({ windowMs: 60_000, intervalMs: 30_000, maxErrors: 2 });
    for (let i = 1; i <= 100; i += 1) recent.record({ at: 10_000 + i, durationMs: i, ok: true });
    recent.record({ at: 50_000, durationMs: 800, ok: false, code: 'UPSTREAM_TIMEOUT', message: 'no answer' });
    recent.record({ at: 50_001, durationMs: 5, ok: false, code: 'UPSTREAM_UNAVAILABLE', upstreamStatus: 503 });
    recent.record({ at: 50_002, durationMs: 5, ok: false, code: 'UPSTREAM_UNREACHABLE' });
    const snapshot = recent.snapshot(60_000);
    expect(snapshot).toMatchObject({ window_seconds: 60, calls: 103, errors: 3, p50_ms: 50, p99_ms: 100 });
    expect(snapshot.error_rate).toBeCloseTo(3 / 103);
    expect(snapshot.series.map((slice) => slice.calls)).toEqual([100, 3]);
    expect(snapshot.last_errors.map((error) => error.code)).toEqual(['UPSTREAM_UNREACHABLE', 'UPSTREAM_UNAVAILABLE']);
  });

  it('drops calls older than the window', () => {
    const recent = createRecentCalls({ windowMs: 1_000 });
    recent.record({ at: 0, durationMs: 5, ok: true });
    expect(recent.snapshot(5_000)).toMatchObject({ calls: 0, error_rate: 0, p50_ms: null });
  });
});

describe('recent calls bounds', () => {
  it('keeps at most maxRecords calls and maxErrors errors, each message cut to 200 characters', () => {
    const recent = createRecentCalls({ windowMs: 10_000_000, maxRecords: 1_000, maxErrors: 20 });
    for (let i = 0; i < 20_000; i += 1) {
      recent.record({ at: i, durationMs: 1, ok: i % 2 === 0, code: 'UPSTREAM_UNAVAILABLE', message: 'x'.repeat(100_000) });
    }
    const snapshot = recent.snapshot(20_000);
    expect(snapshot.calls).toBe(1_000);
    expect(snapshot.last_errors).toHaveLength(20);
    for (const error of snapshot.last_errors) expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });
});
