import { classifyMerchants, type EntrySummary } from '../../../server/src/merchants/classify';
import { createMerchantRegistry } from '../../../server/src/merchants/registry';

const entry = (merchantId: string, live: boolean, name = merchantId): EntrySummary => ({
  document_id: `doc-${merchantId}`,
  merchant_id: merchantId,
  name,
  locales: ['en'],
  live,
});

describe('merchant registry', () => {
  it('remembers first and last sightings, never anything else', () => {
    const registry = createMerchantRegistry();
    registry.recordSeen(['org-a', 'org-b'], 1000);
    registry.recordSeen(['org-a'], 5000);
    expect(registry.toJSON()).toEqual({
      'org-a': { firstSeenAt: 1000, lastSeenAt: 5000 },
      'org-b': { firstSeenAt: 1000, lastSeenAt: 1000 },
    });
  });

  it('tracks whether there is something to persist', () => {
    const registry = createMerchantRegistry();
    expect(registry.dirty).toBe(false);
    registry.recordSeen(['org-a'], 1);
    expect(registry.dirty).toBe(true);
    registry.markPersisted();
    expect(registry.dirty).toBe(false);
    registry.recordSeen([], 2);
    expect(registry.dirty).toBe(false);
  });

  it('asks for a write for a new merchant at once, for a known one only past the last-seen resolution', () => {
    const registry = createMerchantRegistry({ lastSeenResolutionMs: 1_000 });
    registry.recordSeen(['org-a'], 10);
    expect(registry.dirty).toBe(true);
    registry.markPersisted();
    registry.recordSeen(['org-a'], 500); // steady traffic: lastSeenAt moves on every request
    expect(registry.toJSON()['org-a']).toEqual({ firstSeenAt: 10, lastSeenAt: 500 }); // memory is exact
    expect(registry.dirty).toBe(false);
    expect(registry.unsaved).toBe(true); // what a write at shutdown still saves
    registry.recordSeen(['org-a'], 1_010);
    expect(registry.dirty).toBe(true);
    registry.markPersisted();
    expect(registry.unsaved).toBe(false);
    registry.recordSeen(['org-b'], 1_011); // a new merchant never waits
    expect(registry.dirty).toBe(true);
    registry.markPersisted();
    registry.recordSeen(['', 'x'.repeat(300)], 5_000); // nothing the registry keeps
    expect(registry.unsaved).toBe(false);
  });

  it('merges a saved copy, ignoring malformed entries', () => {
    const registry = createMerchantRegistry();
    registry.recordSeen(['org-a'], 5000);
    registry.load({
      'org-a': { firstSeenAt: 100, lastSeenAt: 200 },
      'org-b': { firstSeenAt: 1, lastSeenAt: 2 },
      'org-c': 'junk',
    });
    expect(registry.toJSON()).toEqual({
      'org-a': { firstSeenAt: 100, lastSeenAt: 5000 },
      'org-b': { firstSeenAt: 1, lastSeenAt: 2 },
    });
    registry.load(null);
    expect(Object.keys(registry.toJSON())).toHaveLength(2);
  });

  it('forgets the longest-unseen merchants past its cap', () => {
    const registry = createMerchantRegistry({ maxEntries: 2 });
    registry.recordSeen(['org-old'], 1);
    registry.recordSeen(['org-mid'], 2);
    registry.recordSeen(['org-new'], 3);
    expect(Object.keys(registry.toJSON()).sort()).toEqual(['org-mid', 'org-new']);
  });
});

describe('classifyMerchants', () => {
  it('marks mapped, unmapped (no entry or no live entry) and orphaned, unmapped first', () => {
    const rows = classifyMerchants(
      [
        ['org-mapped', { firstSeenAt: 0, lastSeenAt: 3000 }],
        ['org-draft', { firstSeenAt: 0, lastSeenAt: 2000 }],
        ['org-new', { firstSeenAt: 0, lastSeenAt: 1000 }],
      ],
      [entry('org-mapped', true), entry('org-draft', false), entry('org-orphan', true)]
    );
    expect(rows.map((row) => [row.merchant_id, row.status])).toEqual([
      ['org-draft', 'unmapped'],
      ['org-new', 'unmapped'],
      ['org-mapped', 'mapped'],
      ['org-orphan', 'orphaned'],
    ]);
    expect(rows[0]).toMatchObject({ last_seen_at: new Date(2000).toISOString(), entry: { live: false } });
    expect(rows[3]).toMatchObject({ first_seen_at: null, last_seen_at: null });
  });
});

describe('merchant registry bounds', () => {
  it('holds at most maxEntries ids however many Button returns, keeping the most recently seen', () => {
    const registry = createMerchantRegistry({ maxEntries: 100 });
    for (let i = 0; i < 10_000; i += 1) registry.recordSeen([`org-${i}`], i);
    expect(registry.entries().length).toBeLessThanOrEqual(100);
    expect(registry.entries().map(([id]) => id)).toContain('org-9999');
  });

  it('ignores ids that cannot be Button organization ids (too long, not strings)', () => {
    const registry = createMerchantRegistry();
    registry.recordSeen(['org-ok', 'x'.repeat(10_000), 7 as never], 1);
    expect(registry.entries().map(([id]) => id)).toEqual(['org-ok']);
  });

  it('a saved store larger than the cap is cut on load', () => {
    const saved = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`org-${i}`, { firstSeenAt: i, lastSeenAt: i }]));
    const registry = createMerchantRegistry({ maxEntries: 100 });
    registry.load(saved);
    expect(registry.entries().length).toBeLessThanOrEqual(100);
  });
});
