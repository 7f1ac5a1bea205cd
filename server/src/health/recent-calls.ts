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
 * under maxRecords x a few hundred bytes.
 */
export function createRecentCalls(
  options: { windowMs?: number; intervalMs?: number; maxRecords?: number; maxErrors?: number } = {}
) {
  const windowMs = options.windowMs ?? 5 * 60_000;
  const intervalMs = options.intervalMs ?? 15_000;
  const maxRecords = options.maxRecords ?? 5_000;
  const maxErrors = options.maxErrors ?? 20;
  let records: CallRecord[] = [];
  let errors: CallRecord[] = [];

  return {
    record(input: CallRecord) {
      const call: CallRecord = {
        ...input,
        ...(input.code === undefined ? {} : { code: truncate(input.code, MAX_CODE_LENGTH) }),
        ...(input.message === undefined ? {} : { message: truncate(input.message, MAX_MESSAGE_LENGTH) }),
      };
      records.push(call);
      if (records.length > maxRecords) records = records.slice(-maxRecords);
      if (!call.ok) {
        errors.push(call);
        if (errors.length > maxErrors) errors = errors.slice(-maxErrors);
      }
    },
    snapshot(now: number): RecentCallsSnapshot {
      records = records.filter((call) => call.at > now - windowMs);
      const failed = records.filter((call) => !call.ok).length;
      const series = [];
      for (let start = now - windowMs; start < now; start += intervalMs) {
        const slice = records.filter((call) => call.at > start && call.at <= start + intervalMs);
        series.push({
          at: new Date(start + intervalMs).toISOString(),
          calls: slice.length,
          errors: slice.filter((call) => !call.ok).length,
          p50_ms: percentile(slice, 50),
          p95_ms: percentile(slice, 95),
        });
      }
      return {
        window_seconds: windowMs / 1000,
        calls: records.length,
        errors: failed,
        error_rate: records.length === 0 ? 0 : failed / records.length,
        p50_ms: percentile(records, 50),
        p95_ms: percentile(records, 95),
        p99_ms: percentile(records, 99),
        series,
        last_errors: [...errors].reverse().map((call) => ({
          at: new Date(call.at).toISOString(),
          code: call.code ?? 'UNKNOWN',
          upstream_status: call.upstreamStatus ?? null,
          message: call.message ?? '',
        })),
      };
    },
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function percentile(calls: CallRecord[], p: number): number | null {
  if (calls.length === 0) return null;
  const sorted = calls.map((call) => call.durationMs).sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return Math.round(value * 10) / 10;
}

export type RecentCalls = ReturnType<typeof createRecentCalls>;
