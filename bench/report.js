// @ts-check
'use strict';

/**
 * Markdown and JSON from a results object. Pure except `writeReport`, which writes the three files.
 */

const fs = require('node:fs');
const path = require('node:path');
const { computeTargets } = require('./targets');
const { renderLatencyChart } = require('./chart');
const { round } = require('./stats');

/** @typedef {import('./targets').Results & { meta: Record<string, any> }} Results */

const num = (/** @type {unknown} */ value, digits = 1) =>
  typeof value === 'number' && Number.isFinite(value) ? String(round(value, digits)) : 'n/a';
const pct = (/** @type {unknown} */ value) =>
  typeof value === 'number' && Number.isFinite(value) ? `${round(value * 100, 2)}%` : 'n/a';
const metLabel = (/** @type {boolean | null} */ met) => (met === null ? 'not measured' : met ? 'met' : 'MISSED');

/**
 * @param {string[]} header
 * @param {Array<Array<string | number>>} rows
 */
function table(header, rows) {
  const line = (/** @type {Array<string | number>} */ cells) =>
    `| ${cells.map((cell) => String(cell).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * @param {Results} results
 * @param {import('./targets').TargetRow[]} [targets]
 */
function toMarkdown(results, targets = computeTargets(results)) {
  const { meta } = results;
  const out = [];
  out.push(`# Benchmark results${meta.smoke ? ' (SMOKE: tiny counts, numbers mean nothing)' : ''}`);
  out.push('');
  out.push(
    `${meta.date}, commit \`${meta.commit}\`, Node ${meta.node}, ${meta.cpus} CPU(s) (${meta.cpuModel}), load average at start ${meta.loadAverageStart}, at end ${meta.loadAverageEnd}. ` +
      `Load: open-loop fixed rate of ${meta.rate} req/s (latency measured from each request's due time), warm-up ${meta.warmupMs / 1000} s per target. ` +
      `Playground in production mode on SQLite; API-token auth on both (b) and (c). Total run time ${num(meta.durationS, 0)} s.`
  );
  out.push('');
  out.push(
    'Latencies in ms. "upstream conns": connections the simulator accepted during the row; "upstream/req": simulator requests per client request; ' +
      'RSS of the process behind the target (simulator for (a), playground otherwise), MB; "load": the 1-minute load average when the row ended (2 CPUs shared with other work). ' +
      'A row marked SATURATED did not keep up with the offered rate (under 99% success, or the median latency of its last quarter more than twice that of its first, plus 20 ms): its latency is queueing on an overloaded machine, not per-request cost.'
  );

  for (const profile of meta.profiles) {
    out.push('');
    out.push(`## ${meta.profileLabels[profile]}`);
    out.push('');
    out.push(
      table(
        [
          'row',
          'requests',
          'ok',
          'p50',
          'p90',
          'p99',
          'max',
          'req/s',
          'upstream conns',
          'upstream/req',
          'RSS before',
          'RSS after',
          'CPU/req',
          'load',
        ],
        results.latency
          .filter((row) => row.profile === profile)
          .sort((a, b) => String(a.id).localeCompare(String(b.id)))
          .map((row) => [
            `${row.label}${row.saturated ? ' (SATURATED)' : ''}`,
            row.requests,
            pct(row.successRate),
            num(row.p50, 2),
            num(row.p90, 2),
            num(row.p99, 2),
            num(row.max, 2),
            num(row.throughput),
            num(row.upstreamConnections, 0),
            num(row.upstreamPerRequest, 3),
            num(row.rssBeforeMb),
            num(row.rssAfterMb),
            num(row.cpuMsPerRequest, 2),
            num(row.loadAverage1m, 2),
          ])
      )
    );
    const b = results.latency.find((row) => row.id === 'b' && row.profile === profile);
    if (b && typeof b.pluginUpstreamP50 === 'number') {
      out.push('');
      out.push(
        `(b) split: the plugin measured p50 ${num(b.pluginUpstreamP50, 2)} ms on the upstream call itself (its \`meta.upstream_ms\`), ` +
          `so about ${num(b.p50 - b.pluginUpstreamP50, 2)} ms of p50(b) is spent around it (HTTP, auth, validation, CMS query, merge, serialisation).`
      );
    }
  }

  const maxRate = /** @type {Array<Record<string, any>>} */ (results.maxRate ?? []);
  if (maxRate.length > 0) {
    out.push('');
    out.push(
      `## Highest rate one process sustains (${meta.profileLabels.zero}, p99 < ${meta.maxRateP99LimitMs ?? 250} ms, >= 99% success)`
    );
    out.push('');
    out.push(
      "Rising steps on the pooled playground, stopping at the first that fails; CPU ms per request from the process's own counters at each step."
    );
    out.push('');
    out.push(
      table(
        ['route', 'highest passing rate', 'steps: rate -> p99 ms, success, CPU ms/req'],
        maxRate.map((route) => [
          String(route.route),
          route.maxRate === undefined ? 'none (first step failed)' : `${route.maxRate} req/s`,
          route.steps
            .map(
              (/** @type {Record<string, any>} */ step) =>
                `${step.rate} -> ${num(step.p99, 1)}, ${pct(step.successRate)}, ${num(step.cpuMsPerRequest, 2)}`
            )
            .join('; '),
        ])
      )
    );
  }

  const rtt = /** @type {Array<Record<string, any>>} */ (results.rtt ?? []);
  if (rtt.length > 0) {
    out.push('');
    out.push(`## A real network: latency proxy between the plugin and the simulator (${meta.profileLabels.button})`);
    out.push('');
    out.push(
      'The proxy (bench/children/latency-proxy.js) delays every chunk by RTT/2 each way and holds the first client bytes for one RTT ' +
        '(the TCP handshake): a new connection pays TCP + TLS 1.3 + request = 3 RTT, a pooled one 1 RTT. ' +
        '"expected" = (S + 3 RTT) / (S + RTT), S = pooled p50 at 0 ms RTT.'
    );
    out.push('');
    const base = rtt.find((row) => row.rttMs === 0 && row.mode === 'pooled');
    const rtts = [...new Set(rtt.map((row) => row.rttMs))];
    out.push(
      table(
        [
          'RTT',
          'rate',
          'pooled p50',
          'pooled p99',
          'naive p50',
          'naive p99',
          'naive/pooled p50',
          'p99',
          'expected',
          'connections pooled / naive',
          'ok pooled / naive',
        ],
        rtts.map((rttMs) => {
          const pooled = rtt.find((row) => row.rttMs === rttMs && row.mode === 'pooled') ?? {};
          const naive = rtt.find((row) => row.rttMs === rttMs && row.mode === 'naive') ?? {};
          return [
            `${rttMs} ms`,
            `${pooled.rate ?? naive.rate ?? 'n/a'} req/s`,
            num(pooled.p50, 1),
            num(pooled.p99, 1),
            num(naive.p50, 1),
            num(naive.p99, 1),
            `${num(naive.p50 / pooled.p50, 2)}x`,
            `${num(naive.p99 / pooled.p99, 2)}x`,
            base ? `${num((base.p50 + 3 * rttMs) / (base.p50 + rttMs), 2)}x` : 'n/a',
            `${num(pooled.upstreamConnections, 0)} / ${num(naive.upstreamConnections, 0)}`,
            `${pct(pooled.successRate)} / ${pct(naive.successRate)}`,
          ];
        })
      )
    );
  }
  const first = /** @type {Record<string, any> | undefined} */ (results.firstRequest);
  if (first && first.samples.length > 0) {
    out.push('');
    out.push(
      `First request after boot at ${first.rttMs} ms RTT, sent ${first.afterReadyMs} ms after a fresh playground reported ready: ` +
        `warm-up on (default) median ${num(first.warmMedianMs, 1)} ms, warm-up off (\`BUTTON_POOL_WARMUP=false\`) median ${num(first.coldMedianMs, 1)} ms ` +
        `(samples: ${first.samples.map((/** @type {Record<string, any>} */ s) => `${s.warmup ? 'on' : 'off'} ${num(s.latencyMs, 1)} ms (plugin upstream ${num(s.upstreamMs, 1)} ms, ${s.newConnections ?? 'n/a'} new connection(s))${s.status === 200 ? '' : ` status ${s.status}`}`).join(', ')}).`
    );
  }

  // `--only shared-state` runs no fault scenario: no empty table then.
  if (results.faults.length > 0) out.push('', `## Faults (${meta.profileLabels.button}, ${meta.rate} req/s)`, '');
  if (results.faults.length > 0)
    out.push(
      table(
        ['scenario', 'requests', 'success', 'p50', 'p99', 'max', 'upstream/req', 'statuses', 'breaker'],
        results.faults.map((fault) => [
          String(fault.label),
          fault.requests,
          pct(fault.successRate),
          num(fault.p50, 2),
          num(fault.p99, 2),
          num(fault.max, 2),
          num(fault.amplification, 3),
          Object.entries(/** @type {Record<string, number>} */ (fault.statusCounts ?? {}))
            .map(([status, count]) => `${status}: ${count}`)
            .join(', '),
          Array.isArray(fault.breakerStates) && fault.breakerStates.length > 0 ? fault.breakerStates.join(' -> ') : 'n/a',
        ])
      )
    );
  const outage = results.faults.find((fault) => fault.id === 'outage');
  if (outage?.outage) {
    const o = outage.outage;
    out.push('');
    out.push(
      `Outage: ${outage.outageMs} ms from ${num(outage.outageStartMs, 0)} ms into the run. Before: ${pct(o.before.successRate)} success, p99 ${num(o.before.p99, 2)} ms. ` +
        `During: ${o.during.requests} requests, ${pct(o.during.successRate)} success, p99 ${num(o.during.p99, 2)} ms, ${o.fastFailures} fast failures (p99 ${num(o.fastFailureP99, 2)} ms), ` +
        `upstream calls reported by the plugin ${o.upstreamCallsDuring ?? 'n/a'}; breaker opened ${o.breakerOpenedAfterMs === undefined ? 'never' : `${num(o.breakerOpenedAfterMs, 0)} ms in`}` +
        `${'timeToOpenMs' in o && typeof o.timeToOpenMs === 'number' ? ` (time to open by the plugin's own measure: ${num(o.timeToOpenMs, 1)} ms, ${String(o.openReason)})` : ''}. ` +
        `After: first success ${num(o.firstSuccessAfterMs, 0)} ms after the simulator came back, success rate normal after ${num(o.normalAfterMs, 0)} ms; ${pct(o.after.successRate)} success after.`
    );
  }

  if (results.soak) {
    const soak = /** @type {Record<string, any>} */ (results.soak);
    out.push('');
    out.push(
      `## Soak: ${soak.requests} requests at ${soak.rate} req/s, offers endpoint, ${meta.profileLabels.zero}${soak.saturated ? ' (SATURATED)' : ''}`
    );
    out.push('');
    out.push(
      `${pct(soak.successRate)} success, p50 ${num(soak.p50, 2)} ms, p99 ${num(soak.p99, 2)} ms, max ${num(soak.max, 2)} ms, ${num(soak.throughput)} req/s; ` +
        `heap used after a forced GC ${num(soak.heapAfterGcStartMb, 2)} MB -> ${num(soak.heapAfterGcEndMb, 2)} MB (growth ${num(soak.heapGrowthMb, 2)} MB; the target); ` +
        `upstream connections opened ${soak.upstreamConnections} (pool size ${soak.poolSize}); RSS, for information only, ${num(soak.rssBeforeMb)} MB -> ${num(soak.rssAfterMb)} MB ` +
        `(growth ${num(soak.rssGrowthMb)} MB, slope ${num(soak.rssGrowthPer100kMb)} MB per 100,000 requests; samples: ${(soak.rssSamples ?? []).map((/** @type {{ mb: number }} */ s) => num(s.mb, 0)).join(', ')}).`
    );
  }

  out.push(...sharedStateSection(/** @type {Record<string, any> | undefined} */ (results.sharedState)));

  out.push('');
  out.push('## Targets');
  out.push('');
  out.push(
    table(
      ['target', 'measured', 'result'],
      targets.map((t) => [t.target, t.measured, metLabel(t.met)])
    )
  );
  out.push('');
  out.push('![latency chart](latency.svg)');
  out.push('');
  return out.join('\n');
}

/**
 * Issue 11's rows (bench/shared-state.js): the cluster against one instance, the limiter's cost with Redis against
 * local, and the fleet budget.
 * @param {Record<string, any> | undefined} shared
 * @returns {string[]}
 */
function sharedStateSection(shared) {
  if (!shared) return [];
  const out = [''];
  out.push('## Shared state on Redis: a cluster, the limiter, the fleet budget (simulator ~0 ms)');
  out.push('');
  if (shared.skipped) {
    out.push(`Not measured: ${shared.skipped}.`);
    return out;
  }
  out.push(
    `Every instance on one scratch ${shared.database}, Redis at ${shared.redis} with a key prefix unique to the run; ` +
      `the instances booted in ${num((shared.bootMs ?? NaN) / 1000, 1)} s; these rows took ${num(shared.durationS, 0)} s in all.`
  );
  const cluster = shared.cluster;
  if (cluster) {
    out.push('');
    out.push(
      `**Cluster**: three instances (one Redis prefix, \`BUTTON_RATE_LIMIT_PER_MINUTE=1000000\` so nothing is refused) behind the ` +
        `round-robin proxy process, against one instance (Redis configured too, its own prefix, same database) behind the same proxy ` +
        `with a single upstream. Same offered rate, ${cluster.rounds} alternating round(s) of ${num(cluster.roundMs / 1000, 0)} s per side; ` +
        "latency through the proxy, from each request's due time. Button calls per instance: the allowed decisions of its own limiter " +
        '(`button_rate_limit_decisions_total`), every call to Button takes one.'
    );
    out.push('');
    out.push(
      table(
        [
          'side',
          'offered',
          'achieved (2xx/s)',
          'ok',
          'p50',
          'p90',
          'p99',
          'max',
          'Button calls per instance',
          'of which fallback',
          'simulator received',
          'load',
        ],
        ['cluster', 'single']
          .filter((name) => cluster[name])
          .map((name) => {
            const row = cluster[name];
            return [
              `${name === 'cluster' ? '3 instances' : '1 instance'}${row.saturated ? ' (SATURATED)' : ''}`,
              `${cluster.rate} req/s`,
              num(row.throughput),
              pct(row.successRate),
              num(row.p50, 2),
              num(row.p90, 2),
              num(row.p99, 2),
              num(row.max, 2),
              row.buttonCallsPerInstance.join(' / '),
              (row.fallbackDecisionsPerInstance ?? []).join(' / '),
              num(row.simulatorRequests, 0),
              num(row.loadAverage1m, 2),
            ];
          })
      )
    );
    if (cluster.cluster && cluster.single) {
      out.push('');
      out.push(
        `3 instances / 1: p50 ${num(cluster.cluster.p50 / cluster.single.p50, 2)}x, p99 ${num(cluster.cluster.p99 / cluster.single.p99, 2)}x, ` +
          `throughput ${num(cluster.cluster.throughput / cluster.single.throughput, 2)}x. ` +
          (cluster.cluster.saturated || cluster.single.saturated
            ? 'At least one side did not keep up with the offered rate (SATURATED): its latency is queueing on an overloaded machine; rerun with a lower BENCH_CLUSTER_RATE or on a quieter machine.'
            : 'Both sides kept up with the offered rate: the row shows what the proxy hop and the spread over three processes cost or save in latency, not a throughput gain.')
      );
    }
  }
  const limiter = shared.limiter;
  if (limiter && limiter.redis && limiter.local) {
    out.push('');
    out.push(
      `**Limiter cost**: one instance with \`BUTTON_REDIS_URL\` (decisions in the shared Redis bucket, one Lua call) against one without ` +
        `(the in-process bucket), same database, called directly at ${limiter.rate} req/s, ${limiter.rounds} alternating round(s) of ` +
        `${num(limiter.roundMs / 1000, 0)} s each. Decision time from the plugin's own \`button_rate_limit_acquire_seconds\` histogram ` +
        '(two scrapes, their difference; p50/p99 estimated by linear interpolation inside the buckets, whose bounds are 10, 25, 50, ' +
        '100, 250, 500 µs, 1, 2.5, 5, 10 ms...: an estimate, not a measured sample). Offers latency: nearest-rank over every request.'
    );
    out.push('');
    // Decision times: µs below a millisecond, ms above.
    const us = (/** @type {unknown} */ v) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) return 'n/a';
      return Math.abs(v) < 1 ? `${round(v * 1000, 1)} µs` : `${round(v, 2)} ms`;
    };
    out.push(
      table(
        [
          'instance',
          'decisions',
          'limiter p50',
          'limiter p99',
          'limiter mean',
          'of which fallback',
          'own source only: p50 / p99',
          'offers ok',
          'offers p50',
          'offers p99',
          'load',
        ],
        ['redis', 'local'].map((name) => {
          const row = limiter[name];
          return [
            `${name === 'redis' ? 'with Redis' : 'local (no Redis)'}${row.saturated ? ' (SATURATED)' : ''}`,
            num(row.acquire.decisions, 0),
            us(row.acquire.p50Ms),
            us(row.acquire.p99Ms),
            us(row.acquire.meanMs),
            num(row.fallbackDecisions, 0),
            row.acquireOwnSource ? `${row.source}: ${us(row.acquireOwnSource.p50Ms)} / ${us(row.acquireOwnSource.p99Ms)}` : 'n/a',
            pct(row.successRate),
            num(row.p50, 2),
            num(row.p99, 2),
            num(row.loadAverage1m, 2),
          ];
        })
      )
    );
    out.push('');
    out.push(
      '"limiter" columns: every decision the instance took (with Redis: the shared ones and any that fell back to the local ' +
        'share after `redis.commandTimeoutMs`), what its requests paid; "own source only": the `source="shared"` (or `local`) ' +
        'series alone, for Redis the round trips that answered in time. "load": the 1-minute load average after the row.'
    );
    out.push('');
    out.push(
      `Added by Redis: limiter p50 ${us(limiter.redis.acquire.p50Ms - limiter.local.acquire.p50Ms)}, p99 ${us(limiter.redis.acquire.p99Ms - limiter.local.acquire.p99Ms)}; ` +
        `offers end to end p50 ${num(limiter.redis.p50 - limiter.local.p50, 2)} ms, p99 ${num(limiter.redis.p99 - limiter.local.p99, 2)} ms ` +
        '(two processes measured in turn: the end-to-end difference carries their noise, the histogram is the limiter alone).'
    );
  }
  const budget = shared.budget;
  if (budget) {
    out.push('');
    out.push(
      `**Fleet budget**: three fresh instances sharing \`BUTTON_RATE_LIMIT_PER_MINUTE=${budget.perMinute}\` (one Redis bucket), offered ` +
        `${budget.rate} req/s through the proxy for ${num(budget.durationMs / 1000, 0)} s (${budget.offered} requests): Button received ` +
        `**${budget.buttonReceived}** calls in the ${num(budget.windowMs / 1000, 1)} s window, against an allowance of ${budget.allowance} ` +
        `(the bucket's one-second burst + the budget pro rata, ${num(budget.proRata, 1)}); allowed per instance ${budget.allowedPerInstance.join(' / ')}, ` +
        `refused per instance ${budget.refusedPerInstance.join(' / ')}, fallback decisions ${budget.fallbackDecisions}, modes ${budget.modes.join(' / ')}; ` +
        `answers ${Object.entries(/** @type {Record<string, number>} */ (budget.statusCounts))
          .map(([status, count]) => `${status}: ${count}`)
          .join(', ')}. One short window: the integration test holds the budget over real 60 s windows.`
    );
  }
  return out;
}

/**
 * @param {Results} results
 * @param {string} dir
 */
function writeReport(results, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const targets = computeTargets(results);
  fs.writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify({ ...results, targets }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'latest.md'), toMarkdown(results, targets));
  fs.writeFileSync(path.join(dir, 'latency.svg'), renderLatencyChart(results));
  return { targets, files: ['latest.json', 'latest.md', 'latency.svg'].map((file) => path.join(dir, file)) };
}

module.exports = { toMarkdown, writeReport, table };
