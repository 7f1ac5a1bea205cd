/**
 * The last few minutes of calls to Button, in memory, for the admin's Health page: latency percentiles, error
 * rate, a small per-interval series and the last errors. Prometheus holds the long history; this answers "how is
 * it right now" without one.
 */
export interface CallRecord {
  at: number;
  durationMs: number;
  ok: boolean;
  code?: string;
  upstreamStatus?: number;
  message?: string;
}

/** What the Health page shows of recent calls: the `upstream` part of the admin contract's `HealthSnapshot`. */
export interface RecentCallsSnapshot {
  window_seconds: number;
  calls: number;
  errors: number;
  error_rate: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  series: Array<{ at: string; calls: number; errors: number; p50_ms: number | null; p95_ms: number | null }>;
  last_errors: Array<{ at: string; code: string; upstream_status: number | null; message: string }>;
}

/** Kept error messages are cut here: enough to tell what failed, never a whole upstream body. */
export const MAX_MESSAGE_LENGTH = 200;
const MAX_CODE_LENGTH = 40;

/**
 * Bounded by count (`maxRecords`, `maxErrors`) and by the size of each record, whatever the traffic: memory stays
 * under maxRecords x a few hundred bytes. `record` runs on every upstream call, so it costs O(1): the calls sit in a
 * fixed ring (a full buffer overwrites its oldest call) instead of an array copied past the cap, which at 5,000
 * records was a 40 KB copy per offers request. The O(n log n) work stays in `snapshot`, which only the admin's
 * Health page asks for.
 */
export function createRecentCalls(
  options: { windowMs?: number; intervalMs?: number; maxRecords?: number; maxErrors?: number } = {}
) {
  const windowMs = options.windowMs ?? 5 * 60_000;
  const intervalMs = options.intervalMs ?? 15_000;
  const records = createRing<CallRecord>(options.maxRecords ?? 5_000);
  const errors = createRing<CallRecord>(options.maxErrors ?? 20);

  return {
    record(input: CallRecord) {
      const call: CallRecord = {
        ...input,
        ...(input.code === undefined ? {} : { code: truncate(input.code, MAX_CODE_LENGTH) }),
        ...(input.message === undefined ? {} : { message: truncate(input.message, MAX_MESSAGE_LENGTH) }),
      };
      records.push(call);
      if (!call.ok) errors.push(call);
    },
    snapshot(now: number): RecentCallsSnapshot {
      const since = now - windowMs;
      const starts: number[] = [];
      for (let start = since; start < now; start += intervalMs) starts.push(start);
      const all: number[] = [];
      const slices = starts.map(() => ({ durations: [] as number[], errors: 0 }));
      let failed = 0;
      records.forEach((call) => {
        if (call.at <= since) return;
        all.push(call.durationMs);
        if (!call.ok) failed += 1;
        // The interval (start, start + intervalMs] holding this call, if any (a call stamped after `now` is in none).
        const index = Math.ceil((call.at - since) / intervalMs) - 1;
        const slice = slices[index];
        if (slice === undefined || call.at > starts[index]! + intervalMs) return;
        slice.durations.push(call.durationMs);
        if (!call.ok) slice.errors += 1;
      });
      const sortedAll = sortNumbers(all);
      const newestErrorsFirst: CallRecord[] = [];
      errors.forEach((call) => newestErrorsFirst.unshift(call));
      return {
        window_seconds: windowMs / 1000,
        calls: all.length,
        errors: failed,
        error_rate: all.length === 0 ? 0 : failed / all.length,
        p50_ms: percentile(sortedAll, 50),
        p95_ms: percentile(sortedAll, 95),
        p99_ms: percentile(sortedAll, 99),
        series: slices.map((slice, index) => {
          const sorted = sortNumbers(slice.durations);
          return {
            at: new Date(starts[index]! + intervalMs).toISOString(),
            calls: sorted.length,
            errors: slice.errors,
            p50_ms: percentile(sorted, 50),
            p95_ms: percentile(sorted, 95),
          };
        }),
        last_errors: newestErrorsFirst.map((call) => ({
          at: new Date(call.at).toISOString(),
          code: call.code ?? 'UNKNOWN',
          upstream_status: call.upstreamStatus ?? null,
          message: call.message ?? '',
        })),
      };
    },
  };
}

/** A fixed-capacity ring: `push` is O(1) and overwrites the oldest item once full; `forEach` goes oldest first. */
export function createRing<T>(capacity: number) {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
  const items: Array<T | undefined> = new Array<T | undefined>(capacity);
  let next = 0; // where the next push goes
  let size = 0;
  return {
    push(item: T) {
      items[next] = item;
      next = (next + 1) % capacity;
      if (size < capacity) size += 1;
    },
    forEach(visit: (item: T) => void) {
      for (let i = 0, at = (next - size + capacity) % capacity; i < size; i += 1, at = (at + 1) % capacity) visit(items[at] as T);
    },
    get size() {
      return size;
    },
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function sortNumbers(values: number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Nearest rank over durations sorted ascending; null when there are none. */
function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return Math.round(value * 10) / 10;
}

export type RecentCalls = ReturnType<typeof createRecentCalls>;
