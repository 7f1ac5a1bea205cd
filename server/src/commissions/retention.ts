import { HOOK_DELIVERY_UID, TRANSACTION_UID, WEBHOOK_EVENT_UID } from '../constants';
import type { LedgerDb } from './db';
import { runAsLedgerWriter } from './ledger/scope';

/**
 * Retention: the raw payloads Button sent (each event's body, each transaction's latest body) are kept for
 * `rawPayloadDays` and then removed; the ledger's own columns (status, amounts, dates, pubRef verdicts, the
 * customer hash) stay, since the ledger is the publisher's accounting record. Delivered outbox rows go too.
 */
export interface PruneResult {
  events: number;
  transactions: number;
  deliveries: number;
}

export async function pruneRawPayloads(db: LedgerDb, olderThan: Date, now: Date): Promise<PruneResult> {
  return runAsLedgerWriter(async () => {
    const events = await db.query(WEBHOOK_EVENT_UID).updateMany({
      where: { createdAt: { $lt: olderThan }, payload_pruned: false, payload: { $notNull: true } },
      data: { payload: null, payload_pruned: true, updatedAt: now },
    });
    const transactions = await db.query(TRANSACTION_UID).updateMany({
      where: { modified_date: { $lt: olderThan }, payload_pruned: false, payload: { $notNull: true } },
      data: { payload: null, payload_pruned: true, updatedAt: now },
    });
    const deliveries = await db.query(HOOK_DELIVERY_UID).deleteMany({
      where: { status: 'delivered', delivered_at: { $lt: olderThan } },
    });
    return { events: events.count, transactions: transactions.count, deliveries: deliveries.count };
  });
}
