import { computeTargets } from '../../../bench/targets';
import { analyzeOutage, amplification, backToNormalAfterMs, rssGrowthPer100k, isSaturated } from '../../../bench/analysis';
import { percentile, summarize } from '../../../bench/stats';
import { parseRssKb } from '../../../bench/processes';
import { parseBreakerState } from '../../../bench/control';
import { readAttempts } from '../../../bench/load';

type Rec = { offsetMs: number; latencyMs: number; status: number; attempts: number; code?: string };
const rec = (offsetMs: number, latencyMs: number, status = 200, attempts = 1, code?: string): Rec => ({
  offsetMs,
  latencyMs,
  status,
  attempts,
  code,
});

const latencyRow = (id: string, profile: string, p50: number, p99: number, extra: Record<string, unknown> = {}) => ({
  id,
  profile,
  label: id,
  p50,
  p90: p50,
  p99,
  max: p99,
  requests: 1000,
  successRate: 1,
  ...extra,
});

describe('stats', () => {
  it('uses nearest-rank percentiles, so every value reported really happened', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('counts successes, HTTP failures and connection errors apart', () => {
    const summary = summarize([rec(0, 5), rec(10, 7, 503, 3), rec(20, 9, 0, -1, 'ECONNRESET')]);
    expect(summary).toMatchObject({
      requests: 3,
      ok: 1,
      failed: 2,
      errors: 1,
      statusCounts: { 200: 1, 503: 1, error: 1 },
      p50: 7,
      max: 9,
    });
  });
});

describe('computeTargets', () => {
  const results = {
    meta: { halfOpenAfterMs: 5000, halfOpenProbes: 1, poolSize: 16 },
    latency: [
      latencyRow('a', 'button', 100, 118),
      latencyRow('b', 'button', 107.5, 135, { upstreamConnections: 0 }),
      latencyRow('c', 'button', 6, 9),
      latencyRow('d', 'button', 112, 160),
    ],
    faults: [
      { id: 'errors-503', p99: 240, successRate: 0.999, requests: 3000, amplification: 1.11 },
      { id: 'stalls', p99: 950, successRate: 1, requests: 3000, amplification: 1.02 },
      { id: 'stalls-hedged', p99: 180, successRate: 1, requests: 3000, amplification: 1.06 },
    ],
    soak: { requests: 100_000, rssGrowthMb: 12.5, upstreamConnections: 16, poolSize: 16 },
  };
  const byId = Object.fromEntries(computeTargets(results).map((row) => [row.id, row]));

  it('computes the overhead over the upstream floor plus the Strapi floor', () => {
    expect(byId['overhead-p50-button'].met).toBe(true); // 107.5 - (100 + 6) = 1.5
    expect(byId['overhead-p50-button'].measured).toContain('1.5 ms');
    expect(byId['overhead-p99-button'].met).toBe(true); // 135 - (118 + 9) = 8
  });

  it('reports the naive/pooled ratio', () => {
    expect(byId['naive-vs-pooled-button']).toMatchObject({ met: true });
    expect(byId['naive-vs-pooled-button'].measured).toContain('1.04x');
  });

  it('checks amplification and success under 503s, and the extra hedged requests', () => {
    expect(byId['errors-503'].met).toBe(true);
    expect(byId['stalls-hedged'].met).toBe(false); // 6% extra > 5%
    expect(byId['pool-connections'].met).toBe(true);
    expect(byId['rss-growth'].met).toBe(true);
  });

  it('says "not measured" rather than met when a run is too small to judge', () => {
    const small = computeTargets({
      ...results,
      soak: { requests: 100, rssGrowthMb: 1, rssGrowthPer100kMb: 5, upstreamConnections: 1, poolSize: 16 },
    });
    expect(small.find((row) => row.id === 'rss-growth')?.met).toBeNull();
    expect(small.find((row) => row.id === 'pool-connections')?.met).toBeNull();
    const medium = computeTargets({
      ...results,
      soak: { requests: 30_000, rssGrowthMb: 9, rssGrowthPer100kMb: 31, upstreamConnections: 3, poolSize: 16 },
    });
    expect(medium.find((row) => row.id === 'rss-growth')).toMatchObject({
      met: false,
      measured: expect.stringContaining('EXTRAPOLATED'),
    });
  });
});

describe('analyzeOutage', () => {
  // 100 req/s: outage from 1000 to 3000 ms; the breaker opens at 1200 (fast failures), probes at 2200, back at 3000.
  const records: Rec[] = [];
  for (let t = 0; t < 5000; t += 10) {
    if (t < 1000) records.push(rec(t, 100));
    else if (t < 1200) records.push(rec(t, 300, 503, 3, 'UPSTREAM_UNREACHABLE'));
    else if (t < 3000) records.push(t === 2200 ? rec(t, 2, 503, 1) : rec(t, 1.5, 503, 0, 'CIRCUIT_OPEN'));
    else if (t < 3400) records.push(rec(t, 1, 503, 0, 'CIRCUIT_OPEN'));
    else records.push(rec(t, 100));
  }
  const result = analyzeOutage(records, { startMs: 1000, backMs: 3000, halfOpenAfterMs: 1000 });

  it('finds the fast failures, the upstream calls once open, and the recovery times', () => {
    expect(result.breakerOpenedAfterMs).toBe(200);
    expect(result.fastFailureP99).toBe(1.5);
    expect(result.upstreamCallsAfterOpen).toBe(1);
    expect(result.halfOpenIntervals).toBe(2);
    expect(result.upstreamCallsDuring).toBe(20 * 3 + 1);
    expect(result.firstSuccessAfterMs).toBe(500); // due at 3400, answered 100 ms later
    expect(result.normalAfterMs).toBe(500); // first fully healthy 500 ms bucket starts at 3500
  });

  it('reports no recovery when the run ends before the success rate is back', () => {
    expect(backToNormalAfterMs([rec(0, 1), rec(100, 1, 503)], 50, 1)).toBeUndefined();
    expect(amplification(110, 100)).toBe(1.1);
  });
});

describe('isSaturated', () => {
  it('flags a growing backlog or failures, not a steady slow target', () => {
    const steady = Array.from({ length: 100 }, (_, i) => rec(i * 10, 100 + (i % 5)));
    const growing = Array.from({ length: 100 }, (_, i) => rec(i * 10, 10 + i * 20));
    const failing = Array.from({ length: 100 }, (_, i) => rec(i * 10, 5, i % 10 === 0 ? 503 : 200));
    expect(isSaturated(steady)).toBe(false);
    expect(isSaturated(growing)).toBe(true);
    expect(isSaturated(failing)).toBe(true);
  });
});

describe('rssGrowthPer100k', () => {
  it('extrapolates the RSS slope after the first tenth of the soak', () => {
    // 1 MB per 10 s at 100 req/s = 1 MB per 1,000 requests = 100 MB per 100,000; a warm-up jump is ignored.
    const samples = [{ atS: 0, mb: 200 }, ...Array.from({ length: 10 }, (_, i) => ({ atS: (i + 1) * 10, mb: 250 + i }))];
    expect(rssGrowthPer100k(samples, 100)).toBe(100);
    expect(rssGrowthPer100k([{ atS: 0, mb: 1 }], 100)).toBeUndefined();
  });
});

describe('small parsers', () => {
  it('reads VmRSS from /proc/<pid>/status', () => {
    expect(parseRssKb('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t  231456 kB\nRssAnon: 1 kB\n')).toBe(231456);
    expect(parseRssKb('Name:\tnode\n')).toBeUndefined();
  });

  it('reads the breaker gauge from a Prometheus exposition, or says n/a', () => {
    expect(parseBreakerState('# HELP button_breaker_state x\n# TYPE button_breaker_state gauge\nbutton_breaker_state 1\n')).toBe(
      1
    );
    expect(parseBreakerState('button_breaker_state{upstream="button"} 2\n')).toBe(2);
    expect(parseBreakerState('other_metric 1\n')).toBe('n/a');
  });

  it('reads the attempts the plugin reports on success and on failure', () => {
    expect(readAttempts(JSON.stringify({ data: [], meta: { attempts: 2 } }))).toEqual({ attempts: 2 });
    expect(readAttempts(JSON.stringify({ data: [], meta: { attempts: 1, upstream_ms: 101.5 } }))).toEqual({
      attempts: 1,
      upstreamMs: 101.5,
    });
    expect(readAttempts(JSON.stringify({ data: null, error: { details: { attempts: 0, code: 'CIRCUIT_OPEN' } } }))).toEqual({
      attempts: 0,
      code: 'CIRCUIT_OPEN',
    });
    expect(readAttempts('not json')).toEqual({ attempts: -1 });
  });
});
