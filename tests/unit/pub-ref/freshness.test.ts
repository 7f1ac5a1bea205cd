import { ISSUE_CLOCK_SKEW_MS, pubRefFreshness } from '../../../server/src/pub-ref/freshness';

const T = Date.UTC(2026, 2, 1, 10);
const DAY = 24 * 60 * 60 * 1000;

describe('pubRefFreshness', () => {
  it.each([
    ['issued an hour before the purchase', T - 3_600_000, { stale: false }],
    ['issued within the clock skew after it', T + ISSUE_CLOCK_SKEW_MS, { stale: false }],
    ['issued after the purchase', T + ISSUE_CLOCK_SKEW_MS + 1000, { stale: true, reason: 'issued-after-transaction' }],
    ['issued exactly the max age before', T - 30 * DAY, { stale: false }],
    ['issued longer than the max age before', T - 30 * DAY - 1000, { stale: true, reason: 'older-than-max-age' }],
  ])('%s', (_label, issuedAt, expected) => {
    expect(pubRefFreshness(issuedAt, T, 30)).toEqual(expected);
  });
});
