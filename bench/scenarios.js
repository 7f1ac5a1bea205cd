// @ts-check
'use strict';

/**
 * The scenario table: what runs, against what, for how long. Everything else (processes, load, report) reads it.
 * Durations are chosen so a full run stays near 12 minutes on the 2-core benchmark machine; `smoke` shrinks every
 * scenario to about a second so CI can check the harness still works.
 */

const OFFERS_PATH = '/api/button-personalization/offers';
const PING_PATH = '/api/ping';
const POOL_SIZE = 16; // the plugin's default pool.connections (server/src/config/schema.ts)
const HALF_OPEN_AFTER_MS = 5_000; // BUTTON_BREAKER_HALF_OPEN_AFTER_MS (the plugin's default), passed explicitly so the report knows it
const HALF_OPEN_PROBES = 3; // BUTTON_BREAKER_HALF_OPEN_PROBES (the plugin's default): calls let through per half-open period

/**
 * @typedef {'simulator' | 'pooled' | 'naive' | 'hedged'} TargetName
 * @typedef {'zero' | 'button'} ProfileName
 * @typedef {{ id: 'a' | 'b' | 'c' | 'd', label: string, target: TargetName, path: string, durationMs: Record<ProfileName, number> }} LatencyRow
 * @typedef {{
 *   id: string, label: string, target: TargetName, profile: ProfileName, durationMs: number,
 *   rules: import('../simulator/faults').FaultRule[],
 *   outage?: { atMs: number, ms: number },
 * }} FaultScenario
 */

/** @type {Record<ProfileName, string>} */
const PROFILE_LABELS = { zero: 'simulator ~0 ms', button: 'simulator ~100 ms ± 20 ms' };

/** Playground processes and the environment that makes each one what it is (on top of the common one). */
const PLAYGROUNDS = /** @type {const} */ ({
  pooled: { BUTTON_HEDGE_ENABLED: 'false' },
  naive: { BUTTON_POOL_KEEP_ALIVE: 'false', BUTTON_HEDGE_ENABLED: 'false' },
  hedged: { BUTTON_HEDGE_ENABLED: 'true' },
});

/**
 * @param {{ smoke: boolean }} options
 */
function benchmarkPlan({ smoke }) {
  const s = (/** @type {number} */ full, /** @type {number} */ small) => (smoke ? small : full);
  /** @type {LatencyRow[]} */
  const latencyRows = [
    {
      id: 'a',
      label: '(a) direct: generator -> simulator',
      target: 'simulator',
      path: '/v1/offers',
      durationMs: { zero: s(10_000, 1_000), button: s(10_000, 1_000) },
    },
    {
      id: 'c',
      label: '(c) Strapi floor: trivial content-API route',
      target: 'pooled',
      path: PING_PATH,
      durationMs: { zero: s(10_000, 1_000), button: s(10_000, 1_000) },
    },
    {
      id: 'b',
      label: '(b) plugin: offers endpoint, pooled',
      target: 'pooled',
      path: OFFERS_PATH,
      durationMs: { zero: s(20_000, 1_000), button: s(20_000, 1_000) },
    },
    {
      id: 'd',
      label: '(d) naive: offers endpoint, new TCP+TLS per call',
      target: 'naive',
      path: OFFERS_PATH,
      durationMs: { zero: s(10_000, 1_000), button: s(15_000, 1_000) },
    },
  ];
  /** @type {FaultScenario[]} */
  const faults = [
    {
      id: 'errors-503',
      label: '10% upstream 503s',
      target: 'pooled',
      profile: 'button',
      durationMs: s(30_000, 1_500),
      rules: [{ kind: 'status', status: 503, probability: 0.1 }],
    },
    {
      id: 'stalls',
      label: '2% two-second stalls, hedging off',
      target: 'pooled',
      profile: 'button',
      durationMs: s(30_000, 1_500),
      rules: [{ kind: 'delay', delayMs: 2_000, probability: 0.02 }],
    },
    {
      id: 'stalls-hedged',
      label: '2% two-second stalls, hedging on',
      target: 'hedged',
      profile: 'button',
      durationMs: s(30_000, 1_500),
      rules: [{ kind: 'delay', delayMs: 2_000, probability: 0.02 }],
    },
    {
      id: 'outage',
      label: 'full outage, then recovery',
      target: 'pooled',
      profile: 'button',
      durationMs: s(30_000, 2_500),
      rules: [],
      outage: smoke ? { atMs: 500, ms: 1_000 } : { atMs: 5_000, ms: 10_000 },
    },
  ];
  return {
    smoke,
    // Client requests per second for every latency and fault scenario: the 100 unless BENCH_RATE says otherwise.
    rate: s(Number(process.env.BENCH_RATE ?? 100), 20),
    warmupMs: s(3_000, 500),
    profiles: /** @type {ProfileName[]} */ (['zero', 'button']),
    latencyRows,
    faults,
    soak: {
      // The offers route costs Strapi's single thread ~5-10 ms of CPU per request on the 2-core benchmark machine, so
      // it sustains ~75-150 req/s depending on what else runs; 60 req/s stays below that (bench/README.md). At that
      // rate 100,000 requests take 28 minutes, so the default run soaks 30,000 (~8 min) and extrapolates the RSS
      // slope; BENCH_SOAK_REQUESTS=100000 measures the number directly.
      rate: s(Number(process.env.BENCH_SOAK_RATE ?? 60), 50),
      requests: s(Number(process.env.BENCH_SOAK_REQUESTS ?? 30_000), 100),
      rssSampleEveryMs: s(10_000, 500),
      warmupMs: s(10_000, 500), // a freshly booted process: JIT and caches need longer than the latency rows' warm-up
    },
    poolSize: POOL_SIZE,
    halfOpenAfterMs: HALF_OPEN_AFTER_MS,
    halfOpenProbes: HALF_OPEN_PROBES,
  };
}

module.exports = {
  benchmarkPlan,
  PLAYGROUNDS,
  PROFILE_LABELS,
  OFFERS_PATH,
  PING_PATH,
  POOL_SIZE,
  HALF_OPEN_AFTER_MS,
  HALF_OPEN_PROBES,
};
