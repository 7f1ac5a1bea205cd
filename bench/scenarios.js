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
    // Item 2: a real network. A latency proxy (bench/children/latency-proxy.js) between a pooled and a naive
    // playground and the simulator (~100 ms ± 20 ms, Button's own time), one row pair per RTT.
    rtt: {
      rttsMs: (process.env.BENCH_RTTS_MS ?? '0,20,80')
        .split(',')
        .map(Number)
        .filter((value) => Number.isFinite(value) && value >= 0 && value <= 1_000),
      rate: s(Number(process.env.BENCH_RTT_RATE ?? 50), 20),
      durationMs: s(10_000, 1_000),
      warmupMs: s(3_000, 500),
      // First request after boot, warm-up on vs off: a fresh playground per sample, at the largest RTT only.
      firstRequest: { samples: s(3, 1), afterReadyMs: 1_000 },
    },
    // Item 3: the highest rate one process sustains with p99 < 250 ms (and >= 99% success), per route: rising
    // steps, stopping at the first that fails. Reported, not a target.
    maxRate: {
      stepsPerS: smoke ? [20, 40] : [50, 100, 150, 200, 250, 300, 400],
      stepMs: s(5_000, 1_000),
      pauseMs: s(2_000, 200),
      drainMs: s(5_000, 500),
      p99LimitMs: 250,
    },
    // Issue 11: instances sharing one Button budget through Redis (bench/shared-state.js). Simulator ~0 ms, so the
    // rows measure Strapi, the proxy and the limiter, not Button's time.
    sharedState: {
      // The cluster and fleet-budget rows boot 3 + 1 + 1 and then 3 more Strapi processes on PostgreSQL: ~80 s before
      // any load on the 2-core machine, too much for CI's smoke. The smoke runs the limiter row alone (two instances
      // on SQLite, booted side by side, ~25 s); BENCH_SMOKE_CLUSTER=1 puts the cluster rows back into it.
      clusterRows: !smoke || process.env.BENCH_SMOKE_CLUSTER === '1',
      // Every instance of the cluster and limiter rows: high enough that no request is refused (a 429 is not a cost).
      unlimitedPerMinute: 1_000_000,
      // Three instances behind the round-robin proxy vs one behind the same proxy, same offered rate, alternating
      // rounds. 40 req/s: under what one process sustains on the offers route with PostgreSQL on a busy 2-core
      // machine (60 saturated both sides at a load average of 7-10 from other work).
      cluster: {
        rate: s(Number(process.env.BENCH_CLUSTER_RATE ?? 40), 20),
        rounds: s(4, 2),
        roundMs: s(10_000, 1_000),
        warmupMs: s(3_000, 500),
      },
      // The limiter's own decision time (button_rate_limit_acquire_seconds) and the offers latency, Redis vs local.
      limiter: {
        rate: s(Number(process.env.BENCH_LIMITER_RATE ?? 40), 20),
        rounds: s(4, 2),
        roundMs: s(10_000, 1_000),
        warmupMs: s(3_000, 500),
      },
      // A reduced fleet budget, offered three times over for one short window through the proxy.
      budget: {
        perMinute: s(1_200, 600),
        rate: s(60, 30),
        durationMs: s(10_000, 2_000),
        warmupMs: s(3_000, 500), // on the trivial route: no Button call, the bucket stays full
        redisCommandTimeoutMs: 1_000, // the shared bucket is what this row checks, even on a slow host
      },
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
