import type { ListClient } from '../../button-client';
import { TRANSACTION_UID } from '../../constants';
import type { JobLocks, Lease } from '../../jobs/lock';
import type { CommissionsLog, LedgerDb } from '../db';
import type { WebhookEvent } from '../intake/payload';
import type { RecordEffect } from '../ledger/store';
import { emptyCounts, reconcileWindow, type RunCounts } from './run';

/**
 * Reconciliation: reads Button's Transactions API over a window and applies what the ledger is missing, on a
 * schedule and on demand, never twice at once across instances (a lease in the database), each run recorded with
 * what it found. It is what makes the ledger complete when webhooks were lost: an endpoint paused by Button, a
 * misconfigured secret answering 401 for days, deliveries Button gave up on.
 */
export interface ReconciliationConfig {
  accountId?: string | undefined;
  schedule: string;
  windowHours: number;
  maxPages: number;
}

export interface RunsQuery {
  findMany(params: Record<string, unknown>): Promise<unknown[]>;
  findOne(params: Record<string, unknown>): Promise<unknown>;
  create(params: { data: Record<string, unknown> }): Promise<unknown>;
  updateMany(params: { where: Record<string, unknown>; data: Record<string, unknown> }): Promise<{ count: number }>;
}

export interface ReconciliationDeps {
  config: ReconciliationConfig;
  /** Button's list endpoints, or undefined without an API key. */
  lists: () => ListClient | undefined;
  record(event: WebhookEvent): Promise<RecordEffect>;
  ledgerDb: LedgerDb;
  runs: () => RunsQuery;
  locks: JobLocks;
  log: CommissionsLog;
  now: () => Date;
}

export type RunTrigger = 'schedule' | 'manual';

export interface ReconciliationRun extends RunCounts {
  id: number;
  trigger: RunTrigger;
  status: 'running' | 'succeeded' | 'failed';
  /** The truncated run this one went on from (same window, from its cursor), or null. */
  continues_run: number | null;
  account_id: string | null;
  window_start: string;
  window_end: string;
  started_at: string;
  finished_at: string | null;
  message: string | null;
}

export type StartResult =
  | { started: true; run: ReconciliationRun; done: Promise<ReconciliationRun> }
  | { started: false; reason: 'not-configured' | 'no-api-key' | 'running' };

const LOCK = 'reconciliation';
// A run renews its lease after every page (seconds each); a crashed holder's lease is free again after this.
const LEASE_MS = 2 * 60_000;
const RUN_FIELDS = [
  'id',
  'trigger',
  'status',
  'account_id',
  'window_start',
  'window_end',
  'started_at',
  'finished_at',
  'pages',
  'transactions_seen',
  'added',
  'updated',
  'unchanged',
  'conflicts',
  'errors',
  'truncated',
  'resume_cursor',
  'continues_run',
  'message',
];
const MAX_MESSAGE_LENGTH = 500;

export function createReconciliation(deps: ReconciliationDeps) {
  const { config, log } = deps;
  // Aborted on shutdown: the run in progress stops between pages and records why, before the database closes.
  const stopping = new AbortController();
  const running = new Set<Promise<unknown>>();

  async function current(transactionId: string) {
    const row = (await deps.ledgerDb.query(TRANSACTION_UID).findOne({
      where: { transaction_id: transactionId },
      select: ['status', 'modified_ms'],
    })) as { status: string; modified_ms: number | string } | null;
    return row === null ? null : { status: row.status, modifiedMs: Number(row.modified_ms) };
  }

  async function readRun(id: number): Promise<ReconciliationRun> {
    return normalise(await deps.runs().findOne({ where: { id }, select: RUN_FIELDS }));
  }

  async function execute(
    id: number,
    lease: Lease,
    window: { start: Date; end: Date; cursor?: string },
    accountId: string,
    lists: ListClient
  ) {
    let status: 'succeeded' | 'failed' = 'succeeded';
    let message: string | null = null;
    let counts = emptyCounts();
    try {
      counts = await reconcileWindow(
        {
          lists,
          record: deps.record,
          current,
          log,
          signal: stopping.signal,
          afterPage: async (progress) => {
            counts = progress;
            await deps.runs().updateMany({ where: { id }, data: { ...progress, updatedAt: deps.now() } });
            return lease.renew(LEASE_MS);
          },
        },
        {
          accountId,
          start: window.start,
          end: window.end,
          maxPages: config.maxPages,
          runId: `run-${id}`,
          ...(window.cursor === undefined ? {} : { cursor: window.cursor }),
        }
      );
      if (counts.truncated) message = `stopped after ${config.maxPages} pages (reconciliation.maxPages): the next run goes on`;
    } catch (error) {
      status = 'failed';
      message = stopping.signal.aborted
        ? 'stopped: Strapi shut down during the run (the next run covers the window again)'
        : (error instanceof Error ? error.message : String(error)).slice(0, MAX_MESSAGE_LENGTH);
      log.error(`reconciliation run ${id} failed: ${message}`);
    } finally {
      try {
        await deps.runs().updateMany({
          where: { id },
          data: { ...counts, status, message, finished_at: deps.now(), updatedAt: deps.now() },
        });
      } finally {
        // Released even when recording the end failed: a held lease would refuse every run for its two minutes.
        await lease.release().catch((error: unknown) => log.warn(`reconciliation: releasing the lock failed: ${String(error)}`));
      }
    }
    const run = await readRun(id);
    log.info(
      `reconciliation run ${id} ${status}: ${run.pages} pages, ${run.transactions_seen} transactions, ${run.added} added, ` +
        `${run.updated} updated, ${run.unchanged} unchanged, ${run.conflicts} conflicts, ${run.errors} errors`
    );
    return run;
  }

  return {
    /** Whether runs can happen, and when they are scheduled (for the admin). */
    status() {
      return {
        accountId: config.accountId ?? null,
        schedule: config.accountId === undefined ? null : config.schedule || null,
        windowHours: config.windowHours,
        configured: config.accountId !== undefined && deps.lists() !== undefined,
      };
    },

    /**
     * Starts a run over the last `windowHours` (by modified_date) unless one is running on any instance. Resolves
     * once it started (the row exists, the lease is held); `done` resolves when it finished.
     */
    async start(trigger: RunTrigger, requestedBy?: number): Promise<StartResult> {
      if (stopping.signal.aborted) return { started: false, reason: 'running' };
      const accountId = config.accountId;
      if (accountId === undefined) return { started: false, reason: 'not-configured' };
      const lists = deps.lists();
      if (lists === undefined) return { started: false, reason: 'no-api-key' };
      const lease = await deps.locks.acquire(LOCK, LEASE_MS);
      if (lease === null) return { started: false, reason: 'running' };
      try {
        const now = deps.now();
        // Holding the lease, no other run is alive: a row still "running" is from an instance that died mid-run.
        await deps.runs().updateMany({
          where: { status: 'running' },
          data: {
            status: 'failed',
            message: 'interrupted: the instance stopped during the run',
            finished_at: now,
            updatedAt: now,
          },
        });
        // A backlog larger than maxPages: the last run stopped at a cursor, so this one reads on from there, over the
        // same window, instead of the same first pages again. Otherwise a fresh window ending a minute from now (a
        // margin for the two clocks, Button's and ours).
        const [last] = (await deps.runs().findMany({
          select: RUN_FIELDS,
          where: { status: { $ne: 'running' } },
          orderBy: [{ id: 'desc' }],
          limit: 1,
        })) as unknown[];
        const previous = last === undefined ? undefined : normalise(last);
        const resume =
          previous?.status === 'succeeded' && previous.truncated && previous.resume_cursor !== null ? previous : undefined;
        const window = resume
          ? { start: new Date(resume.window_start), end: new Date(resume.window_end), cursor: resume.resume_cursor! }
          : { start: new Date(now.getTime() - config.windowHours * 3_600_000), end: new Date(now.getTime() + 60_000) };
        const created = (await deps.runs().create({
          data: {
            trigger,
            status: 'running',
            account_id: accountId,
            window_start: window.start,
            window_end: window.end,
            started_at: now,
            requested_by: requestedBy ?? null,
            continues_run: resume?.id ?? null,
            ...emptyCounts(),
            createdAt: now,
            updatedAt: now,
          },
        })) as { id: number };
        const run = await readRun(created.id);
        const done = execute(created.id, lease, window, accountId, lists);
        running.add(done);
        void done.finally(() => running.delete(done)).catch(() => undefined);
        return { started: true, run, done };
      } catch (error) {
        await lease.release();
        throw error;
      }
    },

    /** Shutdown: the run in progress stops after its current request and records itself as stopped. */
    async stop(): Promise<void> {
      stopping.abort();
      await Promise.allSettled([...running]);
    },

    /** When the last successful run finished (epoch seconds), or null. */
    async lastSuccess(): Promise<number | null> {
      const [row] = (await deps.runs().findMany({
        select: ['finished_at'],
        where: { status: 'succeeded' },
        orderBy: [{ id: 'desc' }],
        limit: 1,
      })) as Array<{ finished_at: string | Date | null }>;
      return row?.finished_at ? Math.floor(new Date(row.finished_at).getTime() / 1000) : null;
    },

    /** The newest runs first. */
    async runs(limit = 20): Promise<ReconciliationRun[]> {
      const rows = await deps.runs().findMany({ select: RUN_FIELDS, orderBy: [{ id: 'desc' }], limit });
      return rows.map(normalise);
    },

    /** The publisher's Button accounts (`GET /v1/affiliation/accounts`): which id to configure. */
    async accounts(): Promise<Array<{ id: string; name: string | null; currency: string | null }>> {
      const lists = deps.lists();
      if (lists === undefined) return [];
      const page = await lists.page({ path: '/v1/affiliation/accounts', query: {} });
      return page.objects.flatMap((object) => {
        const account = object as { id?: unknown; name?: unknown; currency?: unknown };
        if (typeof account.id !== 'string') return [];
        return [
          {
            id: account.id.slice(0, 128),
            name: typeof account.name === 'string' ? account.name.slice(0, 200) : null,
            currency: typeof account.currency === 'string' ? account.currency.slice(0, 8) : null,
          },
        ];
      });
    },
  };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;

const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());

/** A run row as every database returns it (counts may come back as strings, dates as strings or Dates). */
function normalise(row: unknown): ReconciliationRun {
  const raw = row as Record<string, unknown>;
  const count = (key: keyof RunCounts) => Number(raw[key] ?? 0);
  return {
    id: Number(raw.id),
    trigger: raw.trigger as RunTrigger,
    status: raw.status as ReconciliationRun['status'],
    account_id: (raw.account_id as string | null) ?? null,
    window_start: iso(raw.window_start)!,
    window_end: iso(raw.window_end)!,
    started_at: iso(raw.started_at)!,
    finished_at: iso(raw.finished_at),
    pages: count('pages'),
    transactions_seen: count('transactions_seen'),
    added: count('added'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    conflicts: count('conflicts'),
    errors: count('errors'),
    truncated: raw.truncated === true || raw.truncated === 1 || raw.truncated === '1',
    resume_cursor: (raw.resume_cursor as string | null) ?? null,
    continues_run: raw.continues_run === null || raw.continues_run === undefined ? null : Number(raw.continues_run),
    message: (raw.message as string | null) ?? null,
  };
}
