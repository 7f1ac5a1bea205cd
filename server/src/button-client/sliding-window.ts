import type { Clock } from './clock';

/**
 * Counts over the last `windowMs`, in `buckets` slices: the shared arithmetic behind the retry budget, the hedge
 * budget and the breaker. Old slices are dropped as time moves on, so a burst an hour ago weighs nothing now.
 */
export interface SlidingWindow<Field extends string> {
  add(field: Field, amount?: number): void;
  sum(field: Field): number;
  reset(): void;
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
    // Drop slices that fell out of the window; keep at most `bucketCount`.
    slices = slices.filter((slice) => slice.index > index - bucketCount);
    let slice = slices[slices.length - 1];
    if (slice === undefined || slice.index !== index) {
      slice = { index, counts: empty() };
      slices.push(slice);
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
  };
}
