#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * `npm run bench` (`-- --smoke` or BENCH_SMOKE=1 for a ~1 minute check of the harness). Starts the HTTPS
 * simulator and three playground processes (pooled, naive, hedged) in production mode, drives them at a fixed
 * rate, and writes bench/results/{latest.json, latest.md, latency.svg} (smoke: bench/results/smoke/).
 * Exits 0 whatever the numbers are: targets are reported, never asserted. Exits 1 only if the harness breaks.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { TEST_CA_PATH, latencyProfile } = require('../simulator');
const { startChild, stopAll, killAllNow } = require('./processes');
const { runLoad } = require('./load');
const { summarize, round } = require('./stats');
const { simulatorControl, scrapeBreakerState, scrapeTimeToOpen } = require('./control');
const {
  amplification,
  analyzeOutage,
  rssGrowthPer100k,
  isSaturated,
  cpuMsPerRequest,
  maxSustainedRate,
  median,
} = require('./analysis');
const { benchmarkPlan, PLAYGROUNDS, PROFILE_LABELS, OFFERS_PATH, PING_PATH } = require('./scenarios');
const { writeReport } = require('./report');
const { runSharedStateRows } = require('./shared-state');

const SIM_API_KEY = 'bench_button_api_key';
const started = Date.now();
const log = (/** @type {string} */ message) =>
  console.log(`[bench ${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${message}`);
const mb = (/** @type {number | undefined} */ kb) => (kb === undefined ? undefined : round(kb / 1024, 1));
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Playgrounds run with --expose-gc so the soak can read the heap after a forced collection (children/playground.js).
const PLAYGROUND_EXEC_ARGV = ['--expose-gc'];

async function main() {
  const smoke = process.argv.includes('--smoke') || process.env.BENCH_SMOKE === '1';
  // `--only shared-state` (or BENCH_ONLY=shared-state): only issue 11's rows.
  const onlyArg = process.argv.find((arg) => arg.startsWith('--only'));
  const only =
    (onlyArg === '--only' ? process.argv[process.argv.indexOf(onlyArg) + 1] : onlyArg?.split('=')[1]) ??
    process.env.BENCH_ONLY ??
    '';
  if (only !== '' && only !== 'shared-state') throw new Error(`--only: unknown section "${only}" (known: shared-state)`);
  const plan = benchmarkPlan({ smoke });
  // BENCH_OUT: a sub-folder of bench/results for a run with other settings (e.g. BENCH_RATE=50 BENCH_OUT=rate-50);
  // `--only <section>` writes to bench/results/<section>/ unless BENCH_OUT says otherwise.
  const outDir = path.join(__dirname, 'results', smoke ? 'smoke' : (process.env.BENCH_OUT ?? only).replace(/[^\w.-]/g, ''));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'button-bench-'));
  const ca = fs.readFileSync(TEST_CA_PATH, 'utf8');
  const loadAverageStart = os
    .loadavg()
    .map((v) => round(v, 2))
    .join(' / ');
  log(`${smoke ? 'SMOKE run' : 'full run'}; logs of the child processes in ${scratch}`);

  const sim = await startChild({
    name: 'simulator',
    entry: 'simulator',
    env: { BENCH_SIM_API_KEY: SIM_API_KEY, BENCH_SIM_PROFILE: 'zero' },
    logFile: path.join(scratch, 'simulator.log'),
  });
  const control = simulatorControl(sim.info.url, ca);
  log(`simulator up at ${sim.info.url} (pid ${sim.pid})`);

  const commonEnv = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    PLAYGROUND_SERVE_ADMIN: 'false',
    STRAPI_LOG_LEVEL: 'error', // request logs would be part of what is measured otherwise
    STRAPI_TELEMETRY_DISABLED: 'true',
    DATABASE_CLIENT: 'sqlite',
    BUTTON_API_KEY: SIM_API_KEY,
    BUTTON_API_BASE_URL: sim.info.url,
    BUTTON_API_CA_FILE: TEST_CA_PATH,
    // Resilience options (playground/config/plugins.js; a playground without them simply ignores these):
    BUTTON_RATE_LIMIT_PER_MINUTE: '1000000', // the local limiter must not throttle the benchmark's load
    BUTTON_BREAKER_HALF_OPEN_AFTER_MS: String(plan.halfOpenAfterMs),
    BUTTON_BREAKER_HALF_OPEN_PROBES: String(plan.halfOpenProbes),
  };
  const body = (/** @type {number} */ index) => JSON.stringify({ user_id: `bench-user-${index % 100}` });
  const sharedStateContext = { plan, scratch, commonEnv, control, body, log, execArgv: PLAYGROUND_EXEC_ARGV };
  if (only === 'shared-state') {
    // `--only shared-state`: issue 11's rows alone (cluster, limiter cost, fleet budget), a few minutes.
    const sharedState = await runSharedStateRows(sharedStateContext);
    const results = {
      meta: metaOf({ smoke, plan, loadAverageStart, only, metricsRoute: 'n/a' }),
      latency: [],
      faults: [],
      sharedState,
    };
    return finish(results, outDir, control);
  }

  log('booting the playgrounds (pooled, naive, hedged) in production mode...');
  const names = /** @type {Array<keyof typeof PLAYGROUNDS>} */ (Object.keys(PLAYGROUNDS));
  const booted = await Promise.all(
    names.map((name) =>
      startChild({
        name: `playground-${name}`,
        entry: 'playground',
        env: { ...commonEnv, ...PLAYGROUNDS[name], DATABASE_FILENAME: path.join(scratch, `${name}.db`) },
        logFile: path.join(scratch, `playground-${name}.log`),
        execArgv: PLAYGROUND_EXEC_ARGV,
      })
    )
  );
  const playgrounds = Object.fromEntries(names.map((name, i) => [name, booted[i]]));
  for (const child of booted)
    log(
      `${child.name} up at ${child.info.url} (pid ${child.pid}, RSS ${mb(child.rssKb())} MB, metrics ${child.info.metricsScrape ? 'scrapable' : 'not available'})`
    );

  /** @param {string} target a key of `playgrounds`, or 'simulator' @param {string} pathname */
  const loadTarget = (target, pathname) => {
    if (target === 'simulator') {
      return {
        process: sim,
        playground: false,
        options: {
          origin: sim.info.url,
          path: '/v1/offers',
          ca,
          headers: {
            authorization: `Basic ${Buffer.from(`${SIM_API_KEY}:`).toString('base64')}`,
            'content-type': 'application/json',
          },
        },
      };
    }
    const playground = playgrounds[target];
    return {
      process: playground,
      playground: true,
      options: {
        origin: playground.info.url,
        path: pathname,
        headers: { authorization: `Bearer ${playground.info.token}`, 'content-type': 'application/json' },
        readAttempts: pathname === OFFERS_PATH,
      },
    };
  };

  /**
   * One measured run: counters and RSS around it; `during` runs alongside the load (outage, polls, samples).
   * @param {ReturnType<typeof loadTarget>} target @param {number} durationMs @param {number} rate
   * @param {(t0: number) => Promise<void>} [during]
   */
  const measure = async (target, durationMs, rate, during = async () => undefined) => {
    const statsBefore = await control.stats();
    const rssBefore = target.process.rssKb();
    // CPU per request: the playground's own process.cpuUsage() around the row (IPC; not for the simulator).
    const cpuBefore = target.playground ? (await target.process.ask({ type: 'stats' })).cpu : undefined;
    const t0 = Date.now();
    const [load] = await Promise.all([runLoad({ ...target.options, body, rate, durationMs }), during(t0)]);
    const statsAfter = await control.stats();
    const rssAfter = target.process.rssKb();
    const cpuAfter = target.playground ? (await target.process.ask({ type: 'stats' })).cpu : undefined;
    const summary = summarize(load.records);
    const upstreamRequests = statsAfter.requestsReceived - statsBefore.requestsReceived;
    return {
      load,
      row: {
        ...summary,
        throughput: round(load.throughput, 1),
        upstreamConnections: statsAfter.connectionsAccepted - statsBefore.connectionsAccepted,
        upstreamRequests,
        upstreamPerRequest: amplification(upstreamRequests, summary.requests),
        // Did the target keep up with the offered rate? If not, its latency is queueing, not per-request cost.
        saturated: isSaturated(load.records),
        loadAverage1m: round(os.loadavg()[0], 2),
        rssBeforeMb: mb(rssBefore),
        rssAfterMb: mb(rssAfter),
        cpuMsPerRequest: cpuMsPerRequest(cpuBefore, cpuAfter, summary.requests),
      },
    };
  };
  const warmUp = (/** @type {ReturnType<typeof loadTarget>} */ target, rate = plan.rate, durationMs = plan.warmupMs) =>
    runLoad({ ...target.options, body, rate, durationMs });

  // 1. Latency: rows a-d at each simulator profile.
  const latency = [];
  for (const profile of plan.profiles) {
    await control.setFaults({ latency: latencyProfile(profile) });
    for (const row of plan.latencyRows) {
      const target = loadTarget(row.target, row.path);
      const durationMs = row.durationMs[profile];
      log(`${PROFILE_LABELS[profile]} | ${row.label}: warm-up, then ${durationMs / 1000} s at ${plan.rate} req/s`);
      await warmUp(target);
      const { row: result } = await measure(target, durationMs, plan.rate);
      latency.push({ id: row.id, profile, label: row.label, target: row.target, rate: plan.rate, durationMs, ...result });
      log(
        `  p50 ${result.p50} ms, p99 ${result.p99} ms, ok ${result.ok}/${result.requests}, upstream conns ${result.upstreamConnections}, upstream/req ${result.upstreamPerRequest}${result.saturated ? ', SATURATED' : ''}${result.cpuMsPerRequest === undefined ? '' : `, CPU ${result.cpuMsPerRequest} ms/req`}, load ${result.loadAverage1m}`
      );
    }
  }

  // 1b. The highest rate one process sustains (p99 < limit), per route, simulator ~0 ms: rising steps, stop at the
  // first failure. The pooled playground is warm from the rows above.
  await control.setFaults({ latency: latencyProfile('zero') });
  /** @type {Array<{ route: string, path: string, steps: Array<Record<string, unknown>>, maxRate: number | undefined }>} */
  const maxRate = [];
  for (const [route, pathname] of [
    ['offers endpoint (b)', OFFERS_PATH],
    ['trivial route (c)', PING_PATH],
  ]) {
    const target = loadTarget('pooled', pathname);
    /** @type {Array<{ rate: number, p99: number, successRate: number, [key: string]: unknown }>} */
    const steps = [];
    for (const rate of plan.maxRate.stepsPerS) {
      const { row } = await measure(target, plan.maxRate.stepMs, rate);
      steps.push({
        rate,
        p50: row.p50,
        p99: row.p99,
        successRate: row.successRate,
        throughput: row.throughput,
        cpuMsPerRequest: row.cpuMsPerRequest,
      });
      log(
        `max rate | ${route} at ${rate} req/s: p99 ${row.p99} ms, ok ${row.ok}/${row.requests}, CPU ${row.cpuMsPerRequest} ms/req`
      );
      await sleep(plan.maxRate.pauseMs); // let a backlog drain before the next step
      if (maxSustainedRate(steps, plan.maxRate.p99LimitMs) !== rate) {
        await sleep(plan.maxRate.drainMs); // a failed step leaves a backlog: drain it before the next route
        break;
      }
    }
    maxRate.push({ route, path: pathname, steps, maxRate: maxSustainedRate(steps, plan.maxRate.p99LimitMs) });
  }
  await playgrounds.naive.stop(); // done with it: one less process on the two cores

  // 2. Faults.
  const faults = [];
  for (const scenario of plan.faults) {
    const target = loadTarget(scenario.target, OFFERS_PATH);
    const latencySetting = latencyProfile(scenario.profile);
    await control.setFaults({ latency: latencySetting });
    log(`fault | ${scenario.label}: warm-up, then ${scenario.durationMs / 1000} s at ${plan.rate} req/s`);
    await warmUp(target);
    await control.setFaults({ latency: latencySetting, rules: scenario.rules, seed: 42 });
    /** @type {Array<{ offsetMs: number, state: number | 'n/a' }>} */
    const breakerTimeline = [];
    let outageStartMs = NaN;
    const during = async (/** @type {number} */ t0) => {
      const polls = [];
      const stopAt = t0 + scenario.durationMs;
      if (scenario.outage) {
        const { atMs, ms } = scenario.outage;
        polls.push(
          sleep(atMs).then(async () => {
            const asked = Date.now();
            await control.outage(ms);
            outageStartMs = asked - t0;
            log(`  simulator down for ${ms / 1000} s`);
          })
        );
      }
      if (target.process.info.metricsScrape) {
        polls.push(
          (async () => {
            while (Date.now() < stopAt) {
              breakerTimeline.push({
                offsetMs: Date.now() - t0,
                state: await scrapeBreakerState(target.process.info.url, target.process.info.token),
              });
              await sleep(250);
            }
          })()
        );
      }
      await Promise.all(polls);
    };
    const { load, row } = await measure(target, scenario.durationMs, plan.rate, during);
    await control.setFaults({ latency: latencySetting });
    const result = {
      id: scenario.id,
      label: scenario.label,
      target: scenario.target,
      rate: plan.rate,
      durationMs: scenario.durationMs,
      ...row,
      amplification: row.upstreamPerRequest,
      breakerStates: breakerTimeline.length > 0 ? [...new Set(breakerTimeline.map((point) => point.state))] : ['n/a'],
    };
    if (scenario.outage) {
      const trip = target.process.info.metricsScrape
        ? await scrapeTimeToOpen(target.process.info.url, target.process.info.token)
        : undefined;
      Object.assign(result, {
        outageMs: scenario.outage.ms,
        outageStartMs: round(outageStartMs, 0),
        outage: {
          ...analyzeOutage(load.records, {
            startMs: outageStartMs,
            backMs: outageStartMs + scenario.outage.ms,
            halfOpenAfterMs: plan.halfOpenAfterMs,
            breakerTimeline,
          }),
          timeToOpenMs: trip === undefined ? undefined : round(trip.timeToOpenMs, 1),
          openReason: trip?.reason,
        },
      });
    }
    faults.push(result);
    log(`  success ${round(result.successRate * 100, 2)}%, p99 ${result.p99} ms, upstream/req ${result.amplification}`);
  }
  await playgrounds.hedged.stop();

  // 3. Soak: RSS and connections over many requests, ~0 ms upstream, on a FRESH pooled playground: the first one
  // went through every fault (and possibly overload), which would otherwise decide its RSS and its pool's state.
  await playgrounds.pooled.stop();
  await control.setFaults({ latency: latencyProfile('zero') });
  playgrounds.soak = await startChild({
    name: 'playground-soak',
    entry: 'playground',
    env: { ...commonEnv, ...PLAYGROUNDS.pooled, DATABASE_FILENAME: path.join(scratch, 'soak.db') },
    logFile: path.join(scratch, 'playground-soak.log'),
    execArgv: PLAYGROUND_EXEC_ARGV,
  });
  log(`playground-soak up at ${playgrounds.soak.info.url} (pid ${playgrounds.soak.pid})`);
  const soakTarget = loadTarget('soak', OFFERS_PATH);
  const soakDurationMs = (plan.soak.requests / plan.soak.rate) * 1000;
  log(`soak: warm-up, then ${plan.soak.requests} requests at ${plan.soak.rate} req/s (~${Math.round(soakDurationMs / 1000)} s)`);
  await warmUp(soakTarget, plan.soak.rate, plan.soak.warmupMs);
  /** @type {Array<{ atS: number, mb: number | undefined }>} */
  const rssSamples = [];
  const sampleRss = async (/** @type {number} */ t0) => {
    while (Date.now() - t0 < soakDurationMs) {
      rssSamples.push({ atS: round((Date.now() - t0) / 1000, 0), mb: mb(soakTarget.process.rssKb()) });
      await sleep(plan.soak.rssSampleEveryMs);
    }
  };
  // Heap used after a forced full GC, after the warm-up and after the soak: live objects, what a leak grows.
  const heapStart = await soakTarget.process.ask({ type: 'stats', gc: true });
  const soakRun = await measure(soakTarget, soakDurationMs, plan.soak.rate, sampleRss);
  const heapEnd = await soakTarget.process.ask({ type: 'stats', gc: true });
  const heapMb = (/** @type {Record<string, any>} */ reply) =>
    typeof reply.heapUsedAfterGc === 'number' ? round(reply.heapUsedAfterGc / 1024 / 1024, 2) : undefined;
  const soak = {
    rate: plan.soak.rate,
    ...soakRun.row,
    poolSize: plan.poolSize,
    rssGrowthMb:
      soakRun.row.rssAfterMb !== undefined && soakRun.row.rssBeforeMb !== undefined
        ? round(soakRun.row.rssAfterMb - soakRun.row.rssBeforeMb, 1)
        : undefined,
    rssSamples,
    rssGrowthPer100kMb: rssGrowthPer100k(rssSamples, plan.soak.rate),
    heapAfterGcStartMb: heapMb(heapStart),
    heapAfterGcEndMb: heapMb(heapEnd),
    heapGrowthMb:
      heapMb(heapStart) !== undefined && heapMb(heapEnd) !== undefined
        ? round(/** @type {number} */ (heapMb(heapEnd)) - /** @type {number} */ (heapMb(heapStart)), 2)
        : undefined,
  };
  log(
    `  success ${round(soak.successRate * 100, 2)}%, p99 ${soak.p99} ms, heap after GC ${soak.heapAfterGcStartMb} -> ${soak.heapAfterGcEndMb} MB, RSS ${soak.rssBeforeMb} -> ${soak.rssAfterMb} MB, upstream conns ${soak.upstreamConnections}`
  );

  await playgrounds.soak.stop();

  // 4. A real network: the latency proxy between the plugin and the simulator (~100 ms ± 20 ms of Button's time).
  await control.setFaults({ latency: latencyProfile('button') });
  const proxy = await startChild({
    name: 'latency-proxy',
    entry: 'latency-proxy',
    env: { BENCH_PROXY_TARGET_PORT: new URL(sim.info.url).port, BENCH_PROXY_RTT_MS: '0' },
    logFile: path.join(scratch, 'latency-proxy.log'),
  });
  log(`latency proxy up at ${proxy.info.url} (pid ${proxy.pid}) -> ${sim.info.url}`);
  const proxyEnv = { ...commonEnv, BUTTON_API_BASE_URL: proxy.info.url };
  const rttNames = /** @type {const} */ (['pooled', 'naive']);
  log('booting the playgrounds behind the proxy (pooled, naive)...');
  const rttBooted = await Promise.all(
    rttNames.map((name) =>
      startChild({
        name: `playground-${name}-rtt`,
        entry: 'playground',
        env: { ...proxyEnv, ...PLAYGROUNDS[name], DATABASE_FILENAME: path.join(scratch, `${name}-rtt.db`) },
        logFile: path.join(scratch, `playground-${name}-rtt.log`),
        execArgv: PLAYGROUND_EXEC_ARGV,
      })
    )
  );
  rttNames.forEach((name, i) => {
    playgrounds[`${name}-rtt`] = rttBooted[i];
  });
  const rtt = [];
  for (const rttMs of plan.rtt.rttsMs) {
    await proxy.ask({ type: 'set-rtt', ms: rttMs });
    for (const name of rttNames) {
      const target = loadTarget(`${name}-rtt`, OFFERS_PATH);
      log(`RTT ${rttMs} ms | offers endpoint, ${name}: warm-up, then ${plan.rtt.durationMs / 1000} s at ${plan.rtt.rate} req/s`);
      await runLoad({ ...target.options, body, rate: plan.rtt.rate, durationMs: plan.rtt.warmupMs });
      const proxyBefore = await proxy.ask({ type: 'stats' });
      const { row } = await measure(target, plan.rtt.durationMs, plan.rtt.rate);
      const proxyAfter = await proxy.ask({ type: 'stats' });
      rtt.push({
        rttMs,
        mode: name,
        rate: plan.rtt.rate,
        durationMs: plan.rtt.durationMs,
        ...row,
        // The simulator counts the proxy's connections; the proxy counts the plugin's: the same number.
        proxyConnections: proxyAfter.connectionsAccepted - proxyBefore.connectionsAccepted,
      });
      log(`  p50 ${row.p50} ms, p99 ${row.p99} ms, ok ${row.ok}/${row.requests}, connections ${row.upstreamConnections}`);
    }
  }
  await Promise.all(rttBooted.map((child) => child.stop()));

  // 4b. The first request after boot, warm-up on vs off, at the largest RTT: a fresh playground per sample (the
  // only honest "first"), sent `afterReadyMs` after it reported ready.
  const firstRtt = Math.max(...plan.rtt.rttsMs);
  await proxy.ask({ type: 'set-rtt', ms: firstRtt });
  /** @type {Array<{ warmup: boolean, sample: number, latencyMs: number, status: number, upstreamMs?: number, newConnections: number }>} */
  const firstRequest = [];
  for (let sample = 1; sample <= plan.rtt.firstRequest.samples; sample += 1) {
    for (const warmup of [true, false]) {
      const name = `first-${warmup ? 'warm' : 'cold'}-${sample}`;
      const child = await startChild({
        name: `playground-${name}`,
        entry: 'playground',
        env: {
          ...proxyEnv,
          ...PLAYGROUNDS.pooled,
          BUTTON_POOL_WARMUP: String(warmup),
          DATABASE_FILENAME: path.join(scratch, `${name}.db`),
        },
        logFile: path.join(scratch, `playground-${name}.log`),
        execArgv: PLAYGROUND_EXEC_ARGV,
      });
      playgrounds[name] = child;
      await sleep(plan.rtt.firstRequest.afterReadyMs);
      const proxyBefore = await proxy.ask({ type: 'stats' });
      const { records } = await runLoad({ ...loadTarget(name, OFFERS_PATH).options, body, rate: 1, durationMs: 1_000 });
      const [record] = records;
      // 0 when the request found a warm connection; 1 when it had to open one (TCP + TLS on its own time).
      const newConnections = (await proxy.ask({ type: 'stats' })).connectionsAccepted - proxyBefore.connectionsAccepted;
      firstRequest.push({
        warmup,
        sample,
        latencyMs: round(record.latencyMs, 2),
        status: record.status,
        upstreamMs: record.upstreamMs,
        newConnections,
      });
      log(
        `first request after boot, RTT ${firstRtt} ms, warm-up ${warmup ? 'on ' : 'off'} (#${sample}): ${round(record.latencyMs, 1)} ms (${record.status}), plugin upstream ${record.upstreamMs ?? 'n/a'} ms, new upstream connections ${newConnections}`
      );
      await child.stop();
    }
  }
  await proxy.stop();
  // 5. Issue 11: several instances sharing one Button budget through Redis (bench/shared-state.js).
  const sharedState = await runSharedStateRows(sharedStateContext);
  const firstSummary = (/** @type {boolean} */ warmup) => {
    const samples = firstRequest.filter((r) => r.warmup === warmup && r.status >= 200 && r.status < 300);
    return samples.length === 0 ? undefined : round(median(samples.map((r) => r.latencyMs)), 2);
  };

  const results = {
    meta: metaOf({
      smoke,
      plan,
      loadAverageStart,
      only,
      metricsRoute: playgrounds.pooled.info.metricsScrape ? 'available' : 'not available (breaker state n/a)',
    }),
    latency,
    faults,
    soak,
    maxRate,
    rtt,
    firstRequest: {
      rttMs: firstRtt,
      afterReadyMs: plan.rtt.firstRequest.afterReadyMs,
      samples: firstRequest,
      warmMedianMs: firstSummary(true),
      coldMedianMs: firstSummary(false),
    },
    sharedState,
  };
  await finish(results, outDir, control);
  return scratch;

  /**
   * Writes the report, closes the simulator control and logs every target.
   * @param {Parameters<typeof writeReport>[0]} results @param {string} dir @param {typeof control} simulator
   */
  async function finish(results, dir, simulator) {
    const { targets, files } = writeReport(results, dir);
    await simulator.close();
    log(`wrote ${files.map((file) => path.relative(process.cwd(), file)).join(', ')}`);
    for (const target of targets)
      log(
        `target ${target.met === null ? 'not measured' : target.met ? 'met   ' : 'MISSED'} | ${target.target}: ${target.measured}`
      );
    return scratch;
  }
}

/**
 * The run's description for the report.
 * @param {{ smoke: boolean, plan: ReturnType<typeof benchmarkPlan>, loadAverageStart: string, only: string, metricsRoute: string }} options
 */
function metaOf({ smoke, plan, loadAverageStart, only, metricsRoute }) {
  return {
    smoke,
    only: only === '' ? undefined : only,
    date: new Date(started).toISOString(),
    commit: gitCommit(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadAverageStart,
    loadAverageEnd: os
      .loadavg()
      .map((v) => round(v, 2))
      .join(' / '),
    durationS: round((Date.now() - started) / 1000, 0),
    rate: plan.rate,
    warmupMs: plan.warmupMs,
    profiles: only === '' ? plan.profiles : [],
    profileLabels: PROFILE_LABELS,
    poolSize: plan.poolSize,
    halfOpenAfterMs: plan.halfOpenAfterMs,
    halfOpenProbes: plan.halfOpenProbes,
    metricsRoute,
    loadGenerator: 'open-loop fixed rate (bench/load.js, undici), latency from due time',
    maxRateP99LimitMs: plan.maxRate.p99LimitMs,
  };
}

function gitCommit() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'playground', 'simulator', 'bench/*.js'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${sha}+changes` : sha;
  } catch {
    return 'unknown';
  }
}

process.on('exit', killAllNow);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    console.error(`[bench] ${signal}: stopping the child processes`);
    stopAll().finally(() => process.exit(130));
  });
}

main()
  .then(async (scratch) => {
    await stopAll();
    fs.rmSync(scratch, { recursive: true, force: true });
    process.exit(0);
  })
  .catch(async (error) => {
    console.error('[bench] the harness failed:', error);
    await stopAll();
    process.exit(1);
  });
