/**
 * Whether a pubRef was plausibly the one the user clicked for this transaction, by its issue time. Pure.
 *
 * A pubRef is issued when offers are served; the purchase follows the click. So a transaction created BEFORE
 * its pubRef was issued (beyond clock skew) carries a pubRef it cannot have come from, and one created long
 * after was kept and replayed (or the offer it names has long changed). Both are flagged `stale`; the ledger
 * keeps the row and the publisher decides (the hook gets `pubRefStale`).
 */

export const DEFAULT_PUB_REF_MAX_AGE_DAYS = 30;
/** Strapi's clock and Button's may disagree a little; the issue time is also rounded down to the second. */
export const ISSUE_CLOCK_SKEW_MS = 5 * 60 * 1000; // 5 min
const DAY_MS = 24 * 60 * 60 * 1000;

export type PubRefFreshness = { stale: false } | { stale: true; reason: 'issued-after-transaction' | 'older-than-max-age' };

export function pubRefFreshness(issuedAtMs: number, transactionAtMs: number, maxAgeDays: number): PubRefFreshness {
  if (issuedAtMs > transactionAtMs + ISSUE_CLOCK_SKEW_MS) return { stale: true, reason: 'issued-after-transaction' };
  if (transactionAtMs - issuedAtMs > maxAgeDays * DAY_MS) return { stale: true, reason: 'older-than-max-age' };
  return { stale: false };
}
