import type { StoredBrand } from '../../../server/src/catalogue/store';
import { buildWorkspace } from '../../../server/src/catalogue/workspace';
import type { EntryRow } from '../../../server/src/merchants/entries';

/** The mapping workspace: the stored catalogue joined with the entries per locale and with Button's recent offers. */
const NOW = Date.parse('2026-11-24T12:00:00Z');
const DAY = 86_400_000;

const brand = (merchant_id: string, name: string, status: StoredBrand['status'] = 'partnered'): StoredBrand => ({
  merchant_id,
  name,
  description: null,
  homepage_url: null,
  icon_url: `https://cdn.example/${merchant_id}.png`,
  apps: [],
  supported_hostnames: [],
  terms: {
    reporting_window_days: null,
    finalization_window_minutes: null,
    coupons_allowed: null,
    gift_cards_allowed: null,
    exclusion_details: null,
    other_terms: null,
  },
  status,
  first_seen_at: '2026-11-01T00:00:00.000Z',
  last_seen_at: '2026-11-24T04:29:00.000Z',
  removed_at: status === 'removed' ? '2026-11-24T04:29:00.000Z' : null,
});

const entry = (merchant_id: string, locale: string, published: boolean, documentId = `doc-${merchant_id}`): EntryRow => ({
  documentId,
  merchant_id,
  name: `Entry ${merchant_id}`,
  locale,
  publishedAt: published ? '2026-11-20T00:00:00.000Z' : null,
  enabled: true,
});

const input = {
  brands: [brand('org-a', 'Alpha'), brand('org-b', 'Bravo'), brand('org-c', 'Charlie'), brand('org-d', 'Delta', 'removed')],
  entries: [
    // Alpha: published in both locales (a published row has its draft row too).
    entry('org-a', 'en', true),
    entry('org-a', 'en', false),
    entry('org-a', 'fr', true),
    // Bravo: published in en, a draft in fr.
    entry('org-b', 'en', true),
    entry('org-b', 'fr', false),
    // Delta: removed from the catalogue, still has an entry.
    entry('org-d', 'en', true),
    // Not in the catalogue at all.
    entry('org-zz', 'fr', false),
  ],
  locales: ['en', 'fr'],
  seen: [
    ['org-a', { firstSeenAt: NOW - 60 * DAY, lastSeenAt: NOW - DAY }],
    ['org-c', { firstSeenAt: NOW - 90 * DAY, lastSeenAt: NOW - 45 * DAY }],
  ] as Array<[string, { firstSeenAt: number; lastSeenAt: number }]>,
  now: NOW,
  recentMs: 30 * DAY,
};
const page = { page: 1, pageSize: 20 };

describe('the mapping workspace', () => {
  it('gives each brand its mapping per locale, whether it was offered recently, and flags removed brands with entries', () => {
    const { data, meta } = buildWorkspace(input, page);
    expect(
      data.map((row) => [row.merchant_id, row.mapping, row.locales.map((l) => l.state), row.offered.recently, row.flagged])
    ).toEqual([
      ['org-a', 'mapped', ['published', 'published'], true, false],
      ['org-b', 'partial', ['published', 'draft'], false, false],
      ['org-c', 'unmapped', ['missing', 'missing'], false, false],
      ['org-d', 'partial', ['published', 'missing'], false, true],
    ]);
    expect(data[2]!.offered.last_seen_at).toBe(new Date(NOW - 45 * DAY).toISOString());
    expect(meta.orphaned).toEqual([{ document_id: 'doc-org-zz', merchant_id: 'org-zz', name: 'Entry org-zz', locales: ['fr'] }]);
    expect(meta.counts).toEqual({
      total: 4,
      partnered: 3,
      removed: 1,
      mapped: 1,
      partial: 2,
      unmapped: 1,
      offered: 1,
      flagged: 1,
    });
    expect(meta.locales).toEqual(['en', 'fr']);
  });

  it.each([
    [{ q: 'BRAV' }, ['org-b']],
    [{ q: 'org-c' }, ['org-c']],
    [{ mapping: 'partial' as const }, ['org-b', 'org-d']],
    [{ status: 'removed' as const }, ['org-d']],
    [{ offered: true }, ['org-a']],
    [{ offered: false, mapping: 'unmapped' as const }, ['org-c']],
  ])('filters by %j', (filters, expected) => {
    expect(buildWorkspace(input, { ...page, ...filters }).data.map((row) => row.merchant_id)).toEqual(expected);
  });

  it('pages, and works with no i18n, no entries and an empty catalogue', () => {
    const second = buildWorkspace(input, { page: 2, pageSize: 3 });
    expect(second.data.map((row) => row.merchant_id)).toEqual(['org-d']);
    expect(second.meta.pagination).toEqual({ page: 2, pageSize: 3, pageCount: 2, total: 4 });
    const plain = buildWorkspace({ ...input, locales: [], entries: [{ ...entry('org-a', 'x', true), locale: null }] }, page);
    expect(plain.data[0]!.locales).toEqual([{ locale: null, state: 'published' }]);
    const empty = buildWorkspace({ ...input, brands: [], entries: [], seen: [] }, page);
    expect(empty).toMatchObject({ data: [], meta: { orphaned: [], pagination: { total: 0, pageCount: 1 } } });
  });
});
