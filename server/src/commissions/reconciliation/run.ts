import type { ListClient } from '../../button-client';
import type { WebhookEvent } from '../intake/payload';
import type { RecordEffect } from '../ledger/store';
import { eventFromApiTransaction } from './transaction-event';

/**
 * One reconciliation pass over a window of Button's Transactions API (by `modified_date`, so state changes are
 * seen, not only new orders), applied through the ledger's own path. What the ledger already holds at the same or
 * a newer state is counted unchanged without writing anything; everything else is recorded like a webhook, and
 * the ledger's ordering and final-state rules decide (a validated transaction Button now calls declined is a
 * conflict, not an overwrite).
 */
export interface ReconcileDeps {
  lists: ListClient;
  record(event: WebhookEvent): Promise<RecordEffect>;
  /** The ledger's current state of a transaction, or null. */
  current(transactionId: string): Promise<{ status: string; modifiedMs: number } | null>;
  /** Called after each page (progress, lease renewal); false stops the run (the lease was lost). */
  afterPage(counts: RunCounts): Promise<boolean>;
  log: { warn(message: string): void };
  signal?: AbortSignal;
}

export interface ReconcileWindow {
  accountId: string;
  start: Date;
  end: Date;
  maxPages: number;
  runId: string;
  /** Resume a truncated pass over this same window from its cursor. */
  cursor?: string;
}

export interface RunCounts {
  pages: number;
  transactions_seen: number;
  added: number;
  updated: number;
  unchanged: number;
  conflicts: number;
  errors: number;
  truncated: boolean;
  /** When truncated: the cursor the next run resumes from. */
  resume_cursor: string | null;
}

export const emptyCounts = (): RunCounts => ({
  pages: 0,
  transactions_seen: 0,
  added: 0,
  updated: 0,
  unchanged: 0,
  conflicts: 0,
  errors: 0,
  truncated: false,
  resume_cursor: null,
});

// Past this many transactions that could not be read or stored, the run stops: something is systematically wrong.
const MAX_ERRORS = 50;
const LOGGED_ERRORS = 5;

export class RunStopped extends Error {}

export async function reconcileWindow(deps: ReconcileDeps, window: ReconcileWindow): Promise<RunCounts> {
  const counts = emptyCounts();
  const pages = deps.lists.pages({
    path: `/v1/affiliation/accounts/${encodeURIComponent(window.accountId)}/transactions`,
    query: { start: window.start.toISOString(), end: window.end.toISOString(), time_field: 'modified_date' },
    maxPages: window.maxPages,
    signal: deps.signal,
    ...(window.cursor === undefined ? {} : { cursor: window.cursor }),
  });
  for await (const page of pages) {
    counts.pages += 1;
    counts.truncated = page.truncated;
    counts.resume_cursor = page.truncated ? page.nextCursor : null;
    for (const object of page.objects) {
      counts.transactions_seen += 1;
      const parsed = eventFromApiTransaction(object, window.runId);
      if (!parsed.ok) {
        fail(`transaction ${parsed.transactionId ?? '(no id)'} could not be read: ${parsed.problem}`);
        continue;
      }
      const tx = parsed.event.transaction;
      const known = await deps.current(tx.id);
      if (known !== null && known.status === tx.status && known.modifiedMs >= Date.parse(tx.modified_date)) {
        counts.unchanged += 1;
        continue;
      }
      try {
        const effect = await deps.record(parsed.event);
        if (effect === 'inserted') counts.added += 1;
        else if (effect === 'updated') counts.updated += 1;
        else if (effect === 'conflict') counts.conflicts += 1;
        else counts.unchanged += 1; // stale, duplicate: the ledger already knew better
      } catch (error) {
        fail(`transaction ${tx.id} could not be stored: ${(error as Error).message}`);
      }
    }
    if (!(await deps.afterPage({ ...counts }))) throw new RunStopped('the run lost its lock to another instance');
  }
  return counts;

  function fail(message: string): void {
    counts.errors += 1;
    if (counts.errors <= LOGGED_ERRORS) deps.log.warn(`reconciliation: ${message}`);
    if (counts.errors > MAX_ERRORS) throw new RunStopped(`more than ${MAX_ERRORS} transactions could not be read or stored`);
  }
}
