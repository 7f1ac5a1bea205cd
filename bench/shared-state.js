// @ts-check
'use strict';

/**
 * Issue 11's rows: Strapi instances sharing one Button budget through Redis.
 *
 * - cluster: three playgrounds on one scratch PostgreSQL database and one Redis key prefix, behind the round-robin
 *   proxy (bench/children/round-robin-proxy.js), against ONE playground (same database, Redis configured, its own
 *   prefix) behind the same proxy with a single upstream, at the same offered rate, in alternating rounds;
 * - limiter cost: one playground with Redis (the `single` one above) against one without (same database), called
 *   directly, in alternating rounds: the plugin's own `button_rate_limit_acquire_seconds` (delta of two scrapes,
 *   quantiles interpolated inside the buckets) and the end-to-end offers latency of each;
 * - fleet budget: three fresh playgrounds sharing a reduced budget (fresh prefix), offered more than it through the
 *   proxy for one short window: Button calls the simulator received against what the budget allows in that window.
 *
 * Redis at BENCH_REDIS_URL (default redis://127.0.0.1:6379) is shared with other work: every key this writes is
 * under a prefix unique to the run, deleted (SCAN + DEL of that prefix) at its end; nothing is flushed.
 * PostgreSQL at BENCH_PG_HOST / BENCH_PG_PORT / BENCH_PG_USER (default 127.0.0.1:5432, postgres, trust auth): a
 * scratch database created for the run and dropped at its end.
 */

const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { startChild } = require('./processes');
const { runLoad } = require('./load');
const { summarize, round } = require('./stats');
const { isSaturated } = require('./analysis');
const { scrapeMetrics } = require('./control');
const { parseHistogram, subtractHistogram, histogramQuantile, sumSamples, activeLabel, fleetAllowance } = require('./histogram');
const { OFFERS_PATH, PING_PATH, PLAYGROUNDS } = require('./scenarios');
const { latencyProfile } = require('../simulator');

const ACQUIRE = 'button_rate_limit_acquire_seconds';
const DECISIONS = 'button_rate_limit_decisions_total';

/**
 * @typedef {import('./processes').BenchChild} BenchChild
 * @typedef {import('./stats').RequestRecord} RequestRecord
 * @typedef {{
 *   plan: ReturnType<typeof import('./scenarios').benchmarkPlan>,
 *   scratch: string,
 *   commonEnv: Record<string, string>,
 *   control: ReturnType<typeof import('./control').simulatorControl>,
 *   body: (index: number) => string,
 *   log: (message: string) => void,
 *   execArgv: string[],
 * }} Context
 */

/** @param {string} url @returns {Promise<boolean>} */
function reachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** A scratch PostgreSQL database for the run (trust auth), and its drop. */
async function createScratchDatabase() {
  const { Client } = require('pg');
  const server = {
    host: process.env.BENCH_PG_HOST ?? '127.0.0.1',
    port: Number(process.env.BENCH_PG_PORT ?? 5432),
    user: process.env.BENCH_PG_USER ?? 'postgres',
  };
  const name = `button_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (/** @type {string} */ sql) => {
    const client = new Client({ ...server, database: 'postgres' });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  return {
    name,
    env: {
      DATABASE_CLIENT: 'postgres',
      DATABASE_HOST: server.host,
      DATABASE_PORT: String(server.port),
      DATABASE_NAME: name,
      DATABASE_USERNAME: server.user,
      DATABASE_PASSWORD: '',
      DATABASE_POOL_MIN: '0',
    },
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * Deletes the run's own keys (SCAN + DEL under its prefix; never a flush: the Redis is shared). The rate-limit
 * buckets expire by themselves, the seen-merchants registry does not.
 * @param {string} url @param {string} pattern
 */
async function deleteKeys(url, pattern) {
  const { Redis } = require('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** @param {BenchChild} child */
const metricsOf = async (child) => (await scrapeMetrics(child.info.url, child.info.token)) ?? '';

/** Button calls an instance let through (every call takes a decision first), whatever the source. */
const allowedCalls = (/** @type {string} */ text) => sumSamples(text, DECISIONS, { outcome: 'allowed' });
const refusedCalls = (/** @type {string} */ text) => sumSamples(text, DECISIONS, { outcome: 'refused' });
/** Decisions taken by the local share because Redis was down or slower than `redis.commandTimeoutMs`. */
const fallbackCalls = (/** @type {string} */ text) => sumSamples(text, DECISIONS, { source: 'fallback' });

/**
 * p50/p99 of a histogram delta, in ms, interpolated inside the buckets.
 * @param {import('./histogram').Histogram} delta
 */
function histogramSummary(delta) {
  const toMs = (/** @type {number} */ seconds) => (Number.isFinite(seconds) ? round(seconds * 1000, 4) : undefined);
  return {
    decisions: delta.count,
    p50Ms: toMs(histogramQuantile(0.5, delta.buckets)),
    p99Ms: toMs(histogramQuantile(0.99, delta.buckets)),
    meanMs: delta.count > 0 ? toMs(delta.sum / delta.count) : undefined,
    buckets: delta.buckets.map((bucket) => ({ le: Number.isFinite(bucket.le) ? bucket.le : '+Inf', count: bucket.count })),
  };
}

/** @param {RequestRecord[]} records @param {number} elapsedMs */
function rowOf(records, elapsedMs) {
  const summary = summarize(records);
  return {
    ...summary,
    throughput: round((records.filter((r) => r.status >= 200 && r.status < 300).length * 1000) / Math.max(1, elapsedMs), 1),
    saturated: isSaturated(records),
  };
}

/**
 * @param {Context} context
 * @returns {Promise<Record<string, any>>}
 */
async function runSharedStateRows(context) {
  const { plan, scratch, commonEnv, control, body, log, execArgv } = context;
  const settings = plan.sharedState;
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!(await reachable(redisUrl))) {
    log(`shared state: Redis is not reachable at ${redisUrl}: rows skipped`);
    return { skipped: `Redis not reachable at ${redisUrl}` };
  }
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  const prefix = (/** @type {string} */ part) => `button-bench:${runId}:${part}:`;
  // Without the cluster rows (the smoke), the limiter pair runs on SQLite files of their own and boots side by side.
  /** @type {{ name: string, env: Record<string, string>, drop(): Promise<void> } | undefined} */
  let database;
  if (settings.clusterRows) {
    try {
      database = await createScratchDatabase();
    } catch (error) {
      log(`shared state: cannot create a PostgreSQL database (${String(error)}): rows skipped`);
      return { skipped: `PostgreSQL unavailable: ${String(error)}` };
    }
  }
  log(
    `shared state: ${database ? `scratch PostgreSQL database ${database.name}` : 'SQLite (limiter row only)'}, Redis ${redisUrl}, key prefixes button-bench:${runId}:*`
  );
  /** @type {BenchChild[]} */
  const children = [];
  const boot = async (/** @type {string} */ name, /** @type {Record<string, string>} */ env) => {
    const child = await startChild({
      name,
      entry: 'playground',
      env: {
        ...commonEnv,
        ...PLAYGROUNDS.pooled,
        ...(database?.env ?? { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(scratch, `${name}.db`) }),
        ...env,
      },
      logFile: path.join(scratch, `${name}.log`),
      execArgv,
    });
    children.push(child);
    return child;
  };
  const proxyFor = async (/** @type {string} */ name, /** @type {BenchChild[]} */ upstreams) => {
    const child = await startChild({
      name,
      entry: 'round-robin-proxy',
      env: { BENCH_RR_UPSTREAMS: upstreams.map((u) => u.info.url).join(',') },
      logFile: path.join(scratch, `${name}.log`),
    });
    children.push(child);
    return child;
  };
  const stopAllOf = async () => {
    await Promise.all(children.splice(0).map((child) => child.stop()));
  };
  const unlimited = { BUTTON_RATE_LIMIT_PER_MINUTE: String(settings.unlimitedPerMinute) };
  const withRedis = (/** @type {string} */ part) => ({ BUTTON_REDIS_URL: redisUrl, BUTTON_REDIS_KEY_PREFIX: prefix(part) });
  /**
   * A proxy has no token of its own: it carries the token of an instance (`tokenOf`); the database is shared, so
   * every instance accepts it.
   * @param {BenchChild} child @param {BenchChild} [tokenOf]
   */
  const target = (child, tokenOf = child) => ({
    origin: child.info.url,
    path: OFFERS_PATH,
    headers: { authorization: `Bearer ${tokenOf.info.token}`, 'content-type': 'application/json' },
    readAttempts: true,
    body,
  });

  const started = Date.now();
  /** @type {Record<string, any>} */
  const result = {
    database: database
      ? 'PostgreSQL database (one scratch database per run)'
      : 'no shared database: the limiter pair on SQLite files of their own',
    redis: redisUrl.replace(/\/\/[^@]*@/, '//***@'),
  };
  try {
    await control.setFaults({ latency: latencyProfile('zero') });
    const bootStarted = Date.now();
    /** @type {BenchChild[]} */
    let cluster = [];
    let single;
    let local;
    if (settings.clusterRows) {
      // The first instance creates the schema and seeds the content alone; the others then boot side by side.
      log('shared state: booting cluster-1 (schema, seed), then cluster-2, cluster-3, single (Redis) and local (no Redis)...');
      const first = await boot('playground-cluster-1', { ...unlimited, ...withRedis('cluster') });
      const others = await Promise.all([
        boot('playground-cluster-2', { ...unlimited, ...withRedis('cluster') }),
        boot('playground-cluster-3', { ...unlimited, ...withRedis('cluster') }),
        boot('playground-single', { ...unlimited, ...withRedis('single') }),
        boot('playground-local', { ...unlimited }),
      ]);
      cluster = [first, others[0], others[1]];
      [, , single, local] = others;
    } else {
      log('shared state: booting single (Redis) and local (no Redis)...');
      [single, local] = await Promise.all([
        boot('playground-single', { ...unlimited, ...withRedis('single') }),
        boot('playground-local', { ...unlimited }),
      ]);
    }
    result.bootMs = Date.now() - bootStarted;
    log(`  up in ${round(result.bootMs / 1000, 1)} s`);
    const modes = await Promise.all(
      [...cluster, single, local].map(async (child) => activeLabel(await metricsOf(child), 'button_shared_state_mode', 'mode'))
    );
    result.modes = { cluster: modes.slice(0, cluster.length), single: modes[cluster.length], local: modes[cluster.length + 1] };
    if (settings.clusterRows) result.cluster = await clusterRow(cluster, single);
    result.limiter = await limiterRow(single, local);
    await stopAllOf();
    if (settings.clusterRows) result.budget = await budgetRow();
  } finally {
    await stopAllOf();
    await deleteKeys(redisUrl, `button-bench:${runId}:*`).catch((error) =>
      log(`shared state: could not delete the run's Redis keys: ${String(error)}`)
    );
    if (database) {
      const { name, drop } = database;
      await drop().catch((error) => log(`shared state: could not drop ${name}: ${String(error)}`));
    }
    result.durationS = round((Date.now() - started) / 1000, 0);
  }
  return result;

  /**
   * Three instances behind the round-robin proxy against one behind the same proxy, alternating rounds.
   * @param {BenchChild[]} cluster @param {BenchChild} single
   */
  async function clusterRow(cluster, single) {
    const [rr3, rr1] = await Promise.all([proxyFor('rr-proxy-cluster', cluster), proxyFor('rr-proxy-single', [single])]);
    const sides = {
      cluster: {
        proxy: rr3,
        instances: cluster,
        records: /** @type {RequestRecord[]} */ ([]),
        elapsedMs: 0,
        calls: [0, 0, 0],
        fallback: [0, 0, 0],
        upstream: 0,
      },
      single: {
        proxy: rr1,
        instances: [single],
        records: /** @type {RequestRecord[]} */ ([]),
        elapsedMs: 0,
        calls: [0],
        fallback: [0],
        upstream: 0,
      },
    };
    const c = settings.cluster;
    log(
      `cluster row: 3 instances vs 1, each behind the round-robin proxy, ${c.rate} req/s, ${c.rounds} alternating round(s) of ${c.roundMs / 1000} s each`
    );
    for (const side of Object.values(sides))
      await runLoad({ ...target(side.proxy, side.instances[0]), rate: c.rate, durationMs: c.warmupMs });
    for (let roundIndex = 0; roundIndex < c.rounds; roundIndex += 1) {
      const order = roundIndex % 2 === 0 ? [sides.cluster, sides.single] : [sides.single, sides.cluster];
      for (const side of order) {
        const before = await Promise.all(side.instances.map(metricsOf));
        const simBefore = await control.stats();
        const offset = side.records.length === 0 ? 0 : side.records[side.records.length - 1].offsetMs + 1000 / c.rate;
        const load = await runLoad({ ...target(side.proxy, side.instances[0]), rate: c.rate, durationMs: c.roundMs });
        const simAfter = await control.stats();
        const after = await Promise.all(side.instances.map(metricsOf));
        side.records.push(...load.records.map((r) => ({ ...r, offsetMs: r.offsetMs + offset })));
        side.elapsedMs += load.elapsedMs;
        side.upstream += simAfter.requestsReceived - simBefore.requestsReceived;
        side.instances.forEach((_, i) => {
          side.calls[i] += allowedCalls(after[i]) - allowedCalls(before[i]);
          side.fallback[i] += fallbackCalls(after[i]) - fallbackCalls(before[i]);
        });
      }
    }
    const row = {
      rate: c.rate,
      rounds: c.rounds,
      roundMs: c.roundMs,
      ...Object.fromEntries(
        Object.entries(sides).map(([name, side]) => [
          name,
          {
            instances: side.instances.length,
            ...rowOf(side.records, side.elapsedMs),
            buttonCallsPerInstance: side.calls,
            fallbackDecisionsPerInstance: side.fallback,
            simulatorRequests: side.upstream,
            loadAverage1m: round(os.loadavg()[0], 2),
          },
        ])
      ),
    };
    for (const [name, side] of Object.entries(row).filter(([, v]) => typeof v === 'object')) {
      const r = /** @type {Record<string, any>} */ (/** @type {unknown} */ (side));
      log(
        `  ${name}: ${r.throughput} req/s of ${c.rate}, p50 ${r.p50} ms, p99 ${r.p99} ms, ok ${r.ok}/${r.requests}, Button calls per instance ${r.buttonCallsPerInstance.join(' / ')} (simulator ${r.simulatorRequests})${r.saturated ? ', SATURATED' : ''}`
      );
    }
    await Promise.all([rr3.stop(), rr1.stop(), cluster[1].stop(), cluster[2].stop()]);
    return row;
  }

  /**
   * The same instance type with Redis (`single`) and without (`local`), called directly, alternating rounds.
   * @param {BenchChild} single @param {BenchChild} local
   */
  async function limiterRow(single, local) {
    const l = settings.limiter;
    log(`limiter cost row: Redis vs local, ${l.rate} req/s, ${l.rounds} alternating round(s) of ${l.roundMs / 1000} s each`);
    const limiterSides = {
      redis: {
        child: single,
        source: 'shared',
        records: /** @type {RequestRecord[]} */ ([]),
        elapsedMs: 0,
        delta: undefined,
        fallback: 0,
      },
      local: {
        child: local,
        source: 'local',
        records: /** @type {RequestRecord[]} */ ([]),
        elapsedMs: 0,
        delta: undefined,
        fallback: 0,
      },
    };
    for (const side of Object.values(limiterSides))
      await runLoad({ ...target(side.child), rate: l.rate, durationMs: l.warmupMs });
    /** @type {Record<string, string>} */
    const firstScrape = {};
    for (const [name, side] of Object.entries(limiterSides)) firstScrape[name] = await metricsOf(side.child);
    for (let roundIndex = 0; roundIndex < l.rounds; roundIndex += 1) {
      const order = roundIndex % 2 === 0 ? [limiterSides.redis, limiterSides.local] : [limiterSides.local, limiterSides.redis];
      for (const side of order) {
        const offset = side.records.length === 0 ? 0 : side.records[side.records.length - 1].offsetMs + 1000 / l.rate;
        const load = await runLoad({ ...target(side.child), rate: l.rate, durationMs: l.roundMs });
        side.records.push(...load.records.map((r) => ({ ...r, offsetMs: r.offsetMs + offset })));
        side.elapsedMs += load.elapsedMs;
      }
    }
    /** @type {Record<string, any>} */
    const limiter = {
      rate: l.rate,
      rounds: l.rounds,
      roundMs: l.roundMs,
      estimate: 'linear interpolation inside the histogram buckets',
    };
    for (const [name, side] of Object.entries(limiterSides)) {
      const text = await metricsOf(side.child);
      // Every decision the instance took (what its requests paid: with Redis, shared ones and any that fell back
      // after the command timeout), and the ones of its own source alone (the Redis round trips).
      const deltaOf = (/** @type {Record<string, string>} */ want) =>
        subtractHistogram(parseHistogram(firstScrape[name], ACQUIRE, want), parseHistogram(text, ACQUIRE, want));
      limiter[name] = {
        source: side.source,
        acquire: histogramSummary(deltaOf({})),
        acquireOwnSource: histogramSummary(deltaOf({ source: side.source })),
        fallbackDecisions: fallbackCalls(text) - fallbackCalls(firstScrape[name]),
        ...rowOf(side.records, side.elapsedMs),
        loadAverage1m: round(os.loadavg()[0], 2),
      };
      const row = limiter[name];
      log(
        `  ${name}: limiter p50 ${row.acquire.p50Ms} ms, p99 ${row.acquire.p99Ms} ms over ${row.acquire.decisions} decisions (${row.fallbackDecisions} by the fallback; source ${side.source} alone: p50 ${row.acquireOwnSource.p50Ms} ms, p99 ${row.acquireOwnSource.p99Ms} ms); offers p50 ${row.p50} ms, p99 ${row.p99} ms, ok ${row.ok}/${row.requests}${row.saturated ? ', SATURATED' : ''}`
      );
    }
    return limiter;
  }

  /** Three fresh instances on a reduced budget (a fresh prefix: a full bucket), offered more than it. */
  async function budgetRow() {
    const b = settings.budget;
    log(`fleet budget: booting 3 instances with BUTTON_RATE_LIMIT_PER_MINUTE=${b.perMinute} (one shared bucket)...`);
    // Three instances: each one's share while Redis is unreachable or slow is a third of the budget (what a fleet of
    // three should configure), so the fleet keeps to the budget in fallback too; the report says which mode served.
    // This row checks the shared bucket, so a slow host must not send the instances to their fallback share: the
    // Redis command timeout is raised from the plugin's 50 ms to 1 s here (the limiter row keeps the default).
    const budgetEnv = {
      BUTTON_RATE_LIMIT_PER_MINUTE: String(b.perMinute),
      BUTTON_RATE_LIMIT_EXPECTED_INSTANCES: '3',
      BUTTON_REDIS_COMMAND_TIMEOUT_MS: String(b.redisCommandTimeoutMs),
      ...withRedis('budget'),
    };
    const fleet = await Promise.all([1, 2, 3].map((i) => boot(`playground-budget-${i}`, budgetEnv)));
    const rr = await proxyFor('rr-proxy-budget', fleet);
    // Warm the fresh processes on the trivial route first: it never calls Button, so the bucket stays full.
    await runLoad({ ...target(rr, fleet[0]), path: PING_PATH, readAttempts: false, rate: b.rate, durationMs: b.warmupMs });
    const before = await Promise.all(fleet.map(metricsOf));
    const simBefore = await control.stats();
    log(
      `  ${b.rate} req/s for ${b.durationMs / 1000} s through the proxy (budget ${round((b.perMinute / 60) * (b.durationMs / 1000), 0)} calls pro rata)`
    );
    const load = await runLoad({ ...target(rr, fleet[0]), rate: b.rate, durationMs: b.durationMs });
    const simAfter = await control.stats();
    const after = await Promise.all(fleet.map(metricsOf));
    const received = simAfter.requestsReceived - simBefore.requestsReceived;
    const summary = summarize(load.records);
    const budget = {
      perMinute: b.perMinute,
      rate: b.rate,
      durationMs: b.durationMs,
      windowMs: round(load.elapsedMs, 0),
      offered: summary.requests,
      statusCounts: summary.statusCounts,
      buttonReceived: received,
      allowedPerInstance: fleet.map((_, i) => allowedCalls(after[i]) - allowedCalls(before[i])),
      refusedPerInstance: fleet.map((_, i) => refusedCalls(after[i]) - refusedCalls(before[i])),
      loadAverage1m: round(os.loadavg()[0], 2),
      fallbackDecisions: fleet.reduce(
        (total, _, i) =>
          total +
          sumSamples(after[i], DECISIONS, { source: 'fallback' }) -
          sumSamples(before[i], DECISIONS, { source: 'fallback' }),
        0
      ),
      allowance: fleetAllowance(b.perMinute, load.elapsedMs),
      proRata: round((b.perMinute * load.elapsedMs) / 60_000, 1),
      modes: fleet.map((_, i) => activeLabel(after[i], 'button_shared_state_mode', 'mode')),
    };
    log(
      `  Button received ${received} calls for ${summary.requests} requests in ${round(load.elapsedMs / 1000, 1)} s (allowance ${budget.allowance}: burst + budget pro rata); per instance ${budget.allowedPerInstance.join(' / ')}; statuses ${JSON.stringify(summary.statusCounts)}`
    );
    await stopAllOf();
    return budget;
  }
}

module.exports = { runSharedStateRows, histogramSummary };
