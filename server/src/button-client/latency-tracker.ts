/**
 * Recent successful attempt latencies, for hedging "after the observed p95". A fixed ring of samples keeps memory
 * constant and lets the estimate follow Button's latency as it drifts.
 */
export interface LatencyTracker {
  record(ms: number): void;
  /** The p-th percentile (0-100) of recent samples, or undefined until there are enough to trust. */
  percentile(p: number): number | undefined;
  readonly count: number;
}

export function createLatencyTracker(options: { size?: number; minSamples?: number } = {}): LatencyTracker {
  const size = options.size ?? 512;
  const minSamples = options.minSamples ?? 20;
  const samples: number[] = [];
  let next = 0;
  return {
    record(ms) {
      if (samples.length < size) samples.push(ms);
      else samples[next] = ms;
      next = (next + 1) % size;
    },
    percentile(p) {
      if (samples.length < minSamples) return undefined;
      const sorted = [...samples].sort((a, b) => a - b);
      const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
      return sorted[index];
    },
    get count() {
      return samples.length;
    },
  };
}
