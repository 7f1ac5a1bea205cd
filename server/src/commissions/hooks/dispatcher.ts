import { HOOK_DELIVERY_UID } from '../../constants';
import type { CommissionsLog, LedgerDb } from '../db';
import { runAsLedgerWriter } from '../ledger/scope';
import type { StateChangeListener, TransactionStateChange } from '../ledger/state-change';
import { unsealCustomerId } from './seal';

/**
 * Delivers the ledger's outbox (`hook-delivery` rows, written in the same database transaction as the state
 * change they announce) to the publisher's `onStateChange` callbacks, after commit:
 * - at least once: a row is marked delivered only after every callback returned; a crash, a failed callback or a
 *   lost database write means it is delivered again, with the same `idempotencyKey`;
 * - in order per transaction: a change waits while an earlier change of its transaction is not delivered (pending,
 *   or failed: a callback never sees `validated` for a transaction whose `pending` it never got); changes of
 *   different transactions go on, a few at a time, so one slow or failing callback holds up only its transaction;
 * - retried with full-jitter exponential backoff, up to `maxAttempts`, then left `failed` for an operator
 *   (`retryFailed()` puts them back once the callback is fixed);
 * - across instances: each row is claimed (compare-and-set on `claim_until`) before delivery, so two instances do
 *   not run the callbacks of one change at the same moment; a claim expires, so a crashed instance's rows go on.
 * `wake()` runs after each commit; `start()` also sweeps what is due at boot (rows a crash left pending) and every
 * `pollMs` (retries whose time has come, other instances' expired claims).
 */
export interface DispatcherDeps {
  db: LedgerDb;
  listeners: ReadonlySet<StateChangeListener>;
  /** The webhook secret (to open the sealed user id), or undefined when none is configured. */
  webhookSecret: () => string | undefined;
  /** Strapi's event hub: each delivered change is emitted there too, without the clear user id. */
  emit: (event: string, payload: unknown) => unknown;
  eventName: string;
  log: CommissionsLog;
  now: () => Date;
  random: () => number;
  instanceId: string;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  pollMs?: number;
  /** How long a claim holds: longer than any callback should take. */
  claimMs?: number;
}

interface DeliveryRow {
  id: number;
  event_id: string;
  transaction_id: string;
  change: Omit<TransactionStateChange, 'publisherCustomerId'>;
  customer_id_sealed: string | null;
  attempts: number | string;
  claim_until: Date | string | null;
}

const BATCH = 50;
/** Changes of different transactions delivered at once: callbacks that wait on I/O do not queue behind each other. */
const CONCURRENCY = 4;
const DEFAULT_POLL_MS = 5_000;
const DEFAULT_CLAIM_MS = 60_000;
const MAX_ERROR_LENGTH = 500;

export function createHookDispatcher(deps: DispatcherDeps) {
  const deliveries = () => deps.db.query(HOOK_DELIVERY_UID);
  const pollMs = deps.pollMs ?? DEFAULT_POLL_MS;
  const claimMs = deps.claimMs ?? DEFAULT_CLAIM_MS;
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const backoffMs = (attempts: number) =>
    Math.floor(deps.random() * Math.min(deps.maxDelayMs, deps.baseDelayMs * 2 ** Math.max(0, attempts - 1)));

  /** Takes the row for this instance unless another holds a live claim on it. */
  async function claim(row: DeliveryRow, now: Date): Promise<boolean> {
    const { count } = await runAsLedgerWriter(() =>
      deliveries().updateMany({
        where: {
          id: row.id,
          status: 'pending',
          $or: [{ claim_until: null }, { claim_until: { $lt: now } }],
        },
        data: { claimed_by: deps.instanceId, claim_until: new Date(now.getTime() + claimMs) },
      })
    );
    return count === 1;
  }

  /** A change whose transaction has an earlier change not delivered (pending or failed) waits for it. */
  async function blockedByEarlier(row: DeliveryRow): Promise<boolean> {
    const earlier = await deliveries().count({
      where: { transaction_id: row.transaction_id, status: { $ne: 'delivered' }, id: { $lt: row.id } },
    });
    return Number(earlier) > 0;
  }

  async function deliver(row: DeliveryRow): Promise<void> {
    const attempt = Number(row.attempts) + 1;
    const secret = deps.webhookSecret();
    const customerId =
      row.customer_id_sealed === null || secret === undefined ? null : unsealCustomerId(row.customer_id_sealed, secret);
    const change: TransactionStateChange = { ...row.change, publisherCustomerId: customerId };
    const delivery = { idempotencyKey: row.event_id, attempt };
    try {
      for (const listener of deps.listeners) await listener(change, delivery);
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH);
      const exhausted = attempt >= deps.maxAttempts;
      const retryAt = new Date(deps.now().getTime() + backoffMs(attempt));
      await runAsLedgerWriter(() =>
        deliveries().updateMany({
          where: { id: row.id, claimed_by: deps.instanceId },
          data: {
            attempts: attempt,
            status: exhausted ? 'failed' : 'pending',
            next_attempt_at: retryAt,
            claim_until: null,
            last_error: message,
          },
        })
      );
      const what = `the onStateChange callback failed for ${change.transactionId} (key ${row.event_id}, attempt ${attempt})`;
      if (exhausted) deps.log.error(`${what}; gave up after ${attempt} attempts: ${message}`);
      else deps.log.warn(`${what}; retrying at ${retryAt.toISOString()}: ${message}`);
      return;
    }
    // Delivered: the clear id is no longer needed anywhere, so its sealed copy goes too.
    await runAsLedgerWriter(() =>
      deliveries().updateMany({
        where: { id: row.id, claimed_by: deps.instanceId },
        data: {
          attempts: attempt,
          status: 'delivered',
          delivered_at: deps.now(),
          claim_until: null,
          customer_id_sealed: null,
          last_error: null,
        },
      })
    );
    Promise.resolve(deps.emit(deps.eventName, row.change)).catch((error: unknown) =>
      deps.log.error(`an event hub subscriber failed for ${change.transactionId}: ${(error as Error)?.message}`)
    );
  }

  /**
   * One pass over every due row, in id order, a page at a time (keyset on id: rows held back by an earlier change or
   * claimed elsewhere never hide the ones after them). The first deliverable change of each transaction in a page
   * goes out, `CONCURRENCY` at a time; a later change of the same transaction waits for the next pass.
   */
  async function sweepOnce(): Promise<number> {
    const now = deps.now();
    let afterId = 0;
    let handled = 0;
    for (;;) {
      const due = (await deliveries().findMany({
        where: { status: 'pending', next_attempt_at: { $lte: now }, id: { $gt: afterId } },
        orderBy: [{ id: 'asc' }],
        limit: BATCH,
      })) as DeliveryRow[];
      const firstOfTransaction = new Map<string, DeliveryRow>();
      for (const row of due) if (!firstOfTransaction.has(row.transaction_id)) firstOfTransaction.set(row.transaction_id, row);
      const candidates = [...firstOfTransaction.values()];
      for (let i = 0; i < candidates.length && !stopped; i += CONCURRENCY) {
        const delivered = await Promise.all(
          candidates.slice(i, i + CONCURRENCY).map(async (row) => {
            const claimUntil = row.claim_until === null ? null : new Date(row.claim_until);
            if (claimUntil !== null && claimUntil > now) return false;
            if (await blockedByEarlier(row)) return false;
            if (!(await claim(row, now))) return false;
            await deliver(row);
            return true;
          })
        );
        handled += delivered.filter(Boolean).length;
      }
      if (stopped || due.length < BATCH) return handled;
      afterId = due[due.length - 1]!.id;
    }
  }

  async function sweep(): Promise<void> {
    await Promise.resolve(); // always asynchronous, so `sweeping` is assigned before the loop can clear it
    for (;;) {
      again = false;
      try {
        // Something delivered: a later change of its transaction may be due now.
        while (!stopped && (await sweepOnce()) > 0);
      } catch (error) {
        deps.log.error(`delivering state changes to the onStateChange callbacks failed: ${(error as Error).message}`);
      }
      // Cleared in the same turn as the last look at `again`: a wake() after this starts a sweep of its own
      // instead of joining one that is about to end without looking again.
      if (!again || stopped) {
        sweeping = undefined;
        return;
      }
    }
  }

  /** Runs a sweep now, or once more right after the one running (each commit calls it). */
  function wake(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (sweeping) {
      again = true;
      return sweeping;
    }
    sweeping = sweep();
    return sweeping;
  }

  return {
    wake,
    /**
     * Puts the deliveries that gave up (`failed`) back to pending, with their attempts counted from zero, and
     * delivers them (in order, before the later changes of their transactions). For an operator, once the callback
     * is fixed. Resolves with how many were put back.
     */
    async retryFailed(): Promise<number> {
      const { count } = await runAsLedgerWriter(() =>
        deliveries().updateMany({
          where: { status: 'failed' },
          data: { status: 'pending', attempts: 0, next_attempt_at: deps.now(), claim_until: null },
        })
      );
      await wake();
      return count;
    },
    /** Sweeps what is due now (a crash's leftovers included), then every `pollMs`. */
    start(): void {
      if (timer || stopped) return;
      void wake();
      timer = setInterval(() => void wake(), pollMs);
      timer.unref();
    },
    /** Stops polling and waits for the sweep in progress (shutdown). */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await sweeping;
    },
  };
}

export type HookDispatcher = ReturnType<typeof createHookDispatcher>;
