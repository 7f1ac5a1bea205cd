import type { ListClient } from '../button-client';
import { HOOK_DELIVERY_UID } from '../constants';
import type { JobLocks } from '../jobs/lock';
import { decodePubRef, type DecodedPubRef } from '../pub-ref';
import type { CommissionsLog, LedgerDb } from './db';
import type { CapturedBody } from './intake/capture';
import { createRawBodyCheck, type RawBodyCheck } from './intake/check';
import { handleCapturedWebhook, type WebhookAnswer } from './intake/handle';
import type { WebhookEvent } from './intake/payload';
import { customerHash, type LedgerSecrets } from './ledger/record';
import type { StateChangeListener } from './ledger/state-change';
import { createLedger, WebhookSecretMissingError, type RecordOutcome } from './ledger/store';
import { eraseCustomer, type ErasureResult } from './erasure';
import { commissionsCsv } from './export';
import { commissionDetail, commissionTotals, listCommissions, transactionsForPubRef, type CommissionFilters } from './reads';
import { createReconciliation, type ReconciliationConfig, type RunsQuery, type RunTrigger } from './reconciliation';
import { pruneRawPayloads, type PruneResult } from './retention';
import { describeOption } from '../config/option-names';

/** The part of the plugin's validated config the commissions capability uses (see config/index.ts). */
export interface CommissionsConfig {
  webhookSecret: string | undefined;
  pubRefSecret: string | undefined;
  pubRefMaxAgeDays: number;
  /** The outbox's delivery policy to the publisher's callbacks. */
  hooks: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number; claimMs?: number; pollMs?: number };
  reconciliation: ReconciliationConfig;
  retention: { rawPayloadDays: number };
}

export interface CommissionsDeps {
  /** The Query Engine, narrowed to the ledger's two tables (db.ts). */
  db: LedgerDb;
  config: CommissionsConfig;
  /** Messages arrive without the plugin prefix. */
  log: CommissionsLog;
  /** Strapi's event hub: state changes are emitted there (without the clear user id). */
  eventHub: { emit(event: string, payload: unknown): unknown };
  now?: () => Date;
  rawBodyCheck?: RawBodyCheck;
  newDocumentId?: () => string;
  /** Names this instance in outbox claims (utils/instance-id.ts). */
  instanceId: string;
  random?: () => number;
  /** Button's list endpoints (the Button client's), or undefined without an API key. */
  lists: () => ListClient | undefined;
  /** The reconciliation runs table. */
  runs: () => RunsQuery;
  /** Leases for the scheduled jobs (jobs/lock.ts). */
  locks: JobLocks;
}

/**
 * The commissions capability: the one service in front of the ledger's tables (`transaction`,
 * `webhook-event`). Webhook intake writes through it, the admin and the pubRef debugger read through it.
 */
export function createCommissionsService(deps: CommissionsDeps) {
  const { config, db, log } = deps;
  const secrets = (): LedgerSecrets => {
    if (config.webhookSecret === undefined) throw new WebhookSecretMissingError(`${describeOption('webhookSecret')} is not set`);
    return {
      webhookSecret: config.webhookSecret,
      pubRefSecret: config.pubRefSecret,
      pubRefMaxAgeDays: config.pubRefMaxAgeDays,
    };
  };
  const ledger = createLedger({
    db,
    secrets,
    log,
    emit: (event, payload) => deps.eventHub.emit(event, payload),
    now: deps.now ?? (() => new Date()),
    newDocumentId: deps.newDocumentId,
    hooks: config.hooks,
    instanceId: deps.instanceId,
    random: deps.random,
  });
  const now = deps.now ?? (() => new Date());
  const reconciliation = createReconciliation({
    config: config.reconciliation,
    lists: deps.lists,
    record: (event) => ledger.recordWithEffect(event),
    ledgerDb: db,
    runs: deps.runs,
    locks: deps.locks,
    log,
    now,
  });
  const rawBodyCheck = deps.rawBodyCheck ?? createRawBodyCheck();
  const warnedUnavailable = { value: false };

  return {
    /** The boot check of the raw-body guarantee (intake/check.ts), run from bootstrap, consulted per webhook. */
    rawBodyCheck,

    /** The webhook route: what to answer Button for what the raw-body capture left (intake/handle.ts). */
    receive(captured: CapturedBody | undefined, signatureHeader: string | string[] | undefined): Promise<WebhookAnswer> {
      return handleCapturedWebhook(captured, signatureHeader, {
        webhookSecret: config.webhookSecret,
        record: (event) => ledger.record(event),
        log,
        rawBodyVerdict: () => rawBodyCheck.verdict,
        warnedUnavailable,
      });
    },

    /**
     * Stores one verified webhook event. Resolves once it is durably committed (or known as a duplicate);
     * rejects when storage failed, with nothing half-written.
     */
    record(event: WebhookEvent): Promise<RecordOutcome> {
      return ledger.record(event);
    },

    /**
     * Registers publisher code run once per real state change of a transaction (first seen, or a new status from a
     * newer event, by webhook or reconciliation), after the change is committed, through the ledger's outbox: at
     * least once (after a crash or a failed callback, again), in order per transaction, each time with the change's
     * `idempotencyKey`. Returns a function that unregisters it. Register it in your app's bootstrap.
     */
    onStateChange(listener: StateChangeListener): () => void {
      return ledger.onStateChange(listener);
    },

    /** Starts delivering the outbox (what a crash left pending first): once the app has registered its callbacks. */
    startHooks(): void {
      ledger.hooks.start();
    },

    /**
     * Puts the hook deliveries that gave up (`failed`, after `hooks.maxAttempts`) back to pending and delivers them:
     * for an operator, once the callback is fixed. Resolves with how many were put back.
     */
    retryFailedHooks(): Promise<number> {
      return ledger.hooks.retryFailed();
    },

    /** Delivers what is due in the outbox now and resolves when done (scripts, tests, "retry now"). */
    deliverPendingHooks(): Promise<void> {
      return ledger.hooks.wake();
    },

    /** Stops delivering (shutdown), after the delivery in progress. */
    stopHooks(): Promise<void> {
      return ledger.hooks.stop();
    },

    /** The keyed hash the ledger stores instead of a user id: to find a user's transactions. */
    customerHash(publisherCustomerId: string): string {
      return customerHash(publisherCustomerId, secrets().webhookSecret);
    },

    /**
     * Reads a pubRef with this app's pubRef secret, for the user it is claimed for (`valid` only when it was
     * issued to that very user; without a user id a signed pubRef is `unverified`).
     */
    decodePubRef(pubRef: string | null | undefined, userId?: string | null): DecodedPubRef {
      return decodePubRef(pubRef, config.pubRefSecret, userId);
    },

    /** Reconciliation with Button's Transactions API: configuration, runs, accounts. */
    reconciliationStatus() {
      return reconciliation.status();
    },

    /**
     * Starts a reconciliation run unless one is running on any instance (`started: false`, with the reason).
     * Resolves once it started; `done` resolves with the finished run.
     */
    startReconciliation(trigger: RunTrigger, requestedBy?: number) {
      return reconciliation.start(trigger, requestedBy);
    },

    /** For metrics: the outbox's backlog and the last successful reconciliation (epoch seconds). */
    async operations() {
      const deliveries = db.query(HOOK_DELIVERY_UID);
      const [pending, failed, runs] = await Promise.all([
        deliveries.count({ where: { status: 'pending' } }),
        deliveries.count({ where: { status: 'failed' } }),
        reconciliation.lastSuccess(),
      ]);
      return { hooks: { pending: Number(pending), failed: Number(failed) }, lastReconciliationSuccess: runs };
    },

    /** Shutdown: stops a reconciliation run in progress (it records itself as stopped). */
    stopReconciliation(): Promise<void> {
      return reconciliation.stop();
    },

    reconciliationRuns(limit?: number) {
      return reconciliation.runs(limit);
    },

    /** The publisher's Button accounts, to find the id to configure (`reconciliation.accountId`). */
    buttonAccounts() {
      return reconciliation.accounts();
    },

    /**
     * Removes raw payloads older than `retention.rawPayloadDays` (and delivered outbox rows), once across the
     * fleet at a time; null when another instance is already doing it.
     */
    async pruneRawPayloads(): Promise<PruneResult | null> {
      const lease = await deps.locks.acquire('retention', 10 * 60_000);
      if (lease === null) return null;
      try {
        const at = now();
        const result = await pruneRawPayloads(db, new Date(at.getTime() - config.retention.rawPayloadDays * 86_400_000), at);
        log.info(
          `retention: raw payloads older than ${config.retention.rawPayloadDays} days removed from ${result.events} events ` +
            `and ${result.transactions} transactions; ${result.deliveries} delivered hook rows deleted`
        );
        return result;
      } finally {
        await lease.release();
      }
    },

    /**
     * Erasure for one end user (privacy request): what the ledger holds that links transactions to this user id is
     * removed, what accounting needs is kept (see erasure.ts). Needs the webhook secret (the customer hash's key).
     */
    eraseUser(userId: string): Promise<ErasureResult> {
      return eraseCustomer(db, customerHash(userId, secrets().webhookSecret), now());
    },

    /** The Commissions list as CSV (the list's filters), a page at a time. */
    exportCsv(filters: CommissionFilters): AsyncGenerator<string> {
      return commissionsCsv(db, filters);
    },

    /** Admin Commissions page: one page of the ledger, newest change first. */
    list(filters: CommissionFilters, page: number, pageSize: number) {
      return listCommissions(db, filters, page, pageSize);
    },

    /** Totals by status and brand, per currency, over the same filters as `list`. */
    totals(filters: CommissionFilters) {
      return commissionTotals(db, filters);
    },

    /** One transaction with its events, or null. */
    detail(transactionId: string) {
      return commissionDetail(db, transactionId);
    },

    /** The transactions carrying a pubRef, or its click id when it decodes (the pubRef debugger). */
    forPubRef(pubRef: string, decoded: DecodedPubRef) {
      return transactionsForPubRef(db, pubRef, decoded.ok ? decoded.clickId : null);
    },
  };
}

export type CommissionsService = ReturnType<typeof createCommissionsService>;
