import type { MappingStatus, MerchantEntrySummary, MerchantRow } from '../contracts/admin';
import type { SeenMerchant } from './registry';

export type { MappingStatus, MerchantRow } from '../contracts/admin';
/** One merchant-offer entry as the Merchants page needs it (all locales and states folded together). */
export type EntrySummary = MerchantEntrySummary;

/**
 * Joins what Button returned with what the CMS holds. Mapped: Button returns it and a live entry exists.
 * Unmapped: Button returns it, no live entry (none, or only drafts / disabled). Orphaned: an entry whose
 * merchant Button has not returned. Pure.
 */
export function classifyMerchants(seen: Array<[string, SeenMerchant]>, entries: EntrySummary[]): MerchantRow[] {
  const byMerchant = new Map(entries.map((entry) => [entry.merchant_id, entry]));
  const rows: MerchantRow[] = seen.map(([merchantId, when]) => {
    const entry = byMerchant.get(merchantId) ?? null;
    return {
      merchant_id: merchantId,
      status: entry?.live ? 'mapped' : 'unmapped',
      first_seen_at: new Date(when.firstSeenAt).toISOString(),
      last_seen_at: new Date(when.lastSeenAt).toISOString(),
      entry,
    };
  });
  const seenIds = new Set(seen.map(([merchantId]) => merchantId));
  for (const entry of entries) {
    if (!seenIds.has(entry.merchant_id)) {
      rows.push({ merchant_id: entry.merchant_id, status: 'orphaned', first_seen_at: null, last_seen_at: null, entry });
    }
  }
  // Unmapped first (they need an editor), then by most recently seen, then by id.
  const order: Record<MappingStatus, number> = { unmapped: 0, mapped: 1, orphaned: 2 };
  return rows.sort(
    (a, b) =>
      order[a.status] - order[b.status] ||
      (b.last_seen_at ?? '').localeCompare(a.last_seen_at ?? '') ||
      a.merchant_id.localeCompare(b.merchant_id)
  );
}
