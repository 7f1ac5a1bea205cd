// @ts-check
'use strict';

/**
 * Pure analysis of fault scenarios: amplification, fast failures, upstream traffic while the breaker is open
 * and time to recover, from the load generator's records (due time, latency, status, attempts reported by the
 * plugin) and the simulator's counters.
 */

const { between, percentile, round, summarize } = require('./stats');

/** @typedef {import('./stats').RequestRecord} RequestRecord */

const BUCKET_MS = 500;
const NORMAL_TOLERANCE = 0.01; // "back to normal": within one point of the success rate before the outage

/**
 * Upstream requests the simulator received per client request.
 * @param {number} upstreamRequests
 * @param {number} clientRequests
 */
function amplification(upstreamRequests, clientRequests) {
  return clientRequests === 0 ? NaN : round(upstreamRequests / clientRequests, 3);
}

/**
 * A fast failure: an error answer produced without calling upstream (the breaker was open).
 * @param {RequestRecord} record
 */
function isFastFailure(record) {
  return record.status >= 500 && (record.attempts === 0 || record.code === 'CIRCUIT_OPEN');
}

/** @param {RequestRecord} record */
const succeeded = (record) => record.status >= 200 && record.status < 300;

/**
 * @param {RequestRecord[]} records
 * @param {{ startMs: number, backMs: number, halfOpenAfterMs: number, breakerTimeline?: Array<{ offsetMs: number, state: number | 'n/a' }> }} window
 *   startMs: when the simulator went away; backMs: when it listened again (both from the start of the run)
 */
function analyzeOutage(records, { startMs, backMs, halfOpenAfterMs, breakerTimeline = [] }) {
  const before = summarize(between(records, 0, startMs));
  const duringRecords = between(records, startMs, backMs);
  const during = summarize(duringRecords);
  const after = summarize(between(records, backMs));

  const fast = duringRecords.filter(isFastFailure);
  const fastLatencies = fast.map((record) => record.latencyMs).sort((a, b) => a - b);
  const firstFast = fast.length > 0 ? Math.min(...fast.map((record) => record.offsetMs)) : undefined;
  const openedFromTimeline = breakerTimeline.find((point) => point.state === 1 && point.offsetMs >= startMs)?.offsetMs;
  const openedAtMs = firstFast ?? openedFromTimeline;
  const attemptsKnown = duringRecords.every((record) => record.attempts >= 0);
  const upstreamCallsDuring = duringRecords.reduce((total, record) => total + Math.max(0, record.attempts), 0);
  const afterOpen = openedAtMs === undefined ? [] : between(duringRecords, openedAtMs);
  const upstreamCallsAfterOpen =
    openedAtMs === undefined ? undefined : afterOpen.reduce((total, record) => total + Math.max(0, record.attempts), 0);
  const halfOpenIntervals = openedAtMs === undefined ? undefined : Math.ceil((backMs - openedAtMs) / halfOpenAfterMs);

  // Recovery: responses are placed at the time they ENDED (due time + latency), relative to the upstream's return.
  const successesAfterBack = records
    .filter((record) => succeeded(record) && record.offsetMs + record.latencyMs >= backMs)
    .map((record) => record.offsetMs + record.latencyMs - backMs);
  const firstSuccessAfterMs = successesAfterBack.length > 0 ? round(Math.min(...successesAfterBack)) : undefined;
  const normalAfterMs = backToNormalAfterMs(records, backMs, before.successRate);

  return {
    before,
    during,
    after,
    fastFailures: fast.length,
    fastFailureP99: fastLatencies.length > 0 ? round(percentile(fastLatencies, 99)) : undefined,
    breakerOpenedAfterMs: openedAtMs === undefined ? undefined : round(openedAtMs - startMs),
    breakerStates: [...new Set(breakerTimeline.map((point) => point.state))],
    upstreamCallsDuring: attemptsKnown ? upstreamCallsDuring : undefined,
    upstreamCallsAfterOpen,
    requestsAfterOpen: afterOpen.length,
    halfOpenIntervals,
    firstSuccessAfterMs,
    normalAfterMs,
  };
}

/**
 * From the upstream's return, how long until every later 500 ms bucket (by due time) succeeds at least as often
 * as before the outage, minus one point. undefined when it never does within the run.
 * @param {RequestRecord[]} records
 * @param {number} backMs
 * @param {number} baseline success rate before the outage (NaN when unknown: then 100%)
 */
function backToNormalAfterMs(records, backMs, baseline) {
  const threshold = (Number.isFinite(baseline) ? baseline : 1) - NORMAL_TOLERANCE;
  const lastOffset = records.reduce((max, record) => Math.max(max, record.offsetMs), 0);
  /** @type {Array<{ from: number, ok: boolean }>} */
  const buckets = [];
  for (let from = backMs; from <= lastOffset; from += BUCKET_MS) {
    const bucket = between(records, from, from + BUCKET_MS);
    if (bucket.length === 0) continue;
    buckets.push({ from, ok: bucket.filter(succeeded).length / bucket.length >= threshold });
  }
  let index = buckets.length;
  while (index > 0 && buckets[index - 1].ok) index -= 1;
  if (index === buckets.length) return undefined;
  return round(buckets[index].from - backMs);
}

/**
 * RSS growth per 100,000 requests from the least-squares slope of RSS samples taken during a fixed-rate soak,
 * skipping the first tenth (allocator and JIT warm-up). Linear, so it over-estimates a process whose RSS levels
 * off: a conservative stand-in when the soak is shorter than 100,000 requests.
 * @param {Array<{ atS: number, mb: number | undefined }>} samples
 * @param {number} rate requests per second during the soak
 * @returns {number | undefined}
 */
function rssGrowthPer100k(samples, rate) {
  const usable = samples.filter((sample) => sample.mb !== undefined);
  const last = usable.length > 0 ? usable[usable.length - 1].atS : 0;
  const points = usable.filter((sample) => sample.atS >= last / 10);
  if (points.length < 3 || !(rate > 0)) return undefined;
  const meanX = points.reduce((total, p) => total + p.atS, 0) / points.length;
  const meanY = points.reduce((total, p) => total + /** @type {number} */ (p.mb), 0) / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    // A typed local, not an inline cast: Prettier 3 moves the parentheses of an inline JSDoc cast here, which
    // changes what the cast covers.
    const mb = /** @type {number} */ (p.mb);
    num += (p.atS - meanX) * (mb - meanY);
    den += (p.atS - meanX) ** 2;
  }
  if (den === 0) return undefined;
  const mbPerSecond = num / den;
  return round((mbPerSecond * 100_000) / rate, 1);
}

/**
 * Did the target fail to keep up with the offered rate? In an open loop a target that cannot keep up builds a
 * backlog: answers fail (timeouts, 503s) or the latency of the last quarter of the run (by due time) grows well past
 * that of the first quarter. Its latencies then measure the queue, not the cost of a request.
 * @param {RequestRecord[]} records
 */
function isSaturated(records) {
  if (records.length < 8) return false;
  const ok = records.filter(succeeded).length / records.length;
  if (ok < 0.99) return true;
  const last = records.reduce((max, record) => Math.max(max, record.offsetMs), 0);
  const median = (/** @type {RequestRecord[]} */ part) =>
    percentile(
      part.map((record) => record.latencyMs).sort((a, b) => a - b),
      50
    );
  const first = median(between(records, 0, last / 4));
  const end = median(between(records, (3 * last) / 4));
  return end > 2 * first + 20;
}

/**
 * CPU time one process spent per request over a row, from its `process.cpuUsage()` (user + system, microseconds)
 * before and after. Includes whatever else the process did meanwhile (timers, GC): it is the cost of serving.
 * @param {{ user: number, system: number } | undefined} before
 * @param {{ user: number, system: number } | undefined} after
 * @param {number} requests
 * @returns {number | undefined} milliseconds
 */
function cpuMsPerRequest(before, after, requests) {
  if (!before || !after || !(requests > 0)) return undefined;
  return round((after.user + after.system - (before.user + before.system)) / 1000 / requests, 3);
}

/**
 * The highest rate of a rising stepped search that passed, counting only the steps before the first failure.
 * @param {Array<{ rate: number, p99: number, successRate: number }>} steps in the order they ran
 * @param {number} p99LimitMs
 * @returns {number | undefined} undefined when even the first step failed
 */
function maxSustainedRate(steps, p99LimitMs) {
  let best;
  for (const step of steps) {
    if (!(step.p99 < p99LimitMs && step.successRate >= 0.99)) break;
    best = step.rate;
  }
  return best;
}

/**
 * Naive / pooled latency expected from first principles at a given RTT: a new connection pays TCP (1 RTT) and
 * TLS 1.3 (1 RTT) before the request's own round trip, a pooled one only the request's: (S + 3 RTT) / (S + RTT),
 * S being the time the request takes without any network (measured: pooled p50 at 0 ms RTT, same run).
 * @param {number} serviceMs
 * @param {number} rttMs
 */
function expectedNaiveRatio(serviceMs, rttMs) {
  return round((serviceMs + 3 * rttMs) / (serviceMs + rttMs), 2);
}

/** @param {number[]} values */
function median(values) {
  return percentile(
    [...values].sort((a, b) => a - b),
    50
  );
}

module.exports = {
  cpuMsPerRequest,
  maxSustainedRate,
  expectedNaiveRatio,
  median,
  amplification,
  analyzeOutage,
  backToNormalAfterMs,
  isFastFailure,
  rssGrowthPer100k,
  isSaturated,
};
