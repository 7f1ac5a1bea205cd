// @ts-check
'use strict';

/**
 * Pure statistics over the load generator's records: percentiles (nearest rank, no interpolation, so every
 * reported value is a latency that really happened) and the summary each report row needs.
 */

/**
 * @typedef {{ offsetMs: number, latencyMs: number, status: number, attempts: number, code?: string, upstreamMs?: number }} RequestRecord
 *   offsetMs: when the request was DUE, from the start of the run; latencyMs: from that due time to the end of
 *   the response (so a late send counts against the system: coordinated omission corrected); status 0: no HTTP
 *   answer (connection error, timeout, abort); attempts: upstream calls the plugin reported, -1 when unknown.
 * @typedef {{
 *   requests: number, ok: number, failed: number, errors: number, successRate: number,
 *   statusCounts: Record<string, number>,
 *   p50: number, p90: number, p99: number, max: number, mean: number,
 *   pluginUpstreamP50?: number,
 * }} Summary
 */

/**
 * @param {number[]} sorted ascending
 * @param {number} p in (0, 100]
 */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * @param {RequestRecord[]} records
 * @returns {Summary}
 */
function summarize(records) {
  const latencies = records.map((record) => record.latencyMs).sort((a, b) => a - b);
  /** @type {Record<string, number>} */
  const statusCounts = {};
  let ok = 0;
  let errors = 0;
  for (const record of records) {
    const key = record.status === 0 ? 'error' : String(record.status);
    statusCounts[key] = (statusCounts[key] ?? 0) + 1;
    if (record.status >= 200 && record.status < 300) ok += 1;
    if (record.status === 0) errors += 1;
  }
  const sum = latencies.reduce((total, value) => total + value, 0);
  const upstream = records
    .flatMap((record) => (record.upstreamMs === undefined ? [] : [record.upstreamMs]))
    .sort((a, b) => a - b);
  return {
    ...(upstream.length > 0 ? { pluginUpstreamP50: round(percentile(upstream, 50)) } : {}),
    requests: records.length,
    ok,
    failed: records.length - ok,
    errors,
    successRate: records.length === 0 ? NaN : ok / records.length,
    statusCounts,
    p50: round(percentile(latencies, 50)),
    p90: round(percentile(latencies, 90)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.length === 0 ? NaN : latencies[latencies.length - 1]),
    mean: round(latencies.length === 0 ? NaN : sum / latencies.length),
  };
}

/**
 * Records whose due time falls in [fromMs, toMs).
 * @param {RequestRecord[]} records
 * @param {number} fromMs
 * @param {number} [toMs]
 */
function between(records, fromMs, toMs = Infinity) {
  return records.filter((record) => record.offsetMs >= fromMs && record.offsetMs < toMs);
}

/** @param {number} value */
function round(value, digits = 2) {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

module.exports = { percentile, summarize, between, round };
