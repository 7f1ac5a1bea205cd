import { errors } from '@strapi/utils';
import type { DraftAuthor } from '../../../server/src/merchants/draft-permission';
import type { EntryRow, MerchantEntries } from '../../../server/src/merchants/entries';
import { createMerchantsService } from '../../../server/src/merchants/service';
import { createFakeStore, silentLog } from '../../helpers/service-fakes';

/** The CMS as the merchants service sees it: rows, and drafts it creates. */
function createFakeEntries(rows: EntryRow[] = []) {
  const created: Array<{ data: object; locale?: string }> = [];
  const entries: MerchantEntries = {
    rows: async () => rows,
    findDocumentId: async (merchantId) => rows.find((row) => row.merchant_id === merchantId)?.documentId,
    defaultLocale: async () => 'en',
    async createDraft(data, locale) {
      created.push({ data, locale });
      return `doc-new-${created.length}`;
    },
  };
  return { entries, created };
}

const row = (merchantId: string, publishedAt: string | null, enabled = true): EntryRow => ({
  documentId: `doc-${merchantId}`,
  merchant_id: merchantId,
  name: `Name ${merchantId}`,
  locale: 'en',
  publishedAt,
  enabled,
});

const author = (permitted: (data: object) => object | null): DraftAuthor => ({
  userId: 7,
  permitCreate: async ({ data }) => permitted(data),
});

describe('merchants service', () => {
  it('classifies what Button returned against the CMS, filters and pages', async () => {
    const rows = [row('org-mapped', '2026-01-01'), row('org-draft', null), row('org-orphan', '2026-01-01')];
    const { entries } = createFakeEntries(rows);
    let now = 1_000;
    const merchants = createMerchantsService({ store: createFakeStore(), entries, log: silentLog, now: () => now });
    merchants.recordSeen(['org-mapped', 'org-draft']);
    now = 2_000;
    merchants.recordSeen(['org-new']);

    const all = await merchants.list({ page: 1, pageSize: 10 });
    expect(all.data.map((merchant) => [merchant.merchant_id, merchant.status])).toEqual([
      ['org-new', 'unmapped'],
      ['org-draft', 'unmapped'],
      ['org-mapped', 'mapped'],
      ['org-orphan', 'orphaned'],
    ]);
    expect(all.meta.counts).toEqual({ mapped: 1, unmapped: 2, orphaned: 1, total: 4 });

    const page = await merchants.list({ status: 'unmapped', page: 2, pageSize: 1 });
    expect(page.data.map((merchant) => merchant.merchant_id)).toEqual(['org-draft']);
    expect(page.meta.pagination).toEqual({ page: 2, pageSize: 1, pageCount: 2, total: 2 });
  });

  it('saves the registry when it changed, and loads it back on start', async () => {
    const store = createFakeStore();
    const first = createMerchantsService({ store, entries: createFakeEntries().entries, log: silentLog, now: () => 5 });
    await first.start();
    first.recordSeen(['org-a']);
    await first.stop();
    await first.persist(); // nothing changed since: no second write
    expect(store.writes).toEqual([['seen-merchants', { 'org-a': { firstSeenAt: 5, lastSeenAt: 5 } }]]);

    const second = createMerchantsService({ store, entries: createFakeEntries().entries, log: silentLog });
    await second.start();
    await second.stop();
    const listed = await second.list({ page: 1, pageSize: 10 });
    expect(listed.data.map((merchant) => merchant.merchant_id)).toEqual(['org-a']);
  });

  it('rewrites a known merchant only past the last-seen resolution, and saves everything at stop', async () => {
    const store = createFakeStore();
    let now = 0;
    const merchants = createMerchantsService({
      store,
      entries: createFakeEntries().entries,
      log: silentLog,
      now: () => now,
      lastSeenResolutionMs: 60_000,
    });
    await merchants.start();
    merchants.recordSeen(['org-a']);
    await merchants.persist();
    now = 30_000;
    merchants.recordSeen(['org-a']);
    await merchants.persist(); // only lastSeenAt moved, by less than the resolution: no write
    expect(store.writes).toHaveLength(1);
    await merchants.stop();
    expect(store.writes).toHaveLength(2);
    expect(store.writes[1]).toEqual(['seen-merchants', { 'org-a': { firstSeenAt: 0, lastSeenAt: 30_000 } }]);
  });

  it('creates a draft with only what the author may set, once', async () => {
    const fake = createFakeEntries([row('org-existing', null)]);
    const merchants = createMerchantsService({ store: createFakeStore(), entries: fake.entries, log: silentLog });
    const withoutPriority = author((data) => ({ ...data, priority: undefined }));

    await expect(merchants.createDraft('org-existing', withoutPriority)).resolves.toEqual({
      document_id: 'doc-org-existing',
      created: false,
    });
    await expect(merchants.createDraft('org-new', withoutPriority)).resolves.toEqual({ document_id: 'doc-new-1', created: true });
    expect(fake.created).toEqual([
      {
        data: { merchant_id: 'org-new', name: 'org-new', enabled: true, priority: undefined, createdBy: 7, updatedBy: 7 },
        locale: 'en',
      },
    ]);
  });

  it('refuses a draft the Content Manager would refuse, or one that could not carry the merchant id', async () => {
    const fake = createFakeEntries();
    const merchants = createMerchantsService({ store: createFakeStore(), entries: fake.entries, log: silentLog });
    await expect(
      merchants.createDraft(
        'org-x',
        author(() => null)
      )
    ).rejects.toBeInstanceOf(errors.ForbiddenError);
    await expect(
      merchants.createDraft(
        'org-x',
        author(() => ({ name: 'x' }))
      )
    ).rejects.toBeInstanceOf(errors.ForbiddenError);
    expect(fake.created).toEqual([]);
  });

  it('writes the union of what every instance saw, never only its own view (one store, two instances, no Redis)', async () => {
    const store = createFakeStore();
    const { entries } = createFakeEntries();
    let now = 1_000;
    const a = createMerchantsService({ store, entries, log: silentLog, now: () => now });
    const b = createMerchantsService({ store, entries, log: silentLog, now: () => now });
    await a.start();
    await b.start();
    a.recordSeen(['org-a', 'org-both']);
    now = 2_000;
    b.recordSeen(['org-b', 'org-both']);
    await a.persist();
    await b.persist(); // last writer: before the merge, it erased org-a
    await Promise.all([a.stop(), b.stop()]);

    expect(store.data.get('seen-merchants')).toEqual({
      'org-a': { firstSeenAt: 1_000, lastSeenAt: 1_000 },
      'org-b': { firstSeenAt: 2_000, lastSeenAt: 2_000 },
      'org-both': { firstSeenAt: 1_000, lastSeenAt: 2_000 },
    });
    // And each instance's page shows the fleet's merchants, not only its own.
    const listed = await a.list({ page: 1, pageSize: 10 });
    expect(listed.data.map((merchant) => merchant.merchant_id).sort()).toEqual(['org-a', 'org-b', 'org-both']);
  });

  it('merges through the shared registry when there is one, and falls back to the store when it fails', async () => {
    const store = createFakeStore({ 'seen-merchants': { 'org-stored': { firstSeenAt: 5, lastSeenAt: 5 } } });
    const { entries } = createFakeEntries();
    const fleet: Record<string, { firstSeenAt: number; lastSeenAt: number }> = {
      'org-other-instance': { firstSeenAt: 10, lastSeenAt: 20 },
    };
    let redisUp = true;
    const forgotten: string[] = [];
    const shared = {
      merge: async (seen: typeof fleet) => {
        if (!redisUp) throw new Error('Redis is down');
        Object.assign(fleet, seen);
        return { ...fleet };
      },
      forget: async (ids: readonly string[]) => {
        forgotten.push(...ids);
      },
    };
    const merchants = createMerchantsService({ store, entries, log: silentLog, now: () => 30, shared });
    await merchants.start();
    merchants.recordSeen(['org-mine']);
    await merchants.persist();
    expect(Object.keys(fleet).sort()).toEqual(['org-mine', 'org-other-instance']);
    expect(Object.keys(store.data.get('seen-merchants') as object).sort()).toEqual(['org-mine', 'org-other-instance']);
    expect(forgotten).toEqual([]);

    redisUp = false;
    store.data.set('seen-merchants', {
      ...(store.data.get('seen-merchants') as object),
      'org-written-meanwhile': { firstSeenAt: 40, lastSeenAt: 40 },
    });
    merchants.recordSeen(['org-later']);
    await merchants.persist();
    expect(Object.keys(store.data.get('seen-merchants') as object).sort()).toEqual([
      'org-later',
      'org-mine',
      'org-other-instance',
      'org-written-meanwhile',
    ]);
    await merchants.stop();
  });
});
