import type { ListClient } from '../../button-client';
import { TRANSACTION_UID } from '../../constants';
import type { JobLocks } from '../../jobs/lock';
import {
  createRecordedJob,
  isoTimestamp,
  storedBoolean,
  type JobRunStatus,
  type JobTrigger,
  type RunsTable,
} from '../../jobs/runs';
import type { CommissionsLog, LedgerDb } from '../db';
import type { WebhookEvent } from '../intake/payload';
import type { RecordEffect } from '../ledger/store';
import { emptyCounts, reconcileWindow, type RunCounts } from './run';

/**
 * Reconciliation: reads Button's Transactions API over a window and applies what the ledger is missing, on a
 * schedule and on demand, never twice at once across instances (a lease in the database), each run recorded with
 * what it found. It is what makes the ledger complete when webhooks were lost: an endpoint paused by Button, a
 * misconfigured secret answering 401 for days, deliveries Button gave up on. The lease and the run's row are
 * jobs/runs.ts, shared with the catalogue sync.
 */
export interface ReconciliationConfig {
  accountId?: string | undefined;
  schedule: string;
  windowHours: number;
  maxPages: number;
}

export type RunsQuery = RunsTable;

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

export type RunTrigger = JobTrigger;

export interface ReconciliationRun extends RunCounts {
  id: number;
  trigger: RunTrigger;
  status: JobRunStatus;
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

export function createReconciliation(deps: ReconciliationDeps) {
  const { config, log } = deps;
  const job = createRecordedJob<ReconciliationRun, RunCounts>({
    label: 'reconciliation run',
    lock: 'reconciliation',
    table: deps.runs,
    fields: RUN_FIELDS,
    normalise,
    messages: {
      interrupted: 'interrupted: the instance stopped during the run',
      shutdown: 'stopped: Strapi shut down during the run (the next run covers the window again)',
    },
    summary: (run) =>
      `${run.pages} pages, ${run.transactions_seen} transactions, ${run.added} added, ` +
      `${run.updated} updated, ${run.unchanged} unchanged, ${run.conflicts} conflicts, ${run.errors} errors`,
    locks: deps.locks,
    log,
    now: deps.now,
  });

  async function current(transactionId: string) {
    const row = (await deps.ledgerDb.query(TRANSACTION_UID).findOne({
      where: { transaction_id: transactionId },
      select: ['status', 'modified_ms'],
    })) as { status: string; modified_ms: number | string } | null;
    return row === null ? null : { status: row.status, modifiedMs: Number(row.modified_ms) };
  }

  /**
   * A backlog larger than maxPages: the last run stopped at a cursor, so this one reads on from there, over the same
   * window, instead of the same first pages again. Otherwise a fresh window ending a minute from now (a margin for
   * the two clocks, Button's and ours).
   */
  async function nextWindow(now: Date) {
    const previous = await job.latest({ status: { $ne: 'running' } });
    const resume =
      previous?.status === 'succeeded' && previous.truncated && previous.resume_cursor !== null ? previous : undefined;
    const window = resume
      ? { start: new Date(resume.window_start), end: new Date(resume.window_end), cursor: resume.resume_cursor! }
      : { start: new Date(now.getTime() - config.windowHours * 3_600_000), end: new Date(now.getTime() + 60_000) };
    return { window, continues: resume?.id ?? null };
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
      const accountId = config.accountId;
      if (accountId === undefined) return { started: false, reason: 'not-configured' };
      const lists = deps.lists();
      if (lists === undefined) return { started: false, reason: 'no-api-key' };
      return job.start(trigger, requestedBy, async (now) => {
        const { window, continues } = await nextWindow(now);
        return {
          columns: { account_id: accountId, window_start: window.start, window_end: window.end, continues_run: continues },
          counts: emptyCounts(),
          work: async ({ id, signal, afterPage }) => {
            const counts = await reconcileWindow(
              { lists, record: deps.record, current, log, signal, afterPage },
              {
                accountId,
                start: window.start,
                end: window.end,
                maxPages: config.maxPages,
                runId: `run-${id}`,
                ...('cursor' in window ? { cursor: window.cursor } : {}),
              }
            );
            return {
              counts,
              message: counts.truncated
                ? `stopped after ${config.maxPages} pages (reconciliation.maxPages): the next run goes on`
                : null,
            };
          },
        };
      });
    },

    /** Shutdown: the run in progress stops after its current request and records itself as stopped. */
    stop: job.stop,

    /** When the last successful run finished (epoch seconds), or null. */
    async lastSuccess(): Promise<number | null> {
      const run = await job.latest({ status: 'succeeded' });
      return run?.finished_at ? Math.floor(new Date(run.finished_at).getTime() / 1000) : null;
    },

    /** The newest runs first. */
    runs: job.history,

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

/** A run row as every database returns it (counts may come back as strings, dates as strings or Dates). */
function normalise(row: unknown): ReconciliationRun {
  const raw = row as Record<string, unknown>;
  const count = (key: keyof RunCounts) => Number(raw[key] ?? 0);
  return {
    id: Number(raw.id),
    trigger: raw.trigger as RunTrigger,
    status: raw.status as JobRunStatus,
    account_id: (raw.account_id as string | null) ?? null,
    window_start: isoTimestamp(raw.window_start)!,
    window_end: isoTimestamp(raw.window_end)!,
    started_at: isoTimestamp(raw.started_at)!,
    finished_at: isoTimestamp(raw.finished_at),
    pages: count('pages'),
    transactions_seen: count('transactions_seen'),
    added: count('added'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    conflicts: count('conflicts'),
    errors: count('errors'),
    truncated: storedBoolean(raw.truncated),
    resume_cursor: (raw.resume_cursor as string | null) ?? null,
    continues_run: raw.continues_run === null || raw.continues_run === undefined ? null : Number(raw.continues_run),
    message: (raw.message as string | null) ?? null,
  };
}
