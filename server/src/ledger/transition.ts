import type { TransactionStatus } from '../webhooks/payload';

/**
 * Ordering rules for the ledger, pure. Button orders webhooks per transaction, but retries, replays and
 * parallel deliveries can still bring an older state late: Button's `modified_date` decides, never arrival.
 *
 * Final states. Button documents one life per transaction: `tx-pending` (possibly several: adjustments), then
 * `tx-validated` or `tx-declined`, which are final (the commission is paid, or it never will be). So a newer
 * event that would move a final transaction to another status (back to pending, or validated <-> declined) is
 * not a documented transition: applying it silently would un-credit or double-credit a user. It is a
 * `conflict`: recorded in the event log, counted on the transaction, shown in the admin, and NOT applied. A
 * newer event with the same final status is an adjustment (e.g. a corrected amount) and still applies.
 */

export interface StoredState {
  status: TransactionStatus;
  modifiedMs: number;
}

export type Transition =
  | { kind: 'insert' }
  | { kind: 'apply'; statusChanged: boolean }
  | { kind: 'stale' }
  | { kind: 'conflict' };

export const FINAL_STATUSES: readonly TransactionStatus[] = ['validated', 'declined'];

export const isFinal = (status: TransactionStatus): boolean => FINAL_STATUSES.includes(status);

export function decideTransition(current: StoredState | undefined, incoming: StoredState): Transition {
  if (current === undefined) return { kind: 'insert' };
  if (incoming.modifiedMs < current.modifiedMs) return { kind: 'stale' };
  if (incoming.modifiedMs === current.modifiedMs) {
    if (incoming.status === current.status) return { kind: 'stale' }; // the same state again
    // At one instant, pending then final is the documented order: pending is the older event of the two.
    if (current.status === 'pending') return { kind: 'apply', statusChanged: true };
    if (incoming.status === 'pending') return { kind: 'stale' };
    return { kind: 'conflict' }; // validated and declined claimed for the same instant
  }
  if (isFinal(current.status) && incoming.status !== current.status) return { kind: 'conflict' };
  return { kind: 'apply', statusChanged: incoming.status !== current.status };
}
