import type { Clock } from './clock';

/**
 * Counts over the last `windowMs`, in `buckets` slices: the shared arithmetic behind the retry budget, the hedge
 * budget and the breaker. Old slices are dropped as time moves on, so a burst an hour ago weighs nothing now.
 */
export interface SlidingWindow<Field extends string> {
  add(field: Field, amount?: number): void;
  sum(field: Field): number;
  reset(): void;
  /** Slices held (at most `buckets`): for tests of the bound. */
  readonly size: number;
}

export function createSlidingWindow<Field extends string>(
  fields: readonly Field[],
  options: { windowMs: number; buckets?: number; clock: Clock }
): SlidingWindow<Field> {
  const bucketCount = options.buckets ?? 10;
  const bucketMs = options.windowMs / bucketCount;
  const empty = () => Object.fromEntries(fields.map((field) => [field, 0])) as Record<Field, number>;
  let slices: Array<{ index: number; counts: Record<Field, number> }> = [];

  const current = () => {
    const index = Math.floor(options.clock.now() / bucketMs);
    // Drop slices that fell out of the window; keep at most `bucketCount`, even if the clock ever steps back
    // (a slice is then looked up, not appended twice, and the oldest go first).
    slices = slices.filter((slice) => slice.index > index - bucketCount);
    let slice = slices.find((candidate) => candidate.index === index);
    if (slice === undefined) {
      slice = { index, counts: empty() };
      slices.push(slice);
      if (slices.length > bucketCount) slices = slices.slice(-bucketCount);
    }
    return slice;
  };

  return {
    add(field, amount = 1) {
      current().counts[field] += amount;
    },
    sum(field) {
      current();
      return slices.reduce((total, slice) => total + slice.counts[field], 0);
    },
    reset() {
      slices = [];
    },
    get size() {
      return slices.length;
    },
  };
}
