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

  out.push('');
  out.push(`## Faults (${meta.profileLabels.button}, ${meta.rate} req/s)`);
  out.push('');
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
