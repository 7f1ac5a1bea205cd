import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { sanitiseJson } from '../intake/sanitise';
import { transactionSchema, type TransactionEventType, type WebhookEvent } from '../intake/payload';

/**
 * A transaction as Button's Transactions API returns it, turned into the event the ledger records for webhooks,
 * so it goes through the same path: validation, sanitising, ordering and final-state rules, idempotency.
 *
 * Its id is derived from what it says (transaction, status, modified_date): the same state read by two runs is one
 * event (the second a duplicate), and a webhook for that state that arrives later finds the transaction already
 * there (stale: one row, whichever came first). The stored body says where it came from.
 */
export type ApiTransactionParse =
  { ok: true; event: WebhookEvent & { kind: 'transaction' } } | { ok: false; transactionId: string | null; problem: string };

export function eventFromApiTransaction(object: unknown, runId: string): ApiTransactionParse {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    return { ok: false, transactionId: null, problem: 'not an object' };
  }
  const { value: json, changed: sanitised } = sanitiseJson(object);
  const parsed = transactionSchema.safeParse(json);
  if (!parsed.success) {
    const id = (json as { id?: unknown }).id;
    return { ok: false, transactionId: typeof id === 'string' ? id.slice(0, 255) : null, problem: describe(parsed.error) };
  }
  const tx = parsed.data;
  const eventType = `tx-${tx.status}` as TransactionEventType;
  const id = `recon-${createHash('sha256')
    .update(`${tx.id}\n${tx.status}\n${Date.parse(tx.modified_date)}`)
    .digest('hex')}`;
  const body = { id, event_type: eventType, source: 'reconciliation', data: json };
  return {
    ok: true,
    event: {
      kind: 'transaction',
      id,
      eventType,
      requestId: runId,
      transaction: tx,
      body,
      sanitised,
      // What Button's API sent for this object (as JSON), to match it against Button's records later.
      payloadSha256: createHash('sha256').update(JSON.stringify(object)).digest('hex'),
      source: 'reconciliation',
    },
  };
}

function describe(error: z.ZodError): string {
  const first = error.issues[0];
  if (first === undefined) return 'invalid transaction';
  return `${first.path.map(String).join('.') || 'transaction'}: ${first.message}`;
}
