import { createRecentCalls, createRing, MAX_MESSAGE_LENGTH, type CallRecord } from '../../../server/src/health/recent-calls';

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

describe('recent calls ring (O(1) record)', () => {
  it('keeps the newest `capacity` items, oldest first, overwriting the oldest once full', () => {
    const ring = createRing<number>(3);
    const seen = () => {
      const items: number[] = [];
      ring.forEach((item) => items.push(item));
      return items;
    };
    expect(seen()).toEqual([]);
    ring.push(1);
    ring.push(2);
    expect(seen()).toEqual([1, 2]);
    for (let i = 3; i <= 7; i += 1) ring.push(i);
    expect(seen()).toEqual([5, 6, 7]);
    expect(ring.size).toBe(3);
    expect(() => createRing(0)).toThrow(RangeError);
  });

  it('answers exactly what the former copy-and-filter implementation answered', () => {
    // The former implementation (an array sliced to maxRecords on every record), kept here as the reference.
    const reference = (calls: CallRecord[], now: number, windowMs: number, intervalMs: number, maxRecords: number) => {
      const kept = calls.slice(-maxRecords).filter((call) => call.at > now - windowMs);
      const pct = (list: CallRecord[], p: number) => {
        if (list.length === 0) return null;
        const sorted = list.map((call) => call.durationMs).sort((a, b) => a - b);
        return Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! * 10) / 10;
      };
      const series = [];
      for (let start = now - windowMs; start < now; start += intervalMs) {
        const slice = kept.filter((call) => call.at > start && call.at <= start + intervalMs);
        series.push({
          calls: slice.length,
          errors: slice.filter((call) => !call.ok).length,
          p50_ms: pct(slice, 50),
          p95_ms: pct(slice, 95),
        });
      }
      const failed = kept.filter((call) => !call.ok).length;
      return { calls: kept.length, errors: failed, p50_ms: pct(kept, 50), p95_ms: pct(kept, 95), p99_ms: pct(kept, 99), series };
    };
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 20; round += 1) {
      const windowMs = 1_000 + Math.floor(random() * 10_000);
      const intervalMs = 100 + Math.floor(random() * 2_000);
      const maxRecords = 1 + Math.floor(random() * 300);
      const recent = createRecentCalls({ windowMs, intervalMs, maxRecords });
      const calls: CallRecord[] = [];
      let at = 0;
      for (let i = Math.floor(random() * 600); i > 0; i -= 1) {
        at += Math.floor(random() * 60);
        const call = { at, durationMs: Math.round(random() * 3_000) / 10, ok: random() > 0.2 };
        calls.push(call);
        recent.record(call);
      }
      const now = at + Math.floor(random() * 2_000) - 200; // sometimes before the newest call
      const { series, ...totals } = recent.snapshot(now);
      const expected = reference(calls, now, windowMs, intervalMs, maxRecords);
      expect({ ...totals, series: series.map(({ at: _at, ...slice }) => slice) }).toMatchObject(expected);
    }
  });
});
