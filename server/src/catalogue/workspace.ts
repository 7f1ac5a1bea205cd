import type { SeenMerchant } from '../merchants/registry';
import type { EntryRow } from '../merchants/entries';
import type { StoredBrand } from './store';

/**
 * The mapping workspace: every brand of the stored catalogue joined with the merchant-offer entries (per locale)
 * and with what Button offered recently (the seen-merchants registry), plus the entries whose merchant is not in
 * the catalogue at all. Built only from what is stored, so it answers whether or not Button is reachable. Pure.
 */
export type BrandMapping = 'mapped' | 'partial' | 'unmapped';
export type LocaleState = 'published' | 'draft' | 'missing';

export interface CatalogueQuery {
  q?: string;
  mapping?: BrandMapping;
  status?: StoredBrand['status'];
  offered?: boolean;
  page: number;
  pageSize: number;
}

export interface CatalogueRow {
  merchant_id: string;
  name: string;
  description: string | null;
  icon_url: string | null;
  homepage_url: string | null;
  /** `removed`: no longer in Button's catalogue (a complete sync did not see it). */
  status: StoredBrand['status'];
  first_seen_at: string;
  last_seen_at: string;
  removed_at: string | null;
  /** mapped: an entry published in every locale; partial: some locales only, or drafts; unmapped: no entry. */
  mapping: BrandMapping;
  document_id: string | null;
  /** One per locale of the app (`locale: null` without i18n). */
  locales: Array<{ locale: string | null; state: LocaleState }>;
  /** Whether Button's offers included it within the recent window, and when last. */
  offered: { recently: boolean; last_seen_at: string | null };
  /** An entry exists for a brand no longer partnered: its content may need to go. */
  flagged: boolean;
}

export interface OrphanedEntry {
  document_id: string;
  merchant_id: string;
  name: string;
  locales: Array<string | null>;
}

export interface WorkspaceInput {
  brands: StoredBrand[];
  entries: EntryRow[];
  /** The app's locales (i18n), default first; empty without i18n. */
  locales: string[];
  seen: Array<[string, SeenMerchant]>;
  now: number;
  recentMs: number;
}

export function buildWorkspace(input: WorkspaceInput, query: CatalogueQuery) {
  const locales: Array<string | null> = input.locales.length === 0 ? [null] : input.locales;
  const entriesByMerchant = new Map<string, EntryRow[]>();
  for (const row of input.entries) {
    const list = entriesByMerchant.get(row.merchant_id) ?? [];
    list.push(row);
    entriesByMerchant.set(row.merchant_id, list);
  }
  const seen = new Map(input.seen);

  const rows: CatalogueRow[] = input.brands.map((brand) => {
    const entries = entriesByMerchant.get(brand.merchant_id) ?? [];
    const states = locales.map((locale) => ({ locale, state: localeState(entries, locale) }));
    const published = states.filter((state) => state.state === 'published').length;
    const present = states.filter((state) => state.state !== 'missing').length;
    const mapping: BrandMapping =
      entries.length === 0 ? 'unmapped' : published === states.length && present === states.length ? 'mapped' : 'partial';
    const sighting = seen.get(brand.merchant_id);
    return {
      merchant_id: brand.merchant_id,
      name: brand.name,
      description: brand.description,
      icon_url: brand.icon_url,
      homepage_url: brand.homepage_url,
      status: brand.status,
      first_seen_at: brand.first_seen_at,
      last_seen_at: brand.last_seen_at,
      removed_at: brand.removed_at,
      mapping,
      document_id: entries[0]?.documentId ?? null,
      locales: states,
      offered: {
        recently: sighting !== undefined && input.now - sighting.lastSeenAt <= input.recentMs,
        last_seen_at: sighting === undefined ? null : new Date(sighting.lastSeenAt).toISOString(),
      },
      flagged: brand.status === 'removed' && entries.length > 0,
    };
  });

  const known = new Set(input.brands.map((brand) => brand.merchant_id));
  const orphaned: OrphanedEntry[] = [...entriesByMerchant.entries()]
    .filter(([merchantId]) => !known.has(merchantId))
    .map(([merchantId, entries]) => ({
      document_id: entries[0]!.documentId,
      merchant_id: merchantId,
      name: entries[0]!.name,
      locales: [...new Set(entries.map((entry) => entry.locale ?? null))],
    }))
    .sort((a, b) => a.merchant_id.localeCompare(b.merchant_id));

  const counts = { total: rows.length, partnered: 0, removed: 0, mapped: 0, partial: 0, unmapped: 0, offered: 0, flagged: 0 };
  for (const row of rows) {
    counts[row.status] += 1;
    counts[row.mapping] += 1;
    if (row.offered.recently) counts.offered += 1;
    if (row.flagged) counts.flagged += 1;
  }

  const needle = query.q?.trim().toLowerCase();
  const filtered = rows
    .filter(
      (row) =>
        (!needle || row.name.toLowerCase().includes(needle) || row.merchant_id.toLowerCase().includes(needle)) &&
        (query.mapping === undefined || row.mapping === query.mapping) &&
        (query.status === undefined || row.status === query.status) &&
        (query.offered === undefined || row.offered.recently === query.offered)
    )
    // Partnered first (what an editor works on), then by name.
    .sort((a, b) => Number(a.status === 'removed') - Number(b.status === 'removed') || a.name.localeCompare(b.name));
  const pageCount = Math.max(1, Math.ceil(filtered.length / query.pageSize));
  const start = (query.page - 1) * query.pageSize;
  return {
    data: filtered.slice(start, start + query.pageSize),
    meta: {
      counts,
      orphaned,
      locales,
      pagination: { page: query.page, pageSize: query.pageSize, pageCount, total: filtered.length },
    },
  };
}

/** A locale's state: published if any of its rows is, else draft if one exists, else missing. */
function localeState(entries: EntryRow[], locale: string | null): LocaleState {
  const mine = entries.filter((entry) => locale === null || entry.locale === locale);
  if (mine.some((entry) => entry.publishedAt !== null)) return 'published';
  return mine.length > 0 ? 'draft' : 'missing';
}
