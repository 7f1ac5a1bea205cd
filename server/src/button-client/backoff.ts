/**
 * Backoff and Retry-After arithmetic: pure functions, no clock, no I/O.
 */

export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * "Full jitter" (AWS): a uniform wait in [0, min(cap, base * 2^(retry-1))). Spreading retries over the
 * whole window keeps clients that failed together from retrying together.
 * @param retry 1 for the first retry, 2 for the second, ...
 */
export function fullJitterDelay(retry: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Parses a Retry-After header (RFC 9110: delay-seconds or an HTTP date) into milliseconds from `nowEpochMs`.
 * Returns undefined when absent or unparseable; a date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | string[] | undefined, nowEpochMs: number): number | undefined {
  const header = Array.isArray(value) ? value[0] : value;
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[A-Za-z]/.test(text)) return undefined; // "-5" or "1.5" are not HTTP dates, whatever Date.parse thinks
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowEpochMs);
}

/** Seconds for our own Retry-After header: whole, at least 1 (0 would invite an immediate hammering). */
export function retryAfterSeconds(ms: number | undefined, fallbackMs = 1000): number {
  return Math.max(1, Math.ceil((ms ?? fallbackMs) / 1000));
}
