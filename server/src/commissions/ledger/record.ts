import { createHmac } from 'node:crypto';
import { decodePubRef, pubRefFreshness, type DecodedPubRef, type ShownRate } from '../../pub-ref';
import type { EventSource, WebhookEvent, WebhookTransaction } from '../intake/payload';

/**
 * Turns a verified webhook into ledger rows, pure. Personal data: Button sends back the publisher's user id
 * (`publisher_customer_id`). The ledger keeps only a keyed hash of it (HMAC-SHA256 with the webhook secret), in
 * its own column and in place of the id inside the stored payload, so a database dump names no user while the
 * publisher can still find a user's rows (`commissions.customerHash(userId)`). The clear id only reaches the
 * publisher's state-change hook, in memory.
 */

export type PubRefStatus = 'valid' | 'invalid' | 'unsigned' | 'unverified' | 'unbound' | 'unreadable' | 'absent';

export interface TransactionRow {
  transaction_id: string;
  status: WebhookTransaction['status'];
  category: string | null;
  amount: number | null;
  currency: string | null;
  order_total: number | null;
  order_currency: string | null;
  commerce_organization: string | null;
  pub_ref: string | null;
  pub_ref_status: PubRefStatus;
  /** The tag matched for the transaction's own user (`publisher_customer_id`): pub_ref_status === 'valid'. */
  pub_ref_tag_valid: boolean;
  /** When the pubRef says it was issued (b2); null for b1 or an unreadable pubRef. */
  pub_ref_issued_at: Date | null;
  /** Issued after the transaction was created, or longer than `pubRefMaxAgeDays` before it. */
  pub_ref_stale: boolean;
  click_id: string | null;
  offer_id: string | null;
  rate_kind: ShownRate['kind'] | null;
  rate_value: string | null;
  rate_currency: string | null;
  publisher_customer_hash: string | null;
  button_order_id: string | null;
  order_id: string | null;
  created_date: Date | null;
  modified_date: Date;
  validated_date: Date | null;
  attribution_date: Date | null;
  modified_ms: number;
  last_webhook_id: string;
  last_event_type: string;
  last_source: EventSource;
  payload: Record<string, unknown>;
  payload_sanitised: boolean;
  payload_sha256: string;
}

/** A transaction as the ledger stores it: the row built here plus the conflict count the ledger service keeps. */
export type StoredTransactionRow = TransactionRow & { conflict_count: number };

export interface EventRow {
  event_id: string;
  event_type: string;
  request_id: string | null;
  transaction_id: string | null;
  status: WebhookTransaction['status'] | null;
  modified_date: Date | null;
  /** null for event types the plugin does not know: their data may hold personal fields it cannot redact. */
  payload: Record<string, unknown> | null;
  payload_sanitised: boolean;
  payload_sha256: string;
  source: EventSource;
}

export function customerHash(customerId: string, webhookSecret: string): string {
  // Domain-separated so the hash can never be confused with a webhook signature made with the same key.
  return createHmac('sha256', webhookSecret).update(`publisher_customer_id:${customerId}`).digest('hex');
}

/** The body as received, with the customer id replaced by its keyed hash. */
export function redactPayload(body: Record<string, unknown>, webhookSecret: string): Record<string, unknown> {
  const data = body.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return body;
  const customerId = (data as Record<string, unknown>).publisher_customer_id;
  if (typeof customerId !== 'string') return body;
  return { ...body, data: { ...data, publisher_customer_id: `hmac-sha256:${customerHash(customerId, webhookSecret)}` } };
}

export function pubRefStatus(decoded: DecodedPubRef): PubRefStatus {
  if (!decoded.ok) return decoded.reason === 'absent' ? 'absent' : 'unreadable';
  return decoded.signature;
}

export interface LedgerSecrets {
  webhookSecret: string;
  pubRefSecret: string | undefined;
  pubRefMaxAgeDays: number;
}

export function transactionRow(
  event: WebhookEvent & { kind: 'transaction' },
  secrets: LedgerSecrets
): { row: TransactionRow; decoded: DecodedPubRef } {
  const tx = event.transaction;
  // Bound to the user: a pubRef only verifies for the user id it was served to.
  const decoded = decodePubRef(tx.pub_ref, secrets.pubRefSecret, tx.publisher_customer_id ?? null);
  const rate = decoded.ok ? decoded.rate : null;
  const modified = new Date(tx.modified_date);
  const issuedAt = decoded.ok && decoded.issuedAt !== null ? new Date(decoded.issuedAt) : null;
  const createdMs = Date.parse(tx.created_date ?? tx.modified_date);
  const row: TransactionRow = {
    transaction_id: tx.id,
    status: tx.status,
    category: tx.category ?? null,
    amount: tx.amount ?? null,
    currency: tx.currency ?? null,
    order_total: tx.order_total ?? null,
    order_currency: tx.order_currency ?? null,
    commerce_organization: tx.commerce_organization ?? null,
    pub_ref: tx.pub_ref ?? null,
    pub_ref_status: pubRefStatus(decoded),
    pub_ref_tag_valid: decoded.ok && decoded.tagValid,
    pub_ref_issued_at: issuedAt,
    pub_ref_stale: issuedAt !== null && pubRefFreshness(issuedAt.getTime(), createdMs, secrets.pubRefMaxAgeDays).stale,
    click_id: decoded.ok ? decoded.clickId : null,
    offer_id: decoded.ok ? decoded.offerId : null,
    rate_kind: rate === null ? null : rate.kind,
    rate_value: rate !== null && (rate.kind === 'percent' || rate.kind === 'fixed') ? rate.value : null,
    rate_currency: rate !== null && rate.kind === 'fixed' ? rate.currency : null,
    publisher_customer_hash: tx.publisher_customer_id ? customerHash(tx.publisher_customer_id, secrets.webhookSecret) : null,
    button_order_id: tx.button_order_id ?? null,
    order_id: tx.order_id ?? null,
    created_date: toDate(tx.created_date),
    modified_date: modified,
    validated_date: toDate(tx.validated_date),
    attribution_date: toDate(tx.attribution_date),
    modified_ms: modified.getTime(),
    last_webhook_id: event.id,
    last_event_type: event.eventType,
    last_source: event.source ?? 'webhook',
    payload: redactPayload(event.body, secrets.webhookSecret),
    payload_sanitised: event.sanitised,
    payload_sha256: event.payloadSha256,
  };
  return { row, decoded };
}

export function eventRow(event: WebhookEvent, webhookSecret: string): EventRow {
  const tx = event.kind === 'transaction' ? event.transaction : undefined;
  return {
    event_id: event.id,
    event_type: event.eventType,
    request_id: event.requestId,
    transaction_id: tx?.id ?? null,
    status: tx?.status ?? null,
    modified_date: tx ? new Date(tx.modified_date) : null,
    payload: tx ? redactPayload(event.body, webhookSecret) : null,
    payload_sanitised: event.sanitised,
    payload_sha256: event.payloadSha256,
    source: event.source ?? 'webhook',
  };
}

function toDate(value: string | null | undefined): Date | null {
  return value === null || value === undefined ? null : new Date(value);
}
