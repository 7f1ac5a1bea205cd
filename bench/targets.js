// @ts-check
'use strict';

/**
 * The issue's targets, computed from a results object. Pure: the report and the tests call it.
 * `met` is true, false, or null when the value could not be measured in this run (then `measured` says why).
 */

const { round } = require('./stats');

/**
 * @typedef {{ id: string, profile: string, p50: number, p90: number, p99: number, max: number, requests: number,
 *   successRate: number, upstreamConnections?: number, upstreamPerRequest?: number, [key: string]: unknown }} LatencyResult
 * @typedef {{ id: string, p99: number, successRate: number, requests: number, amplification: number,
 *   outage?: ReturnType<typeof import('./analysis').analyzeOutage>, [key: string]: unknown }} FaultResult
 * @typedef {{ requests: number, rssGrowthMb?: number, rssGrowthPer100kMb?: number, upstreamConnections?: number, poolSize: number,
 *   [key: string]: unknown }} SoakResult
 * @typedef {{ latency: LatencyResult[], faults: FaultResult[], soak?: SoakResult,
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
        target: `plugin overhead p50, ${profile}: p50(b) - (p50(a) + p50(c)) <= 2 ms`,
        measured: `${ms(p50)} (b ${ms(b.p50)}, a ${ms(a.p50)}, c ${ms(c.p50)})${caveat}`,
        met: p50 <= 2,
      });
      rows.push({
        id: `overhead-p99-${profile}`,
        target: `plugin overhead p99, ${profile}: p99(b) - (p99(a) + p99(c)) <= 10 ms`,
        measured: `${ms(p99)} (b ${ms(b.p99)}, a ${ms(a.p99)}, c ${ms(c.p99)})${caveat}`,
        met: p99 <= 10,
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
    rows.push({
      id: 'outage-fast-failures',
      target: 'outage, breaker open: fast failures p99 < 5 ms',
      measured: opened
        ? `${outage.fastFailures} fast failures, p99 ${ms(outage.fastFailureP99)}`
        : `no fast failure seen (breaker never opened); failures p99 ${ms(outage.during.p99)}`,
      met: opened ? (outage.fastFailureP99 ?? Infinity) < 5 : false,
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

  if (soak && soak.rssGrowthMb !== undefined) {
    const full = soak.requests >= 100_000;
    const slope = typeof soak.rssGrowthPer100kMb === 'number' ? soak.rssGrowthPer100kMb : undefined;
    rows.push({
      id: 'rss-growth',
      target: 'RSS growth over 100,000 requests < 30 MB',
      measured: full
        ? `${round(soak.rssGrowthMb, 1)} MB over ${soak.requests} requests`
        : `${round(soak.rssGrowthMb, 1)} MB over ${soak.requests} requests; EXTRAPOLATED to 100,000 from the RSS slope: ${slope ?? 'n/a'} MB${soak.saturated === true ? ' (soak SATURATED: no verdict)' : ''}`,
      // An overloaded soak measures its backlog, not a leak: no verdict then.
      met:
        soak.saturated === true
          ? null
          : full
            ? soak.rssGrowthMb < 30
            : soak.requests >= 10_000 && slope !== undefined
              ? slope < 30
              : null,
    });
  }
  return rows;
}

module.exports = { computeTargets };
