import { createSlidingWindow } from '../../../server/src/button-client/sliding-window';
import { createFakeClock } from '../../helpers/fake-clock';

describe('sliding window bound', () => {
  it('holds at most `buckets` slices over a long run', () => {
    const clock = createFakeClock();
    const window = createSlidingWindow(['requests'] as const, { windowMs: 10_000, buckets: 10, clock });
    for (let i = 0; i < 100_000; i += 1) {
      window.add('requests');
      clock.advance(7);
    }
    expect(window.size).toBeLessThanOrEqual(10);
    expect(window.sum('requests')).toBeLessThanOrEqual(Math.ceil(10_000 / 7) + 1);
  });

  it('stays bounded even if the clock steps back and forth', () => {
    let now = 1_000_000;
    const clock = { now: () => now, sleep: async () => undefined };
    const window = createSlidingWindow(['requests'] as const, { windowMs: 10_000, buckets: 10, clock });
    for (let i = 0; i < 10_000; i += 1) {
      now = i % 2 === 0 ? 1_000_000 : 1_005_000;
      window.add('requests');
    }
    expect(window.size).toBeLessThanOrEqual(10);
    expect(window.sum('requests')).toBe(10_000);
  });
});
