import { createTransactionStore, transaction } from '../../../simulator';
import { createFaultPlan } from '../../../simulator/faults';

/** The simulator's record of Button's transactions: what its Transactions API pages through. */
const BASE = Date.parse('2026-03-01T10:00:00Z');
const at = (ms: number) => new Date(BASE + ms).toISOString();
const tx = (id: string, modifiedMs: number, extra: Record<string, unknown> = {}) => ({
  ...transaction({ pubRef: null, id, modifiedDate: at(modifiedMs), createdDate: at(0) }),
  ...extra,
});

describe('simulator transaction store', () => {
  it('keeps the latest state by modified_date, the last recorded on a tie', () => {
    const store = createTransactionStore();
    expect(store.put(tx('tx-1', 60_000, { status: 'validated' }))).toBe(true);
    expect(store.put(tx('tx-1', 0, { status: 'pending' }))).toBe(false);
    expect(store.get('tx-1')).toMatchObject({ status: 'validated' });
    expect(store.put(tx('tx-1', 60_000, { status: 'declined' }))).toBe(true);
    expect(store.get('tx-1')).toMatchObject({ status: 'declined' });
    expect(store.size).toBe(1);
  });

  it('refuses what Button could not have recorded, and hands out copies', () => {
    const store = createTransactionStore();
    expect(() => store.put({ modified_date: at(0) })).toThrow(TypeError);
    expect(() => store.put({ id: 'tx-1', modified_date: 'soon' })).toThrow(TypeError);
    const original = tx('tx-1', 0);
    store.put(original);
    original.status = 'declined';
    store.get('tx-1')!.status = 'declined';
    store.list()[0]!.status = 'declined';
    expect(store.get('tx-1')).toMatchObject({ status: 'pending' });
  });

  it('stays bounded, evicting the transaction least recently changed', () => {
    const store = createTransactionStore({ maxTransactions: 3 });
    for (const id of ['tx-a', 'tx-b', 'tx-c']) store.put(tx(id, 0));
    store.put(tx('tx-a', 1000));
    store.put(tx('tx-d', 0));
    expect(store.size).toBe(3);
    expect(store.get('tx-b')).toBeUndefined();
    expect(store.list().map((t) => t.id)).toEqual(['tx-a', 'tx-c', 'tx-d']);
    store.clear();
    expect(store.size).toBe(0);
    expect(() => createTransactionStore({ maxTransactions: 0 })).toThrow(TypeError);
  });

  it('lists [start, end) by the chosen field, ordered by it then by id; undated transactions in no window', () => {
    const store = createTransactionStore();
    store.put(tx('tx-b', 2000));
    store.put(tx('tx-a', 2000));
    store.put(tx('tx-c', 1000));
    store.put(tx('tx-z', 1500, { created_date: null }));
    const ids = (query: Parameters<typeof store.list>[0]) => store.list(query).map((t) => t.id);
    expect(ids({ timeField: 'modified_date' })).toEqual(['tx-c', 'tx-z', 'tx-a', 'tx-b']);
    expect(ids({ timeField: 'modified_date', start: at(1500), end: at(2000) })).toEqual(['tx-z']);
    expect(ids({ start: at(0), end: at(1) })).toEqual(['tx-a', 'tx-b', 'tx-c']);
    expect(ids({})).toEqual(['tx-a', 'tx-b', 'tx-c']);
    expect(() => store.list({ timeField: 'validated_date' as 'created_date' })).toThrow(TypeError);
  });

  it('pages by key, so a transaction recorded mid-way neither repeats nor shifts the rest', () => {
    const store = createTransactionStore();
    for (let i = 0; i < 10; i += 1) store.put(tx(`tx-${i}`, i * 1000));
    const query = { timeField: 'modified_date' as const, limit: 4 };
    const first = store.page(query);
    expect(first).toMatchObject({ hasBefore: false, hasAfter: true });
    store.put(tx('tx-early', 500));
    const second = store.page({ ...query, after: first.last });
    expect(second.objects.map((t) => t.id)).toEqual(['tx-4', 'tx-5', 'tx-6', 'tx-7']);
    const back = store.page({ ...query, before: second.first });
    expect(back.objects.map((t) => t.id)).toEqual(['tx-early', 'tx-1', 'tx-2', 'tx-3']);
    expect(back.hasBefore).toBe(true);
    const last = store.page({ ...query, after: second.last });
    expect(last.objects.map((t) => t.id)).toEqual(['tx-8', 'tx-9']);
    expect(last).toMatchObject({ hasAfter: false, hasBefore: true });
  });
});

describe('simulator fault routes', () => {
  it('leaves a seeded run of the Offers API unchanged when rules for other routes are added', () => {
    const draws = (rules: Parameters<ReturnType<typeof createFaultPlan>['set']>[0]['rules']) => {
      const plan = createFaultPlan();
      plan.set({ seed: 9, rules });
      return Array.from({ length: 40 }, (_, i) => plan.next(i % 3 === 0 ? 'transactions' : 'offers')?.kind ?? '-');
    };
    const offersOnly = draws([{ kind: 'status', status: 500, probability: 0.5 }]);
    const withOthers = draws([
      { kind: 'reset', probability: 0.5, route: 'accounts' },
      { kind: 'status', status: 500, probability: 0.5 },
    ]);
    expect(withOthers).toEqual(offersOnly);
    expect(offersOnly.filter((_, i) => i % 3 === 0).every((kind) => kind === '-')).toBe(true);
    expect(draws([{ kind: 'hang', route: 'any' }]).every((kind) => kind === 'hang')).toBe(true);
  });
});
