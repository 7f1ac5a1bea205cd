import { HOOK_DELIVERY_UID, TRANSACTION_UID, WEBHOOK_EVENT_UID } from '../constants';
import type { LedgerDb } from './db';
import { runAsLedgerWriter } from './ledger/scope';

/**
 * Erasure for one end user (a privacy request). The ledger never stores the user id, only its keyed hash, so the
 * hash finds the user's transactions; then, in one database transaction:
 * - transactions: the customer hash, the pubRef (its tag is an HMAC over the user id: with the pubRef secret it would
 *   still tell whether a given id is this user's) and the raw payload (the hash, order lines, whatever else Button
 *   sent) are removed, `erased_at` set. Kept, for accounting: status, commission and order amounts and currencies,
 *   brand, Button's and the merchant's order ids, dates, the click and offer ids and the pubRef's verdicts;
 * - their webhook events: raw payloads removed;
 * - their outbox rows: the sealed user id and the hash inside the change removed.
 * Afterwards nothing in the plugin's tables links those transactions to the user.
 */
export interface ErasureResult {
  transactions: number;
  events: number;
  deliveries: number;
}

export async function eraseCustomer(db: LedgerDb, customerHash: string, now: Date): Promise<ErasureResult> {
  return runAsLedgerWriter(() =>
    db.transaction(async () => {
      const rows = (await db.query(TRANSACTION_UID).findMany({
        where: { publisher_customer_hash: customerHash },
        select: ['transaction_id'],
      })) as Array<{ transaction_id: string }>;
      const ids = rows.map((row) => row.transaction_id);
      if (ids.length === 0) return { transactions: 0, events: 0, deliveries: 0 };
      const transactions = await db.query(TRANSACTION_UID).updateMany({
        where: { transaction_id: { $in: ids } },
        data: {
          publisher_customer_hash: null,
          pub_ref: null,
          payload: null,
          payload_pruned: true,
          erased_at: now,
          updatedAt: now,
        },
      });
      const events = await db.query(WEBHOOK_EVENT_UID).updateMany({
        where: { transaction_id: { $in: ids } },
        data: { payload: null, payload_pruned: true, updatedAt: now },
      });
      const outbox = (await db.query(HOOK_DELIVERY_UID).findMany({
        where: { transaction_id: { $in: ids } },
        select: ['id', 'change'],
      })) as Array<{ id: number; change: Record<string, unknown> | string }>;
      for (const row of outbox) {
        const change = typeof row.change === 'string' ? (JSON.parse(row.change) as Record<string, unknown>) : row.change;
        await db.query(HOOK_DELIVERY_UID).updateMany({
          where: { id: row.id },
          data: { change: { ...change, publisherCustomerHash: null }, customer_id_sealed: null, updatedAt: now },
        });
      }
      return { transactions: transactions.count, events: events.count, deliveries: outbox.length };
    })
  );
}
