import type { TransactionStatus } from '../webhooks/payload';

/**
 * Ordering rules for the ledger, pure. Button orders webhooks per transaction, but retries, replays and
 * parallel deliveries can still bring an older state late: Button's `modified_date` decides, never arrival.
 */

export interface StoredState {
  status: TransactionStatus;
  modifiedMs: number;
}

export type Transition = { kind: 'insert' } | { kind: 'apply'; statusChanged: boolean } | { kind: 'stale' };

// At an identical modified_date, a final state beats pending (Button never moves a settled one back to pending
// at the same instant); two different final states at the same instant keep the first one seen.
const RANK: Record<TransactionStatus, number> = { pending: 0, validated: 1, declined: 1 };

export function decideTransition(current: StoredState | undefined, incoming: StoredState): Transition {
  if (current === undefined) return { kind: 'insert' };
  const newer =
    incoming.modifiedMs > current.modifiedMs ||
    (incoming.modifiedMs === current.modifiedMs && RANK[incoming.status] > RANK[current.status]);
  if (!newer) return { kind: 'stale' };
  return { kind: 'apply', statusChanged: incoming.status !== current.status };
}
