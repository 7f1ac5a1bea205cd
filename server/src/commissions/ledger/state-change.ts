import type { ShownRate } from '../../pub-ref';
import type { PubRefStatus } from './record';
import type { TransactionStatus } from '../intake/payload';

/**
 * What the publisher's hook receives once per real state change of a transaction. Money is in minor units,
 * as Button sends it. `publisherCustomerId` is the clear user id from this delivery: it is never stored, and
 * it is left out of the copy emitted on `strapi.eventHub`.
 */
export interface TransactionStateChange {
  /**
   * The same for every delivery of this change (the id of the event that made it): a callback that credits a user
   * once per key is safe under at-least-once delivery (a crash, a failing callback retried, two callbacks).
   */
  idempotencyKey: string;
  transactionId: string;
  /** null the first time the transaction is seen. */
  previousStatus: TransactionStatus | null;
  status: TransactionStatus;
  eventId: string;
  eventType: string;
  clickId: string | null;
  offerId: string | null;
  rate: ShownRate | null;
  pubRefStatus: PubRefStatus;
  /**
   * True only when the pubRef was issued by this server to THIS transaction's user (`publisherCustomerId`) and
   * is unchanged (pubRefStatus 'valid'): credit users on nothing else.
   */
  tagValid: boolean;
  /** When the pubRef says it was issued (ISO 8601); null for 0.1.0 (b1) or unreadable pubRefs. */
  pubRefIssuedAt: string | null;
  /** Issued after the transaction was created, or more than `pubRefMaxAgeDays` before it: do not credit blindly. */
  pubRefStale: boolean;
  /** How many OTHER ledger transactions carry the same click id (one served offer normally buys once). */
  clickIdTransactions: number;
  amount: number | null;
  currency: string | null;
  orderTotal: number | null;
  orderCurrency: string | null;
  commerceOrganization: string | null;
  buttonOrderId: string | null;
  orderId: string | null;
  category: string | null;
  publisherCustomerId: string | null;
  publisherCustomerHash: string | null;
  modifiedDate: string;
  /** Where the change came from: a webhook, or a reconciliation run that found it in Button's Transactions API. */
  source: 'webhook' | 'reconciliation';
}

/** About this delivery of a change (the outbox retries until every callback succeeded). */
export interface StateChangeDelivery {
  /** The change's idempotency key again (`change.idempotencyKey`). */
  idempotencyKey: string;
  /** 1 for the first delivery, more after a crash or a failed callback. */
  attempt: number;
}

export type StateChangeListener = (change: TransactionStateChange, delivery: StateChangeDelivery) => void | Promise<void>;
