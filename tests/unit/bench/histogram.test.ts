import {
  parseSamples,
  parseHistogram,
  subtractHistogram,
  histogramQuantile,
  sumSamples,
  activeLabel,
  fleetAllowance,
} from '../../../bench/histogram';
import { computeTargets } from '../../../bench/targets';
import { toMarkdown } from '../../../bench/report';

// The shape prom-client writes for the plugin's limiter histogram (buckets 10 µs .. 100 ms), two sources.
const exposition = (shared: number[], local: number[], sums = { shared: 0.004, local: 0.0001 }) => {
  const les = [
    '1e-05',
    '2.5e-05',
    '5e-05',
    '0.0001',
    '0.00025',
    '0.0005',
    '0.001',
    '0.0025',
    '0.005',
    '0.01',
    '0.025',
    '0.05',
    '0.1',
    '+Inf',
  ];
  const lines = [
    '# HELP button_rate_limit_acquire_seconds Time to take a rate-limit decision before a call to Button.',
    '# TYPE button_rate_limit_acquire_seconds histogram',
  ];
  for (const [source, counts] of [
    ['shared', shared],
    ['local', local],
  ] as const) {
    les.forEach((le, i) => lines.push(`button_rate_limit_acquire_seconds_bucket{le="${le}",source="${source}"} ${counts[i]}`));
    lines.push(`button_rate_limit_acquire_seconds_sum{source="${source}"} ${sums[source]}`);
    lines.push(`button_rate_limit_acquire_seconds_count{source="${source}"} ${counts[counts.length - 1]}`);
  }
  lines.push('button_rate_limit_decisions_total{source="shared",outcome="allowed"} 90');
  lines.push('button_rate_limit_decisions_total{source="shared",outcome="refused"} 10');
  lines.push('button_rate_limit_decisions_total{source="fallback",outcome="allowed"} 3');
  lines.push('button_shared_state_mode{mode="local"} 0');
  lines.push('button_shared_state_mode{mode="shared"} 1');
  lines.push('button_shared_state_mode{mode="fallback"} 0');
  return `${lines.join('\n')}\n`;
};

//                    10µ 25µ 50µ 100µ 250µ 500µ 1m  2.5m 5m  10m 25m 50m 100m Inf
const SHARED_BEFORE = [0, 0, 0, 0, 10, 20, 20, 20, 20, 20, 20, 20, 20, 20];
const SHARED_AFTER = [0, 0, 0, 0, 60, 120, 120, 120, 120, 120, 120, 120, 120, 120];
const LOCAL = [50, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100];

describe('bench histogram helpers', () => {
  it('parses samples with labels, skipping comments', () => {
    const samples = parseSamples('# HELP x y\nfoo{a="1",b="two words"} 3\nbar 4.5\nbaz{le="+Inf"} 7\n');
    expect(samples).toEqual([
      { name: 'foo', labels: { a: '1', b: 'two words' }, value: 3 },
      { name: 'bar', labels: {}, value: 4.5 },
      { name: 'baz', labels: { le: '+Inf' }, value: 7 },
    ]);
  });

  it('reads one label set of a histogram, buckets sorted with +Inf last', () => {
    const h = parseHistogram(exposition(SHARED_AFTER, LOCAL), 'button_rate_limit_acquire_seconds', { source: 'shared' });
    expect(h.count).toBe(120);
    expect(h.sum).toBeCloseTo(0.004);
    expect(h.buckets).toHaveLength(14);
    expect(h.buckets[0]).toEqual({ le: 0.00001, count: 0 });
    expect(h.buckets[13]).toEqual({ le: Infinity, count: 120 });
  });

  it('is empty when the series is absent', () => {
    expect(parseHistogram('', 'nope')).toEqual({ buckets: [], sum: 0, count: 0 });
    expect(histogramQuantile(0.5, [])).toBeNaN();
  });

  it('subtracts two scrapes bucket by bucket', () => {
    const name = 'button_rate_limit_acquire_seconds';
    const before = parseHistogram(exposition(SHARED_BEFORE, LOCAL, { shared: 0.001, local: 0 }), name, { source: 'shared' });
    const after = parseHistogram(exposition(SHARED_AFTER, LOCAL), name, { source: 'shared' });
    const delta = subtractHistogram(before, after);
    expect(delta.count).toBe(100);
    expect(delta.sum).toBeCloseTo(0.003);
    expect(delta.buckets.map((b) => b.count)).toEqual([0, 0, 0, 0, 50, 100, 100, 100, 100, 100, 100, 100, 100, 100]);
  });

  it('interpolates quantiles linearly inside the bucket, as histogram_quantile does', () => {
    const buckets = [
      { le: 0.0001, count: 0 },
      { le: 0.00025, count: 50 },
      { le: 0.0005, count: 100 },
      { le: Infinity, count: 100 },
    ];
    // rank 50 is the top of (100 µs, 250 µs]
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.00025, 10);
    // rank 25: half-way through (100 µs, 250 µs]
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(0.000175, 10);
    // rank 99: 49/50 of (250 µs, 500 µs]
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.00025 + 0.00025 * (49 / 50), 10);
    // the first bucket's lower bound is 0
    expect(
      histogramQuantile(0.5, [
        { le: 0.00001, count: 10 },
        { le: Infinity, count: 10 },
      ])
    ).toBeCloseTo(0.000005, 10);
  });

  it('answers the largest finite bound when the rank falls in +Inf', () => {
    const buckets = [
      { le: 0.05, count: 1 },
      { le: 0.1, count: 2 },
      { le: Infinity, count: 10 },
    ];
    expect(histogramQuantile(0.99, buckets)).toBe(0.1);
  });

  it('rejects a quantile outside [0, 1]', () => {
    expect(() => histogramQuantile(1.5, [{ le: Infinity, count: 1 }])).toThrow(RangeError);
  });

  it('sums counters by label and reads the active mode', () => {
    const text = exposition(SHARED_AFTER, LOCAL);
    expect(sumSamples(text, 'button_rate_limit_decisions_total', { outcome: 'allowed' })).toBe(93);
    expect(sumSamples(text, 'button_rate_limit_decisions_total', { source: 'shared' })).toBe(100);
    expect(sumSamples(text, 'button_rate_limit_decisions_total', { source: 'local' })).toBe(0);
    expect(activeLabel(text, 'button_shared_state_mode', 'mode')).toBe('shared');
    expect(activeLabel('', 'button_shared_state_mode', 'mode')).toBeUndefined();
  });

  it('allows a window its burst plus the budget pro rata', () => {
    // 1,200 a minute: burst 20, 20 a second
    expect(fleetAllowance(1_200, 10_000)).toBe(220);
    expect(fleetAllowance(600, 2_000)).toBe(30);
    // a tiny budget still has a burst of one
    expect(fleetAllowance(30, 60_000)).toBe(31);
  });
});

const limiterSide = (p50Ms: number, p99Ms: number, decisions = 2_400, extra: Record<string, unknown> = {}) => ({
  acquire: { decisions, p50Ms, p99Ms, meanMs: p50Ms },
  fallbackDecisions: 0,
  p50: 20,
  p99: 40,
  successRate: 1,
  ...extra,
});
const meta = { halfOpenAfterMs: 5_000, poolSize: 16, profiles: [], profileLabels: {} };

describe('bench shared-state targets and report', () => {
  it('judges the limiter from the histogram difference, Redis against local', () => {
    const results = {
      latency: [],
      faults: [],
      meta,
      sharedState: {
        limiter: { rate: 60, rounds: 4, roundMs: 10_000, redis: limiterSide(0.2, 0.8), local: limiterSide(0.005, 0.02) },
      },
    };
    const targets = computeTargets(results);
    expect(targets.find((t) => t.id === 'limiter-redis-p99')?.met).toBe(true);
    expect(targets.find((t) => t.id === 'limiter-redis-p50')?.met).toBe(true);
    const slow = { ...results, sharedState: { limiter: { ...results.sharedState.limiter, redis: limiterSide(0.6, 2) } } };
    expect(computeTargets(slow).find((t) => t.id === 'limiter-redis-p99')?.met).toBe(false);
    expect(computeTargets(slow).find((t) => t.id === 'limiter-redis-p50')?.met).toBe(false);
  });

  it('gives no verdict on a smoke-sized limiter row, and fails one that fell back to local', () => {
    const small = {
      latency: [],
      faults: [],
      meta,
      sharedState: { limiter: { redis: limiterSide(0.2, 0.8, 40), local: limiterSide(0.005, 0.02, 40) } },
    };
    expect(computeTargets(small).find((t) => t.id === 'limiter-redis-p99')?.met).toBeNull();
    const fellBack = {
      ...small,
      sharedState: {
        limiter: { redis: limiterSide(0.01, 0.02, 2_400, { fallbackDecisions: 5 }), local: limiterSide(0.005, 0.02) },
      },
    };
    expect(computeTargets(fellBack).find((t) => t.id === 'limiter-redis-p99')?.met).toBe(false);
  });

  it('holds the fleet to its allowance', () => {
    const budget = {
      perMinute: 1_200,
      rate: 60,
      durationMs: 10_000,
      windowMs: 10_050,
      offered: 600,
      statusCounts: { '200': 215, '429': 385 },
      buttonReceived: 215,
      allowedPerInstance: [72, 71, 72],
      refusedPerInstance: [128, 129, 128],
      fallbackDecisions: 0,
      allowance: 221,
      proRata: 201,
      modes: ['shared', 'shared', 'shared'],
    };
    const results = { latency: [], faults: [], meta, sharedState: { budget } };
    expect(computeTargets(results).find((t) => t.id === 'fleet-budget')?.met).toBe(true);
    const over = { ...results, sharedState: { budget: { ...budget, buttonReceived: 600 } } };
    expect(computeTargets(over).find((t) => t.id === 'fleet-budget')?.met).toBe(false);
    expect(toMarkdown({ ...results, meta: { ...meta, date: 'd', commit: 'c', rate: 60, warmupMs: 0 } })).toContain(
      'Button received **215** calls'
    );
  });

  it('prints decision times in µs below a millisecond and in ms above', () => {
    const results = {
      latency: [],
      faults: [],
      meta: { ...meta, date: 'd', commit: 'c', rate: 60, warmupMs: 0 },
      sharedState: {
        limiter: { rate: 40, rounds: 4, roundMs: 10_000, redis: limiterSide(0.3, 45), local: limiterSide(0.0051, 0.0432) },
      },
    };
    const markdown = toMarkdown(results);
    expect(markdown).toContain('| with Redis | 2400 | 300 µs | 45 ms |');
    expect(markdown).toContain('| local (no Redis) | 2400 | 5.1 µs | 43.2 µs |');
  });

  it('reports a skipped section and adds no target', () => {
    const results = {
      latency: [],
      faults: [],
      meta: { ...meta, date: 'd', commit: 'c', rate: 60, warmupMs: 0 },
      sharedState: { skipped: 'Redis not reachable' },
    };
    expect(toMarkdown(results)).toContain('Not measured: Redis not reachable.');
    expect(computeTargets(results)).toEqual([]);
  });
});
