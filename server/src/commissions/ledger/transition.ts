import type { TransactionStatus } from '../intake/payload';

/**
 * Ordering rules for the ledger, pure. Button orders webhooks per transaction, but retries, replays and
 * parallel deliveries can still bring a state late: Button's `modified_date` orders events of one status,
 * never arrival.
 *
 * Final states. Button documents one life per transaction: `tx-pending` (possibly several: adjustments), then
 * `tx-validated` or `tx-declined`, which are final (the commission is paid, or it never will be). So:
 * - a final status is never lost: it applies over pending whatever the dates (a late, older final would
 *   otherwise leave the transaction pending forever, as Button does not send it again);
 * - a final status never changes: an event that would move it elsewhere is a `conflict` (recorded in the event
 *   log, counted on the transaction, shown in the admin, NOT applied). That is a newer `tx-pending` (an older
 *   one is just a late delivery from before the final: `stale`), or the other final status at any date
 *   (validated and declined for one transaction contradict each other whichever arrives first; applying the
 *   second would un-credit or double-credit a user);
 * - the same status again applies only when newer (an adjustment, e.g. a corrected amount); else `stale`.
 */

export interface StoredState {
  status: TransactionStatus;
  modifiedMs: number;
}

export type Transition =
  { kind: 'insert' } | { kind: 'apply'; statusChanged: boolean } | { kind: 'stale' } | { kind: 'conflict' };

export const FINAL_STATUSES: readonly TransactionStatus[] = ['validated', 'declined'];

export const isFinal = (status: TransactionStatus): boolean => FINAL_STATUSES.includes(status);

export function decideTransition(current: StoredState | undefined, incoming: StoredState): Transition {
  if (current === undefined) return { kind: 'insert' };
  const newer = incoming.modifiedMs > current.modifiedMs;
  if (incoming.status === current.status) return newer ? { kind: 'apply', statusChanged: false } : { kind: 'stale' };
  if (!isFinal(current.status)) return { kind: 'apply', statusChanged: true }; // pending -> a final status
  if (isFinal(incoming.status)) return { kind: 'conflict' }; // validated <-> declined
  return newer ? { kind: 'conflict' } : { kind: 'stale' }; // pending after a final status
}
