import type { Brand, BrandApp, BrandTerms } from './brand';
import type { BrandStore, StoredBrandState } from './sync';

/** The query engine's calls the catalogue uses on its two tables: small enough to fake. */
export interface CatalogueQuery {
  findMany(params: Record<string, unknown>): Promise<unknown[]>;
  findOne(params: Record<string, unknown>): Promise<unknown>;
  create(params: { data: Record<string, unknown> }): Promise<unknown>;
  update(params: { where: Record<string, unknown>; data: Record<string, unknown> }): Promise<unknown>;
  updateMany(params: { where: Record<string, unknown>; data: Record<string, unknown> }): Promise<{ count: number }>;
}

/** A brand as stored, as the admin reads it. */
export interface StoredBrand extends Brand {
  status: 'partnered' | 'removed';
  first_seen_at: string;
  last_seen_at: string;
  removed_at: string | null;
}

const BRAND_FIELDS = [
  'merchant_id',
  'name',
  'description',
  'homepage_url',
  'icon_url',
  'apps',
  'supported_hostnames',
  'terms',
  'status',
  'first_seen_at',
  'last_seen_at',
  'removed_at',
];

const brandColumns = (brand: Brand) => ({
  name: brand.name,
  description: brand.description,
  homepage_url: brand.homepage_url,
  icon_url: brand.icon_url,
  apps: brand.apps,
  supported_hostnames: brand.supported_hostnames,
  terms: brand.terms,
});

export function createBrandStore(query: () => CatalogueQuery): BrandStore & {
  all(): Promise<StoredBrand[]>;
  get(merchantId: string): Promise<StoredBrand | null>;
} {
  return {
    async find(merchantIds) {
      const rows = (await query().findMany({
        select: ['id', 'merchant_id', 'content_hash', 'status'],
        where: { merchant_id: { $in: merchantIds } },
      })) as Array<StoredBrandState & { id: number | string }>;
      return rows.map((row) => ({ ...row, id: Number(row.id) }));
    },
    async insert(brand, hash, syncId, at) {
      await query().create({
        data: {
          merchant_id: brand.merchant_id,
          ...brandColumns(brand),
          status: 'partnered',
          first_seen_at: at,
          last_seen_at: at,
          removed_at: null,
          content_hash: hash,
          last_sync: syncId,
          createdAt: at,
          updatedAt: at,
        },
      });
    },
    async touch(id, { brand, hash, syncId, at }) {
      await query().update({
        where: { id },
        data: {
          ...(brand === undefined ? {} : { ...brandColumns(brand), content_hash: hash }),
          status: 'partnered',
          removed_at: null,
          last_seen_at: at,
          last_sync: syncId,
          updatedAt: at,
        },
      });
    },
    async markUnseenRemoved(syncId, at) {
      const { count } = await query().updateMany({
        // `last_sync <> n` is not true for NULL in SQL: a row no sync ever touched needs its own branch.
        where: { status: 'partnered', $or: [{ last_sync: { $ne: syncId } }, { last_sync: { $null: true } }] },
        data: { status: 'removed', removed_at: at, updatedAt: at },
      });
      return count;
    },
    async all() {
      const rows = await query().findMany({ select: BRAND_FIELDS, orderBy: [{ name: 'asc' }, { merchant_id: 'asc' }] });
      return rows.map(normaliseBrand);
    },
    async get(merchantId) {
      const row = await query().findOne({ select: BRAND_FIELDS, where: { merchant_id: merchantId } });
      return row === null || row === undefined ? null : normaliseBrand(row);
    },
  };
}

const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());

/** JSON columns come back parsed on PostgreSQL, as strings on some MySQL drivers: both read the same. */
function json<T>(value: unknown, fallback: T): T {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as T;
    } catch {
      return fallback;
    }
  }
  return (value ?? fallback) as T;
}

const NO_TERMS: BrandTerms = {
  reporting_window_days: null,
  finalization_window_minutes: null,
  coupons_allowed: null,
  gift_cards_allowed: null,
  exclusion_details: null,
  other_terms: null,
};

function normaliseBrand(row: unknown): StoredBrand {
  const raw = row as Record<string, unknown>;
  return {
    merchant_id: String(raw.merchant_id),
    name: String(raw.name),
    description: (raw.description as string | null) ?? null,
    homepage_url: (raw.homepage_url as string | null) ?? null,
    icon_url: (raw.icon_url as string | null) ?? null,
    apps: json<BrandApp[]>(raw.apps, []),
    supported_hostnames: json<string[]>(raw.supported_hostnames, []),
    terms: { ...NO_TERMS, ...json<Partial<BrandTerms>>(raw.terms, {}) },
    status: raw.status === 'removed' ? 'removed' : 'partnered',
    first_seen_at: iso(raw.first_seen_at)!,
    last_seen_at: iso(raw.last_seen_at)!,
    removed_at: iso(raw.removed_at),
  };
}
