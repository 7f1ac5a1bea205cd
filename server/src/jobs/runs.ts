import type { JobLocks, Lease } from './lock';

/**
 * A job that runs on a schedule and on demand, never twice at once across instances, each run a row of its own
 * table with its counts written as it goes: reconciliation and the catalogue sync. This is what they share, so it
 * is right once: the lease (jobs/lock.ts), the row's life (running, then succeeded or failed with a message; a row
 * left "running" by an instance that died is closed by the next holder of the lease), the progress recorded after
 * every page with the lease renewed, and shutdown (the run in progress stops between pages and records why, before
 * the database closes). What a run reads and writes is the job's own `work`.
 */
export interface RunsTable {
  findMany(params: Record<string, unknown>): Promise<unknown[]>;
  findOne(params: Record<string, unknown>): Promise<unknown>;
  create(params: { data: Record<string, unknown> }): Promise<unknown>;
  updateMany(params: { where: Record<string, unknown>; data: Record<string, unknown> }): Promise<{ count: number }>;
}

export type JobTrigger = 'schedule' | 'manual';
export type JobRunStatus = 'running' | 'succeeded' | 'failed';

export interface RecordedJobDeps<Run> {
  /** How logs name one run: "reconciliation run", "catalogue sync". */
  label: string;
  lock: string;
  table: () => RunsTable;
  /** The columns a run is read with, and how a row of any database becomes a Run. */
  fields: readonly string[];
  normalise(row: unknown): Run;
  /** What a closed run's message says when its instance died mid-run, or Strapi shut down during it. */
  messages: { interrupted: string; shutdown: string };
  /** The counts of a finished run, for the log line. */
  summary(run: Run): string;
  locks: JobLocks;
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
  now: () => Date;
}

export interface RunContext<Counts> {
  id: number;
  /** Aborted on shutdown: stop between pages. */
  signal: AbortSignal;
  /** Records the counts so far on the row and renews the lease; false when the lease was lost (stop). */
  afterPage(progress: Counts): Promise<boolean>;
}

/** What the job decided, holding the lease, that this run does. */
export interface PlannedRun<Counts extends object> {
  /** The row's own columns, beside trigger, status, started_at, requested_by and the counts. */
  columns?: Record<string, unknown>;
  /** The counts a run starts from. */
  counts: Counts;
  /** The run itself: its counts at the end, and a message for a run that succeeded but is worth a note. */
  work(context: RunContext<Counts>): Promise<{ counts: Counts; message?: string | null }>;
}

export type RecordedStart<Run> = { started: true; run: Run; done: Promise<Run> } | { started: false; reason: 'running' };

// Renewed after every page (seconds each); a crashed holder's lease is free again after this.
const LEASE_MS = 2 * 60_000;
const MAX_MESSAGE_LENGTH = 500;

export function createRecordedJob<Run, Counts extends object>(deps: RecordedJobDeps<Run>) {
  const { log } = deps;
  const stopping = new AbortController();
  const running = new Set<Promise<unknown>>();

  const read = async (id: number) => deps.normalise(await deps.table().findOne({ where: { id }, select: [...deps.fields] }));

  async function execute(id: number, lease: Lease, plan: PlannedRun<Counts>): Promise<Run> {
    let status: 'succeeded' | 'failed' = 'succeeded';
    let message: string | null = null;
    let counts = plan.counts;
    try {
      const result = await plan.work({
        id,
        signal: stopping.signal,
        afterPage: async (progress) => {
          counts = progress;
          await deps.table().updateMany({ where: { id }, data: { ...progress, updatedAt: deps.now() } });
          return lease.renew(LEASE_MS);
        },
      });
      counts = result.counts;
      message = result.message ?? null;
    } catch (error) {
      status = 'failed';
      message = stopping.signal.aborted
        ? deps.messages.shutdown
        : (error instanceof Error ? error.message : String(error)).slice(0, MAX_MESSAGE_LENGTH);
      log.error(`${deps.label} ${id} failed: ${message}`);
    } finally {
      try {
        await deps.table().updateMany({
          where: { id },
          data: { ...counts, status, message, finished_at: deps.now(), updatedAt: deps.now() },
        });
      } finally {
        // Released even when recording the end failed: a held lease would refuse every run for its two minutes.
        await lease.release().catch((error: unknown) => log.warn(`${deps.label}: releasing the lock failed: ${String(error)}`));
      }
    }
    const run = await read(id);
    log.info(`${deps.label} ${id} ${status}: ${deps.summary(run)}`);
    return run;
  }

  return {
    /**
     * Starts a run unless one is running on any instance (or Strapi is shutting down). `plan` is called holding the
     * lease, after stale rows are closed. Resolves once the run started (its row exists); `done` when it finished.
     */
    async start(
      trigger: JobTrigger,
      requestedBy: number | undefined,
      plan: (now: Date) => Promise<PlannedRun<Counts>> | PlannedRun<Counts>
    ): Promise<RecordedStart<Run>> {
      if (stopping.signal.aborted) return { started: false, reason: 'running' };
      const lease = await deps.locks.acquire(deps.lock, LEASE_MS);
      if (lease === null) return { started: false, reason: 'running' };
      try {
        const now = deps.now();
        // Holding the lease, no other run is alive: a row still "running" is from an instance that died mid-run.
        await deps.table().updateMany({
          where: { status: 'running' },
          data: { status: 'failed', message: deps.messages.interrupted, finished_at: now, updatedAt: now },
        });
        const planned = await plan(now);
        const created = (await deps.table().create({
          data: {
            ...planned.columns,
            trigger,
            status: 'running',
            started_at: now,
            requested_by: requestedBy ?? null,
            ...planned.counts,
            createdAt: now,
            updatedAt: now,
          },
        })) as { id: number | string };
        const id = Number(created.id);
        const run = await read(id);
        const done = execute(id, lease, planned);
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

    /** The newest runs first. */
    async history(limit = 20): Promise<Run[]> {
      const rows = await deps.table().findMany({ select: [...deps.fields], orderBy: [{ id: 'desc' }], limit });
      return rows.map((row) => deps.normalise(row));
    },

    /** The newest run matching `where`, or null. */
    async latest(where: Record<string, unknown>): Promise<Run | null> {
      const [row] = await deps.table().findMany({ select: [...deps.fields], where, orderBy: [{ id: 'desc' }], limit: 1 });
      return row === undefined ? null : deps.normalise(row);
    },
  };
}

export type RecordedJob<Run, Counts extends object> = ReturnType<typeof createRecordedJob<Run, Counts>>;

/** A timestamp column as every database returns it (a Date, or a string), as ISO 8601; null stays null. */
export const isoTimestamp = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(value as string).toISOString();

/** A boolean column as every database returns it (true, 1, or '1' from MySQL). */
export const storedBoolean = (value: unknown): boolean => value === true || value === 1 || value === '1';
