import type { ListClient, NumberedPage } from '../../../../server/src/button-client';
import type { WebhookEvent } from '../../../../server/src/commissions/intake/payload';
import type { RecordEffect } from '../../../../server/src/commissions/ledger/store';
import { reconcileWindow, RunStopped, type ReconcileDeps } from '../../../../server/src/commissions/reconciliation/run';
import { transaction } from '../../../../simulator';

/**
 * One pass over a window, with the pages given here (the list client itself is tested against a real HTTP server in
 * tests/unit/button-client, the whole run against the simulator in tests/integration/reconciliation).
 */
const WINDOW = {
  accountId: 'acc 1',
  start: new Date('2026-11-20T00:00:00Z'),
  end: new Date('2026-11-24T00:00:00Z'),
  maxPages: 5,
  runId: 'run-1',
};
const tx = (id: string, status: 'pending' | 'validated' | 'declined', modified = '2026-11-21T00:00:00.000Z') =>
  transaction({ id, status, pubRef: null, modifiedDate: modified });

function listing(pages: unknown[][], truncatedAfter?: number) {
  const requests: unknown[] = [];
  const lists = {
    page: async () => ({ objects: [], next: null }),
    async *pages(request: unknown): AsyncGenerator<NumberedPage> {
      requests.push(request);
      for (const [index, objects] of pages.entries()) {
        const truncated = truncatedAfter !== undefined && index + 1 === truncatedAfter;
        const more = index + 1 < pages.length;
        yield {
          objects,
          next: more ? 'https://api.example/next?cursor=c' : null,
          index,
          truncated,
          nextCursor: more ? 'c' : null,
        };
        if (truncated) return;
      }
    },
  } as unknown as ListClient;
  return { lists, requests };
}

function deps(
  lists: ListClient,
  known: Record<string, { status: string; modifiedMs: number }>,
  effects: Record<string, RecordEffect | Error>
): ReconcileDeps & { recorded: WebhookEvent[]; warnings: string[]; progress: number[] } {
  const recorded: WebhookEvent[] = [];
  const warnings: string[] = [];
  const progress: number[] = [];
  return {
    lists,
    recorded,
    warnings,
    progress,
    async record(event) {
      recorded.push(event);
      const effect = effects[(event as { transaction: { id: string } }).transaction.id] ?? 'inserted';
      if (effect instanceof Error) throw effect;
      return effect;
    },
    current: async (id) => known[id] ?? null,
    async afterPage(counts) {
      progress.push(counts.pages);
      return true;
    },
    log: { warn: (message) => warnings.push(message) },
  };
}

describe('reconcileWindow', () => {
  it("asks for the window by modified_date on the account's path, and counts what each transaction did", async () => {
    const { lists, requests } = listing([
      [tx('tx-new', 'validated'), tx('tx-newer', 'validated'), tx('tx-same', 'validated')],
      [tx('tx-conflict', 'declined'), tx('tx-older', 'pending', '2026-11-20T01:00:00.000Z'), { id: 'tx-bad' }],
    ]);
    const run = deps(
      lists,
      {
        'tx-newer': { status: 'pending', modifiedMs: Date.parse('2026-11-20T00:00:00Z') },
        'tx-same': { status: 'validated', modifiedMs: Date.parse('2026-11-21T00:00:00Z') },
        'tx-conflict': { status: 'validated', modifiedMs: Date.parse('2026-11-21T00:00:00Z') },
        'tx-older': { status: 'validated', modifiedMs: Date.parse('2026-11-21T00:00:00Z') },
      },
      { 'tx-newer': 'updated', 'tx-conflict': 'conflict', 'tx-older': 'stale' }
    );
    const counts = await reconcileWindow(run, WINDOW);
    expect(requests).toEqual([
      {
        path: '/v1/affiliation/accounts/acc%201/transactions',
        query: { start: '2026-11-20T00:00:00.000Z', end: '2026-11-24T00:00:00.000Z', time_field: 'modified_date' },
        maxPages: 5,
        signal: undefined,
      },
    ]);
    expect(counts).toEqual({
      pages: 2,
      transactions_seen: 6,
      added: 1,
      updated: 1,
      unchanged: 2, // tx-same: known at that state, nothing written; tx-older: the ledger's rules said stale
      conflicts: 1,
      errors: 1,
      truncated: false,
      resume_cursor: null,
    });
    // What the ledger already holds at the same state is not even recorded.
    expect(run.recorded.map((event) => (event as { transaction: { id: string } }).transaction.id)).toEqual([
      'tx-new',
      'tx-newer',
      'tx-conflict',
      'tx-older',
    ]);
    expect(run.progress).toEqual([1, 2]);
    expect(run.warnings).toEqual([
      'reconciliation: transaction tx-bad could not be read: status: must be one of pending, validated, declined',
    ]);
  });

  it('says when it stopped at maxPages, and where the next run goes on from', async () => {
    const { lists } = listing([[tx('tx-1', 'pending')], [tx('tx-2', 'pending')], [tx('tx-3', 'pending')]], 2);
    expect(await reconcileWindow(deps(lists, {}, {}), { ...WINDOW, maxPages: 2 })).toMatchObject({
      pages: 2,
      truncated: true,
      resume_cursor: 'c',
    });
  });

  it('counts a transaction the ledger could not store as an error and goes on', async () => {
    const { lists } = listing([[tx('tx-1', 'pending'), tx('tx-2', 'pending')]]);
    const run = deps(lists, {}, { 'tx-1': new Error('database is locked') });
    expect(await reconcileWindow(run, WINDOW)).toMatchObject({ added: 1, errors: 1 });
    expect(run.warnings).toEqual(['reconciliation: transaction tx-1 could not be stored: database is locked']);
  });

  it('stops when errors pile up (something systematic), logging only the first few', async () => {
    const { lists } = listing([Array.from({ length: 60 }, (_, i) => ({ id: `tx-${i}` }))]);
    const run = deps(lists, {}, {});
    await expect(reconcileWindow(run, WINDOW)).rejects.toThrow(
      new RunStopped('more than 50 transactions could not be read or stored')
    );
    expect(run.warnings).toHaveLength(5);
  });

  it('stops when the lease was lost after a page', async () => {
    const { lists } = listing([[tx('tx-1', 'pending')], [tx('tx-2', 'pending')]]);
    const run = deps(lists, {}, {});
    run.afterPage = async () => false;
    await expect(reconcileWindow(run, WINDOW)).rejects.toBeInstanceOf(RunStopped);
    expect(run.recorded).toHaveLength(1);
  });
});
