// @ts-check
'use strict';

/**
 * The issue's targets, computed from a results object. Pure: the report and the tests call it.
 * `met` is true, false, or null when the value could not be measured in this run (then `measured` says why).
 */

const { round } = require('./stats');
const { expectedNaiveRatio } = require('./analysis');

const CPU_RATIO_LIMIT = 1.5; // offers endpoint CPU per request <= 1.5x the trivial route's
const HEAP_GROWTH_LIMIT_MB = 10; // heap used after a forced GC, end of soak minus start
const RTT_RATIO_TOLERANCE = 0.9; // measured naive/pooled >= 90% of the first-principles ratio
const LIMITER_P99_ADDED_LIMIT_MS = 1; // issue 11: the shared limiter adds <= 1 ms at p99 over the local one
const LIMITER_P50_ADDED_LIMIT_MS = 0.5; // and under half a millisecond at p50 ("a fraction of a millisecond")
const LIMITER_MIN_DECISIONS = 500; // fewer decisions per side: no verdict (the smoke)

/**
 * @typedef {{ id: string, profile: string, p50: number, p90: number, p99: number, max: number, requests: number,
 *   successRate: number, upstreamConnections?: number, upstreamPerRequest?: number, [key: string]: unknown }} LatencyResult
 * @typedef {{ id: string, p99: number, successRate: number, requests: number, amplification: number,
 *   outage?: ReturnType<typeof import('./analysis').analyzeOutage> & { timeToOpenMs?: number, openReason?: string }, [key: string]: unknown }} FaultResult
 * @typedef {{ requests: number, rssGrowthMb?: number, rssGrowthPer100kMb?: number, upstreamConnections?: number, poolSize: number,
 *   heapGrowthMb?: number, heapAfterGcStartMb?: number, heapAfterGcEndMb?: number,
 *   [key: string]: unknown }} SoakResult
 * @typedef {{ rttMs: number, mode: string, p50: number, p99: number, requests: number, successRate: number, [key: string]: unknown }} RttResult
 * @typedef {{ rttMs: number, warmMedianMs?: number, coldMedianMs?: number, samples: Array<{ warmup: boolean, newConnections?: number }> }} FirstRequestResult
 * @typedef {{ latency: LatencyResult[], faults: FaultResult[], soak?: SoakResult, rtt?: RttResult[], firstRequest?: FirstRequestResult,
 *   maxRate?: Array<Record<string, unknown>>, sharedState?: Record<string, any>,
 *   meta: { halfOpenAfterMs: number, halfOpenProbes?: number, poolSize: number, [key: string]: unknown } }} Results
 * @typedef {{ id: string, target: string, measured: string, met: boolean | null }} TargetRow
 */

const ms = (/** @type {number | undefined} */ value) =>
  value === undefined || !Number.isFinite(value) ? 'n/a' : `${round(value, 2)} ms`;
const pct = (/** @type {number} */ value) => `${round(value * 100, 2)}%`;

/**
 * @param {Results} results
 * @returns {TargetRow[]}
 */
function computeTargets(results) {
  /** @type {TargetRow[]} */
  const rows = [];
  const row = (/** @type {string} */ id, /** @type {string} */ profile) =>
    results.latency.find((r) => r.id === id && r.profile === profile);
  const profiles = [...new Set(results.latency.map((r) => r.profile))];

  for (const profile of profiles) {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => row(id, profile));
    if (a && b && c) {
      const p50 = b.p50 - (a.p50 + c.p50);
      const p99 = b.p99 - (a.p99 + c.p99);
      const saturated = [a, b, c].filter((r) => r.saturated === true).map((r) => r.id);
      const caveat = saturated.length > 0 ? `; row(s) ${saturated.join(', ')} SATURATED: queueing, not overhead` : '';
      rows.push({
        id: `overhead-p50-${profile}`,
        target: `plugin overhead p50, ${profile}: p50(b) - (p50(a) + p50(c)) <= 1 ms`,
        measured: `${ms(p50)} (b ${ms(b.p50)}, a ${ms(a.p50)}, c ${ms(c.p50)})${caveat}`,
        met: p50 <= 1,
      });
      rows.push({
        id: `overhead-p99-${profile}`,
        target: `plugin overhead p99, ${profile}: p99(b) - (p99(a) + p99(c)) <= 5 ms`,
        measured: `${ms(p99)} (b ${ms(b.p99)}, a ${ms(a.p99)}, c ${ms(c.p99)})${caveat}`,
        met: p99 <= 5,
      });
    }
    if (b && d) {
      rows.push({
        id: `naive-vs-pooled-${profile}`,
        target: `${profile}: pooled (b) faster than naive (d)`,
        measured: `p50 ratio d/b ${round(d.p50 / b.p50, 2)}x (${ms(d.p50)} vs ${ms(b.p50)}), p99 ratio ${round(d.p99 / b.p99, 2)}x`,
        met: d.p50 > b.p50,
      });
    }
    if (b && c && typeof b.cpuMsPerRequest === 'number' && typeof c.cpuMsPerRequest === 'number') {
      const ratio = b.cpuMsPerRequest / c.cpuMsPerRequest;
      rows.push({
        id: `cpu-per-request-${profile}`,
        target: `${profile}: CPU per request, offers endpoint (b) <= ${CPU_RATIO_LIMIT}x the trivial route (c)`,
        measured: `${round(ratio, 2)}x (b ${ms(b.cpuMsPerRequest)}, c ${ms(c.cpuMsPerRequest)} of CPU per request)`,
        met: c.cpuMsPerRequest > 0 ? ratio <= CPU_RATIO_LIMIT : null,
      });
    }
  }

  // A real network: naive / pooled at each RTT against (S + 3 RTT) / (S + RTT), S = pooled p50 at 0 ms RTT.
  const rtt = results.rtt ?? [];
  const rttRow = (/** @type {number} */ rttMs, /** @type {string} */ mode) =>
    rtt.find((r) => r.rttMs === rttMs && r.mode === mode);
  const base = rttRow(0, 'pooled');
  for (const rttMs of [...new Set(rtt.map((r) => r.rttMs))].filter((value) => value > 0)) {
    const pooled = rttRow(rttMs, 'pooled');
    const naive = rttRow(rttMs, 'naive');
    if (!pooled || !naive) continue;
    const ratio = naive.p50 / pooled.p50;
    const expected = base ? expectedNaiveRatio(base.p50, rttMs) : undefined;
    rows.push({
      id: `rtt-${rttMs}`,
      target: `RTT ${rttMs} ms: naive/pooled p50 >= ${RTT_RATIO_TOLERANCE * 100}% of (S + 3 RTT) / (S + RTT), S = pooled p50 at 0 ms RTT`,
      measured:
        `p50 ratio ${round(ratio, 2)}x (naive ${ms(naive.p50)}, pooled ${ms(pooled.p50)}), expected ${expected ?? 'n/a'}x` +
        `${base ? ` (S ${ms(base.p50)})` : ''}; p99 ratio ${round(naive.p99 / pooled.p99, 2)}x`,
      met: expected === undefined ? null : ratio >= RTT_RATIO_TOLERANCE * expected,
    });
  }

  const first = results.firstRequest;
  if (first && first.samples.length > 0) {
    const saved =
      first.warmMedianMs === undefined || first.coldMedianMs === undefined ? undefined : first.coldMedianMs - first.warmMedianMs;
    // A saving without the warm connection is noise (or a JIT effect): the warm samples must also have opened none.
    const warmSamples = first.samples.filter((sample) => sample.warmup);
    const warmOpened = warmSamples.filter((sample) => sample.newConnections !== 0).length;
    rows.push({
      id: 'first-request-warmup',
      target: `first request after boot at ${first.rttMs} ms RTT: with warm-up it opens no connection and saves >= 1 RTT (expected 2: TCP + TLS)`,
      measured:
        `${ms(saved)} saved (median warm-up off ${ms(first.coldMedianMs)}, on ${ms(first.warmMedianMs)}, ${warmSamples.length} boot(s) each); ` +
        `with warm-up, ${warmOpened} of ${warmSamples.length} first request(s) still opened a connection`,
      met: saved === undefined ? false : saved >= first.rttMs && warmOpened === 0,
    });
  }

  const soak = results.soak;
  const pooledRows = results.latency.filter((r) => r.id === 'b');
  if (soak && soak.upstreamConnections !== undefined) {
    rows.push({
      id: 'pool-connections',
      target: `10,000 requests or more (soak: ${soak.requests}) open at most pool size (${soak.poolSize}) upstream connections`,
      measured: `${soak.upstreamConnections} connections over ${soak.requests} requests (b rows: ${pooledRows.map((r) => r.upstreamConnections).join(', ')})${soak.saturated === true ? '; soak SATURATED (timed-out attempts close their sockets)' : ''}`,
      met: soak.requests >= 10_000 ? soak.upstreamConnections <= soak.poolSize : null,
    });
  }

  const f503 = results.faults.find((f) => f.id === 'errors-503');
  if (f503) {
    rows.push({
      id: 'errors-503',
      target: '10% upstream 503s: client success >= 99.5% with <= 1.2 upstream requests per client request',
      measured: `${pct(f503.successRate)} success, ${f503.amplification} upstream/client, p99 ${ms(f503.p99)}`,
      met: f503.successRate >= 0.995 && f503.amplification <= 1.2,
    });
  }

  const outage = results.faults.find((f) => f.id === 'outage')?.outage;
  if (outage) {
    const opened = outage.breakerOpenedAfterMs !== undefined;
    // Strapi's own floor in the same run: the trivial route's p99 (the outage runs with the ~100 ms profile).
    const floor = row('c', 'button') ?? row('c', 'zero');
    rows.push({
      id: 'outage-fast-failures',
      target: "outage, breaker open: fast failures p99 <= Strapi's floor p99(c) + 1 ms",
      measured: opened
        ? `${outage.fastFailures} fast failures, p99 ${ms(outage.fastFailureP99)} (floor p99(c) ${floor ? ms(floor.p99) : 'n/a'})`
        : `no fast failure seen (breaker never opened); failures p99 ${ms(outage.during.p99)}`,
      met: opened && floor ? (outage.fastFailureP99 ?? Infinity) <= floor.p99 + 1 : false,
    });
    // The plugin's own measure (button_breaker_time_to_open_seconds) when scraped, else the 250 ms state timeline.
    const timeToOpen = outage.timeToOpenMs ?? outage.breakerOpenedAfterMs;
    rows.push({
      id: 'outage-time-to-open',
      target: 'outage: the breaker opens within about a second (<= 1,000 ms)',
      measured:
        timeToOpen === undefined
          ? 'never opened'
          : `${ms(timeToOpen)} (${outage.timeToOpenMs === undefined ? 'state scraped every 250 ms' : `the plugin's own measure, reason ${outage.openReason ?? 'n/a'}`})`,
      met: timeToOpen === undefined ? false : timeToOpen <= 1000,
    });
    const perInterval = results.meta.halfOpenProbes ?? 1;
    const allowed = outage.halfOpenIntervals === undefined ? undefined : outage.halfOpenIntervals * perInterval;
    rows.push({
      id: 'outage-probes-only',
      target: `outage, breaker open: upstream traffic limited to probes (<= ${perInterval} per half-open interval)`,
      measured:
        outage.upstreamCallsAfterOpen === undefined
          ? `breaker never opened: ${outage.upstreamCallsDuring ?? 'n/a'} upstream calls during the outage for ${outage.during.requests} client requests`
          : `${outage.upstreamCallsAfterOpen} upstream calls for ${outage.requestsAfterOpen} client requests after it opened (${outage.halfOpenIntervals} half-open intervals: <= ${allowed} probes)`,
      met:
        outage.upstreamCallsAfterOpen === undefined || allowed === undefined ? false : outage.upstreamCallsAfterOpen <= allowed,
    });
    rows.push({
      id: 'outage-recovery',
      target: `recovery within one half-open interval (${results.meta.halfOpenAfterMs} ms) of the upstream coming back`,
      measured: `first success ${ms(outage.firstSuccessAfterMs)} after it came back; success rate normal after ${ms(outage.normalAfterMs)}`,
      met: outage.firstSuccessAfterMs === undefined ? false : outage.firstSuccessAfterMs <= results.meta.halfOpenAfterMs,
    });
  }

  const hedged = results.faults.find((f) => f.id === 'stalls-hedged');
  const unhedged = results.faults.find((f) => f.id === 'stalls');
  if (hedged) {
    const extra = hedged.amplification - 1;
    rows.push({
      id: 'stalls-hedged',
      target: '2% two-second stalls, hedging on: p99 < 300 ms for <= 5% extra upstream requests',
      measured: `p99 ${ms(hedged.p99)}, ${pct(extra)} extra upstream requests${unhedged ? ` (hedging off: p99 ${ms(unhedged.p99)}, ${pct(unhedged.amplification - 1)} extra)` : ''}`,
      met: hedged.p99 < 300 && extra <= 0.05,
    });
  }

  // Memory: heap used after a forced full GC, end of the soak minus its start (RSS is reported, not judged: it
  // measures the allocator and swings by 100 MB between samples with no leak at all).
  if (soak && typeof soak.heapGrowthMb === 'number') {
    rows.push({
      id: 'heap-growth',
      target: `heap used after a forced GC grows < ${HEAP_GROWTH_LIMIT_MB} MB over the soak (the issue's size: 100,000 requests)`,
      measured: `${round(soak.heapGrowthMb, 2)} MB over ${soak.requests} requests (${soak.heapAfterGcStartMb} -> ${soak.heapAfterGcEndMb} MB)${soak.requests < 100_000 ? "; a SHORTER soak than the issue's" : ''}${soak.saturated === true ? '; soak SATURATED: no verdict' : ''}`,
      // Too few requests (the smoke) or an overloaded soak (its backlog is live memory): no verdict.
      met: soak.saturated === true || soak.requests < 10_000 ? null : soak.heapGrowthMb < HEAP_GROWTH_LIMIT_MB,
    });
  }
  rows.push(...sharedStateTargets(results.sharedState));
  return rows;
}

/**
 * Issue 11: the shared limiter adds a fraction of a millisecond (the plugin's own decision-time histogram, Redis
 * against local in the same run), and a fleet on a shared budget stays within it.
 * @param {Record<string, any> | undefined} shared
 * @returns {TargetRow[]}
 */
function sharedStateTargets(shared) {
  /** @type {TargetRow[]} */
  const rows = [];
  const limiter = shared?.limiter;
  if (limiter?.redis?.acquire && limiter?.local?.acquire) {
    const redis = limiter.redis.acquire;
    const local = limiter.local.acquire;
    const addedP50 = redis.p50Ms - local.p50Ms;
    const addedP99 = redis.p99Ms - local.p99Ms;
    // Fewer decisions than this and a p99 is one or two samples: no verdict (the smoke).
    const enough = redis.decisions >= LIMITER_MIN_DECISIONS && local.decisions >= LIMITER_MIN_DECISIONS;
    const fallback =
      limiter.redis.fallbackDecisions > 0 ? `; ${limiter.redis.fallbackDecisions} decisions FELL BACK to local` : '';
    rows.push({
      id: 'limiter-redis-p99',
      target: `rate limiter with Redis: p99 decision time <= ${LIMITER_P99_ADDED_LIMIT_MS} ms more than the local limiter (button_rate_limit_acquire_seconds, interpolated)`,
      measured: `added p99 ${ms(addedP99)} (Redis ${ms(redis.p99Ms)}, local ${ms(local.p99Ms)}; ${redis.decisions} / ${local.decisions} decisions)${fallback}`,
      met: enough ? addedP99 <= LIMITER_P99_ADDED_LIMIT_MS && fallback === '' : null,
    });
    rows.push({
      id: 'limiter-redis-p50',
      target: `rate limiter with Redis: p50 decision time < ${LIMITER_P50_ADDED_LIMIT_MS} ms more than the local limiter`,
      measured: `added p50 ${ms(addedP50)} (Redis ${ms(redis.p50Ms)}, local ${ms(local.p50Ms)}); offers end to end: p50 ${ms(limiter.redis.p50 - limiter.local.p50)}, p99 ${ms(limiter.redis.p99 - limiter.local.p99)} (information)`,
      met: enough ? addedP50 < LIMITER_P50_ADDED_LIMIT_MS && fallback === '' : null,
    });
  }
  const budget = shared?.budget;
  if (budget) {
    rows.push({
      id: 'fleet-budget',
      target: `3 instances sharing ${budget.perMinute} calls/min, offered ${budget.rate} req/s: Button receives no more than the budget allows in the window (one-second burst + budget pro rata)`,
      measured:
        `${budget.buttonReceived} calls in ${round(budget.windowMs / 1000, 1)} s for ${budget.offered} requests (allowance ${budget.allowance}; per instance ${budget.allowedPerInstance.join(' / ')}; modes ${budget.modes.join(' / ')})` +
        (budget.fallbackDecisions > 0
          ? `; ${budget.fallbackDecisions} of the decisions were the fallback's (each instance on a third of the budget), not the shared bucket's`
          : '; every decision from the shared bucket'),
      met: budget.buttonReceived <= budget.allowance,
    });
  }
  return rows;
}

module.exports = { computeTargets };
