import { randomBytes } from 'node:crypto';
import { HOOK_DELIVERY_UID, PLUGIN_ID, TRANSACTION_UID, WEBHOOK_EVENT_UID } from '../../constants';
import type { DecodedPubRef } from '../../pub-ref';
import type { CommissionsLog, LedgerDb } from '../db';
import { createHookDispatcher, type HookDispatcher } from '../hooks/dispatcher';
import { sealCustomerId } from '../hooks/seal';
import type { WebhookEvent } from '../intake/payload';
import { isTransientConflict, isUniqueViolation } from './db-errors';
import { eventRow, transactionRow, type LedgerSecrets, type TransactionRow } from './record';
import { runAsLedgerWriter } from './scope';
import type { StateChangeListener, TransactionStateChange } from './state-change';
import { decideTransition } from './transition';

/** What recording one verified event did (the webhook answers it to Button as `outcome`). */
export type RecordOutcome = 'applied' | 'stale' | 'conflict' | 'ignored' | 'duplicate';

/** The same, with `applied` told apart: a transaction the ledger did not have, or a newer state of one it had. */
export type RecordEffect = 'inserted' | 'updated' | Exclude<RecordOutcome, 'applied'>;

export const STATE_CHANGED_EVENT = `${PLUGIN_ID}.transaction.state-changed`;
const EVENTS_TABLE = 'button_webhook_events';
const TRANSACTIONS_TABLE = 'button_transactions';
const MAX_ATTEMPTS = 5; // concurrent first deliveries of two events of one transaction need at most two

export class WebhookSecretMissingError extends Error {
  readonly code = 'WEBHOOK_SECRET_MISSING';
}

/** Another writer changed the row between our read and our write: run the whole transaction again. */
class ConcurrentUpdate extends Error {}

export interface LedgerDeps {
  db: LedgerDb;
  /** Throws WebhookSecretMissingError when no webhook secret is configured. */
  secrets(): LedgerSecrets;
  log: CommissionsLog;
  /** Strapi's event hub (`strapi.eventHub.emit`). */
  emit(event: string, payload: unknown): unknown;
  now(): Date;
  /** Document ids for new rows; Strapi-shaped random ids unless a test fixes them. */
  newDocumentId?: () => string;
  /** The outbox's delivery policy (config `hooks`). */
  hooks: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number; claimMs?: number; pollMs?: number };
  /** Names this instance in outbox claims. */
  instanceId: string;
  random?: () => number;
}

/**
 * The commission ledger. Idempotent: the event row's unique index is the gate, so an event id is applied at
 * most once whatever the concurrency, and the transaction row is written in the same database transaction
 * (all or nothing). Ordered: Button's modified_date decides, with a compare-and-set on the last applied event
 * id so two different events racing on one transaction cannot overwrite each other.
 */
export function createLedger(deps: LedgerDeps) {
  const listeners = new Set<StateChangeListener>();
  const newDocumentId = deps.newDocumentId ?? documentId;
  const newEntry = (now: Date) => ({ documentId: newDocumentId(), createdAt: now, updatedAt: now, publishedAt: now });
  const hooks: HookDispatcher = createHookDispatcher({
    db: deps.db,
    listeners,
    webhookSecret: () => {
      try {
        return deps.secrets().webhookSecret;
      } catch {
        return undefined;
      }
    },
    emit: deps.emit,
    eventName: STATE_CHANGED_EVENT,
    log: deps.log,
    now: deps.now,
    random: deps.random ?? Math.random,
    instanceId: deps.instanceId,
    ...deps.hooks,
  });

  const attempt = async (event: WebhookEvent): Promise<{ effect: RecordEffect; change?: TransactionStateChange }> => {
    const keys = deps.secrets();
    const now = deps.now();
    const events = deps.db.query(WEBHOOK_EVENT_UID);
    const transactions = deps.db.query(TRANSACTION_UID);
    const deliveries = deps.db.query(HOOK_DELIVERY_UID);

    // The only write scope the ledger's database guard accepts (see guard.ts).
    return runAsLedgerWriter(() =>
      deps.db.transaction(async () => {
        if (event.kind === 'unknown') {
          await events.create({ data: { ...eventRow(event, keys.webhookSecret), outcome: 'ignored', ...newEntry(now) } });
          return { effect: 'ignored' as const };
        }
        const { row, decoded } = transactionRow(event, keys);
        const current = (await transactions.findOne({
          where: { transaction_id: row.transaction_id },
          select: ['status', 'modified_ms', 'last_webhook_id', 'conflict_count'],
        })) as {
          status: TransactionRow['status'];
          modified_ms: number | string;
          last_webhook_id: string;
          conflict_count: number | string | null;
        } | null;
        const transition = decideTransition(
          current ? { status: current.status, modifiedMs: Number(current.modified_ms) } : undefined,
          {
            status: row.status,
            modifiedMs: row.modified_ms,
          }
        );
        const outcome = transition.kind === 'stale' || transition.kind === 'conflict' ? transition.kind : 'applied';

        // The gate: a second delivery of this event id fails here, and the whole transaction with it.
        await events.create({ data: { ...eventRow(event, keys.webhookSecret), outcome, ...newEntry(now) } });

        if (transition.kind === 'stale') return { effect: 'stale' as const };
        if (transition.kind === 'conflict') {
          // Not applied: the transaction only counts it (compare-and-set, like every update), for the admin.
          // A row written before conflict_count existed may hold null: compare against what was read.
          const seen =
            current?.conflict_count === null || current?.conflict_count === undefined ? null : Number(current.conflict_count);
          const { count } = await transactions.updateMany({
            where: { transaction_id: row.transaction_id, last_webhook_id: current?.last_webhook_id, conflict_count: seen },
            data: { conflict_count: (seen ?? 0) + 1, updatedAt: now },
          });
          if (count !== 1) throw new ConcurrentUpdate();
          return { effect: 'conflict' as const };
        }
        if (transition.kind === 'insert') {
          await transactions.create({ data: { ...row, conflict_count: 0, ...newEntry(now) } });
        } else {
          const { count } = await transactions.updateMany({
            where: { transaction_id: row.transaction_id, last_webhook_id: current?.last_webhook_id },
            data: { ...row, updatedAt: now },
          });
          if (count !== 1) throw new ConcurrentUpdate();
        }
        const effect = transition.kind === 'insert' ? ('inserted' as const) : ('updated' as const);
        const previousStatus = current?.status ?? null;
        const changed = transition.kind === 'insert' || transition.statusChanged;
        if (!changed) return { effect };
        // Click-id reuse is visible to the hook: one served offer normally leads to one transaction.
        const clickIdTransactions =
          row.click_id === null
            ? 0
            : await transactions.count({ where: { click_id: row.click_id, transaction_id: { $ne: row.transaction_id } } });
        const change = toChange(event, row, decoded, previousStatus, Number(clickIdTransactions));
        // The outbox row commits with the change, or neither does: the hook can be late, never lost.
        const { publisherCustomerId, ...storable } = change;
        await deliveries.create({
          data: {
            event_id: change.idempotencyKey,
            transaction_id: change.transactionId,
            change: storable,
            customer_id_sealed: publisherCustomerId === null ? null : sealCustomerId(publisherCustomerId, keys.webhookSecret),
            status: 'pending',
            attempts: 0,
            next_attempt_at: now,
            ...newEntry(now),
          },
        });
        return { effect, change };
      })
    );
  };

  async function recordWithEffect(event: WebhookEvent): Promise<RecordEffect> {
    for (let tries = 1; ; tries += 1) {
      let result: Awaited<ReturnType<typeof attempt>>;
      try {
        result = await attempt(event);
      } catch (error) {
        if (isUniqueViolation(error, EVENTS_TABLE)) return 'duplicate';
        const retry =
          error instanceof ConcurrentUpdate || isUniqueViolation(error, TRANSACTIONS_TABLE) || isTransientConflict(error);
        if (!retry || tries >= MAX_ATTEMPTS) throw error;
        continue;
      }
      // Only after the commit: a rolled-back attempt never reaches the publisher's code. Not awaited: the
      // answer to Button (or the reconciliation run) does not wait for the publisher's callbacks.
      if (result.change) void hooks.wake();
      return result.effect;
    }
  }

  return {
    /**
     * Stores one verified event (a webhook, or a state reconciliation found). Resolves once it is durably committed
     * (or known as a duplicate); rejects when storage failed, with nothing half-written.
     */
    async record(event: WebhookEvent): Promise<RecordOutcome> {
      const effect = await recordWithEffect(event);
      return effect === 'inserted' || effect === 'updated' ? 'applied' : effect;
    },

    /** Like `record`, telling a new transaction from a newer state of a known one. */
    recordWithEffect,

    /**
     * Registers publisher code run once per real state change of a transaction (first seen, or a new status
     * from a newer event), after the change is committed, through the outbox (at least once, in order per
     * transaction, with an idempotency key). Returns a function that unregisters it.
     */
    onStateChange(listener: StateChangeListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** The outbox's delivery loop: started once Strapi serves (after the app registered its callbacks). */
    hooks,
  };
}

export type Ledger = ReturnType<typeof createLedger>;

function toChange(
  event: WebhookEvent & { kind: 'transaction' },
  row: TransactionRow,
  decoded: DecodedPubRef,
  previousStatus: TransactionRow['status'] | null,
  clickIdTransactions: number
): TransactionStateChange {
  return {
    idempotencyKey: event.id,
    transactionId: row.transaction_id,
    previousStatus,
    status: row.status,
    eventId: event.id,
    eventType: event.eventType,
    clickId: row.click_id,
    offerId: row.offer_id,
    rate: decoded.ok ? decoded.rate : null,
    pubRefStatus: row.pub_ref_status,
    tagValid: row.pub_ref_tag_valid,
    pubRefIssuedAt: row.pub_ref_issued_at === null ? null : row.pub_ref_issued_at.toISOString(),
    pubRefStale: row.pub_ref_stale,
    clickIdTransactions,
    amount: row.amount,
    currency: row.currency,
    orderTotal: row.order_total,
    orderCurrency: row.order_currency,
    commerceOrganization: row.commerce_organization,
    buttonOrderId: row.button_order_id,
    orderId: row.order_id,
    category: row.category,
    publisherCustomerId: event.transaction.publisher_customer_id ?? null,
    publisherCustomerHash: row.publisher_customer_hash,
    source: event.source ?? 'webhook',
    modifiedDate: row.modified_date.toISOString(),
  };
}

/** Same shape as Strapi's ids (24 lowercase alphanumerics, starting with a letter). */
function documentId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(24);
  let id = alphabet[bytes[0]! % 26]!;
  for (let i = 1; i < 24; i += 1) id += alphabet[bytes[i]! % alphabet.length];
  return id;
}
