import type { ListClient, NumberedPage } from '../../../server/src/button-client';
import type { Brand } from '../../../server/src/catalogue/brand';
import { SyncStoppedError, syncCatalogue, type BrandStore, type StoredBrandState } from '../../../server/src/catalogue/sync';

/**
 * One sync pass with the pages given here, over an in-memory brands table (the query-engine store and the whole
 * sync run against the simulator and three databases in tests/integration/catalogue-sync).
 */
const brand = (id: string, name = `Brand ${id}`, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  description: `About ${name}`,
  urls: { homepage: `https://${id}.example/` },
  icon_url: `https://cdn.example/${id}.png`,
  terms_and_conditions: { reporting_window_days: 30 },
  ...extra,
});

function listing(pages: unknown[][], options: { truncatedAfter?: number; failAfter?: number } = {}) {
  const requests: unknown[] = [];
  const lists = {
    page: async () => ({ objects: [], next: null }),
    async *pages(request: unknown): AsyncGenerator<NumberedPage> {
      requests.push(request);
      for (const [index, objects] of pages.entries()) {
        if (options.failAfter !== undefined && index === options.failAfter) throw new Error('Button answered 503');
        const truncated = options.truncatedAfter !== undefined && index + 1 === options.truncatedAfter;
        const more = index + 1 < pages.length;
        yield { objects, next: more ? 'https://x/?cursor=c' : null, index, truncated, nextCursor: more ? 'c' : null };
        if (truncated) return;
      }
    },
  } as unknown as ListClient;
  return { lists, requests };
}

interface Row extends StoredBrandState {
  brand: Brand;
  last_sync: number;
  removed_at: Date | null;
}

function memoryStore() {
  const rows = new Map<string, Row>();
  let nextId = 1;
  const store: BrandStore = {
    async find(ids) {
      return [...rows.values()]
        .filter((row) => ids.includes(row.merchant_id))
        .map(({ id, merchant_id, content_hash, status }) => ({ id, merchant_id, content_hash, status }));
    },
    async insert(brand, hash, syncId) {
      rows.set(brand.merchant_id, {
        id: nextId++,
        merchant_id: brand.merchant_id,
        content_hash: hash,
        status: 'partnered',
        brand,
        last_sync: syncId,
        removed_at: null,
      });
    },
    async touch(id, update) {
      const row = [...rows.values()].find((candidate) => candidate.id === id)!;
      Object.assign(row, { status: 'partnered', removed_at: null, last_sync: update.syncId });
      if (update.brand) Object.assign(row, { brand: update.brand, content_hash: update.hash });
    },
    async markUnseenRemoved(syncId, at) {
      let count = 0;
      for (const row of rows.values()) {
        if (row.status === 'partnered' && row.last_sync !== syncId) {
          Object.assign(row, { status: 'removed', removed_at: at });
          count += 1;
        }
      }
      return count;
    },
  };
  return { store, rows };
}

const run = (lists: ListClient, store: BrandStore, syncId: number, warnings: string[] = []) =>
  syncCatalogue(
    { lists, store, now: () => new Date('2026-11-24T04:29:00Z'), log: { warn: (message) => warnings.push(message) } },
    { syncId, status: 'approved', maxPages: 10 }
  );

describe('a catalogue sync pass', () => {
  it('adds every brand on a first sync, across pages, asking for the configured status', async () => {
    const { store, rows } = memoryStore();
    const { lists, requests } = listing([[brand('org-a'), brand('org-b')], [brand('org-c')]]);
    expect(await run(lists, store, 1)).toEqual({
      pages: 2,
      seen: 3,
      added: 3,
      changed: 0,
      removed: 0,
      unchanged: 0,
      errors: 0,
      truncated: false,
    });
    expect(requests).toEqual([{ path: '/v1/merchants', query: { status: 'approved' }, maxPages: 10 }]);
    expect([...rows.keys()]).toEqual(['org-a', 'org-b', 'org-c']);
  });

  it('counts what changed, what did not, and marks what a complete pass did not see as removed', async () => {
    const { store, rows } = memoryStore();
    await run(listing([[brand('org-a'), brand('org-b'), brand('org-c')]]).lists, store, 1);
    const second = await run(listing([[brand('org-a'), brand('org-b', 'Renamed')], [brand('org-d')]]).lists, store, 2);
    expect(second).toMatchObject({ seen: 3, added: 1, changed: 1, unchanged: 1, removed: 1 });
    expect(rows.get('org-c')).toMatchObject({ status: 'removed' });
    expect(rows.get('org-b')!.brand.name).toBe('Renamed');
    // Back in the catalogue: partnered again, counted as added.
    const third = await run(
      listing([[brand('org-a'), brand('org-b', 'Renamed'), brand('org-c'), brand('org-d')]]).lists,
      store,
      3
    );
    expect(third).toMatchObject({ added: 1, changed: 0, unchanged: 3, removed: 0 });
    expect(rows.get('org-c')).toMatchObject({ status: 'partnered', removed_at: null });
  });

  it('removes nothing when the pass was truncated (catalogue.maxPages) or failed', async () => {
    const { store, rows } = memoryStore();
    await run(listing([[brand('org-a')], [brand('org-b')], [brand('org-c')]]).lists, store, 1);
    const truncated = await run(
      listing([[brand('org-a')], [brand('org-b')], [brand('org-c')]], { truncatedAfter: 1 }).lists,
      store,
      2
    );
    expect(truncated).toMatchObject({ pages: 1, truncated: true, removed: 0 });
    await expect(run(listing([[brand('org-a')], [brand('org-b')]], { failAfter: 1 }).lists, store, 3)).rejects.toThrow('503');
    expect([...rows.values()].every((row) => row.status === 'partnered')).toBe(true);
  });

  it('skips an unreadable brand (counted, logged) without marking it removed', async () => {
    const { store, rows } = memoryStore();
    await run(listing([[brand('org-a'), brand('org-b')]]).lists, store, 1);
    const warnings: string[] = [];
    const counts = await run(listing([[brand('org-a'), brand('org-b', ''), { name: 'no id' }]]).lists, store, 2, warnings);
    expect(counts).toMatchObject({ seen: 3, errors: 2, removed: 0, unchanged: 1 });
    expect(rows.get('org-b')).toMatchObject({ status: 'partnered' });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('org-b');
  });

  it('counts a brand listed twice once', async () => {
    const { store } = memoryStore();
    expect(await run(listing([[brand('org-a'), brand('org-a', 'Other')]]).lists, store, 1)).toMatchObject({
      added: 1,
      unchanged: 1,
    });
  });

  it('stops when the lease is lost, before marking anything removed', async () => {
    const { store, rows } = memoryStore();
    await run(listing([[brand('org-a'), brand('org-b')]]).lists, store, 1);
    const pass = syncCatalogue(
      {
        lists: listing([[brand('org-a')], [brand('org-z')]]).lists,
        store,
        now: () => new Date(),
        log: { warn: () => undefined },
        afterPage: async () => false,
      },
      { syncId: 2, status: 'approved', maxPages: 10 }
    );
    await expect(pass).rejects.toBeInstanceOf(SyncStoppedError);
    expect(rows.get('org-b')).toMatchObject({ status: 'partnered' });
  });
});
