// @ts-check
'use strict';

/**
 * Pure helpers over the plugin's Prometheus text (GET /api/button-personalization/metrics): a histogram's
 * cumulative buckets for one label set, the difference of two scrapes (what a row added), quantiles estimated
 * from the buckets with linear interpolation inside the bucket (the way PromQL's `histogram_quantile` does it),
 * counters and gauges summed by label, and the fleet budget's allowance for a window.
 */

/**
 * @typedef {{ le: number, count: number }} Bucket cumulative: observations <= le (the last one is +Inf)
 * @typedef {{ buckets: Bucket[], sum: number, count: number }} Histogram
 */

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)(?:\s+\d+)?\s*$/;

/**
 * Every sample of the exposition: name, labels, value (comments and blank lines skipped).
 * @param {string} exposition
 * @returns {Array<{ name: string, labels: Record<string, string>, value: number }>}
 */
function parseSamples(exposition) {
  const samples = [];
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = SAMPLE.exec(line);
    if (!match) continue;
    /** @type {Record<string, string>} */
    const labels = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: match[1], labels, value: parseValue(match[3]) });
  }
  return samples;
}

/** @param {string} text */
function parseValue(text) {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/**
 * @param {Record<string, string>} labels
 * @param {Record<string, string>} want every one of these must match
 */
const matches = (labels, want) => Object.entries(want).every(([key, value]) => labels[key] === value);

/**
 * One histogram's series for the label set `want` (labels not named are summed over: several series with the same
 * `want` labels add up, as `sum by` would).
 * @param {string} exposition
 * @param {string} name e.g. button_rate_limit_acquire_seconds
 * @param {Record<string, string>} [want] e.g. { source: 'shared' }
 * @returns {Histogram} empty (no buckets, count 0) when the series is absent
 */
function parseHistogram(exposition, name, want = {}) {
  /** @type {Map<number, number>} */
  const byLe = new Map();
  let sum = 0;
  let count = 0;
  for (const sample of parseSamples(exposition)) {
    if (sample.name === `${name}_bucket` && matches(sample.labels, want) && sample.labels.le !== undefined) {
      const le = parseValue(sample.labels.le);
      byLe.set(le, (byLe.get(le) ?? 0) + sample.value);
    } else if (sample.name === `${name}_sum` && matches(sample.labels, want)) sum += sample.value;
    else if (sample.name === `${name}_count` && matches(sample.labels, want)) count += sample.value;
  }
  const buckets = [...byLe.entries()].sort((a, b) => a[0] - b[0]).map(([le, value]) => ({ le, count: value }));
  return { buckets, sum, count };
}

/**
 * What happened between two scrapes of the same histogram: after - before, bucket by bucket.
 * @param {Histogram} before
 * @param {Histogram} after
 * @returns {Histogram}
 */
function subtractHistogram(before, after) {
  const previous = new Map(before.buckets.map((bucket) => [bucket.le, bucket.count]));
  return {
    buckets: after.buckets.map((bucket) => ({ le: bucket.le, count: bucket.count - (previous.get(bucket.le) ?? 0) })),
    sum: after.sum - before.sum,
    count: after.count - before.count,
  };
}

/**
 * The q-quantile estimated from cumulative buckets, linear inside the bucket that holds rank q x total (the lower
 * bound of the first bucket is 0). As PromQL does: a rank in the +Inf bucket answers the largest finite bound
 * (the estimate can say no more). NaN without observations.
 * @param {number} q in [0, 1]
 * @param {Bucket[]} buckets cumulative, ascending le, ending with +Inf
 */
function histogramQuantile(q, buckets) {
  if (!(q >= 0 && q <= 1)) throw new RangeError('q must be in [0, 1]');
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.length > 0 ? sorted[sorted.length - 1].count : 0;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank && bucket.count > lowerCount) {
      if (bucket.le === Infinity) return lowerLe;
      return lowerLe + (bucket.le - lowerLe) * ((rank - lowerCount) / (bucket.count - lowerCount));
    }
    if (bucket.le !== Infinity) lowerLe = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerLe;
}

/**
 * A counter or gauge summed over the series matching `want`.
 * @param {string} exposition
 * @param {string} name
 * @param {Record<string, string>} [want]
 */
function sumSamples(exposition, name, want = {}) {
  return parseSamples(exposition)
    .filter((sample) => sample.name === name && matches(sample.labels, want))
    .reduce((total, sample) => total + sample.value, 0);
}

/**
 * The label value of the gauge series set to 1, e.g. `button_shared_state_mode{mode="shared"} 1` -> 'shared'.
 * @param {string} exposition
 * @param {string} name
 * @param {string} label
 * @returns {string | undefined}
 */
function activeLabel(exposition, name, label) {
  return parseSamples(exposition).find((sample) => sample.name === name && sample.value === 1)?.labels[label];
}

/**
 * The most Button calls a fleet sharing one budget of `perMinute` may make in a window of `windowMs` that starts
 * with a full bucket: the bucket's burst (one second's worth, ceil(perMinute / 60)) plus the budget's pro-rata share
 * of the window. The plugin's bucket refills a little slower (over 61 s), so it should stay under this.
 * @param {number} perMinute
 * @param {number} windowMs
 */
function fleetAllowance(perMinute, windowMs) {
  const burst = Math.max(1, Math.min(Math.ceil(perMinute / 60), perMinute));
  return Math.floor(burst + (perMinute * windowMs) / 60_000);
}

module.exports = {
  parseSamples,
  parseHistogram,
  subtractHistogram,
  histogramQuantile,
  sumSamples,
  activeLabel,
  fleetAllowance,
};
