import { createJobLocks, type LockQuery } from '../../../server/src/jobs/lock';
import { createRecordedJob, isoTimestamp, storedBoolean, type RunsTable } from '../../../server/src/jobs/runs';

/**
 * The run lifecycle both jobs share (jobs/runs.ts), at its edges the integration suites cannot reach on purpose: a
 * shutdown in the middle of a page, the end of a run failing to record, a plan that throws. The real lease code
 * (jobs/lock.ts) runs over an in-memory lock table; the runs table is in memory too. Reconciliation and the catalogue
 * sync run this over SQLite, PostgreSQL and MariaDB in tests/integration.
 */
type Row = Record<string, unknown>;
type Counts = { pages: number; seen: number };
type Run = { id: number; status: string; pages: number; seen: number; message: string | null; finished_at: string | null };

const matches = (row: Row, where: Record<string, unknown> = {}) =>
  Object.entries(where).every(([key, condition]) =>
    condition !== null && typeof condition === 'object' && '$ne' in condition
      ? row[key] !== (condition as { $ne: unknown }).$ne
      : condition !== null && typeof condition === 'object' && '$lt' in condition
        ? (row[key] as Date) < (condition as { $lt: Date }).$lt
        : row[key] === condition
  );

function memoryTable() {
  const rows: Row[] = [];
  const failures: Array<() => Error | undefined> = [];
  const table: RunsTable = {
    async findMany(params) {
      const found = rows.filter((row) => matches(row, params.where as Row)).reverse();
      return found.slice(0, (params.limit as number | undefined) ?? found.length).map((row) => ({ ...row }));
    },
    async findOne(params) {
      return { ...rows.find((row) => matches(row, params.where as Row)) };
    },
    async create({ data }) {
      const row = { ...data, id: rows.length + 1 };
      rows.push(row);
      return { ...row };
    },
    async updateMany({ where, data }) {
      const error = failures.shift()?.();
      if (error) throw error;
      const hit = rows.filter((row) => matches(row, where));
      for (const row of hit) Object.assign(row, data);
      return { count: hit.length };
    },
  };
  return { table, rows, failNextUpdate: (error: Error) => failures.push(() => error) };
}

function memoryLocks() {
  const rows: Row[] = [];
  const query: LockQuery = {
    async create({ data }) {
      if (rows.some((row) => row.name === data.name))
        throw Object.assign(new Error('UNIQUE constraint failed: button_job_locks.name'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
      rows.push({ ...data });
      return data;
    },
    async updateMany({ where, data }) {
      const hit = rows.filter((row) => matches(row, where));
      for (const row of hit) Object.assign(row, data);
      return { count: hit.length };
    },
    async deleteMany({ where }) {
      const before = rows.length;
      for (const row of rows.filter((candidate) => matches(candidate, where))) rows.splice(rows.indexOf(row), 1);
      return { count: before - rows.length };
    },
  };
  return { rows, locks: createJobLocks({ query: () => query, holder: 'instance-a', now: () => new Date() }) };
}

function setup() {
  const runs = memoryTable();
  const lease = memoryLocks();
  const log = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const job = createRecordedJob<Run, Counts>({
    label: 'test job',
    lock: 'test-job',
    table: () => runs.table,
    fields: ['id', 'status', 'pages', 'seen', 'message', 'finished_at'],
    normalise: (row) => {
      const raw = row as Row;
      return {
        id: Number(raw.id),
        status: String(raw.status),
        pages: Number(raw.pages),
        seen: Number(raw.seen),
        message: (raw.message as string | null) ?? null,
        finished_at: isoTimestamp(raw.finished_at),
      };
    },
    messages: { interrupted: 'interrupted: died', shutdown: 'stopped: shut down' },
    summary: (run) => `${run.pages} pages`,
    locks: lease.locks,
    log,
    now: () => new Date(),
  });
  return { runs, lease, log, job };
}

describe('a recorded job run', () => {
  it('records progress after every page, finishes with its counts and message, and frees the lease', async () => {
    const { runs, lease, job, log } = setup();
    const start = await job.start('manual', 7, () => ({
      columns: { account_id: 'acc-1' },
      counts: { pages: 0, seen: 0 },
      work: async ({ afterPage }) => {
        expect(await afterPage({ pages: 1, seen: 10 })).toBe(true);
        expect(runs.rows[0]).toMatchObject({ status: 'running', pages: 1, seen: 10 });
        return { counts: { pages: 2, seen: 15 }, message: 'a note' };
      },
    }));
    if (!start.started) throw new Error('not started');
    expect(start.run).toMatchObject({ status: 'running', pages: 0 });
    expect(runs.rows[0]).toMatchObject({ trigger: 'manual', requested_by: 7, account_id: 'acc-1' });
    expect(await start.done).toMatchObject({ status: 'succeeded', pages: 2, seen: 15, message: 'a note' });
    expect(lease.rows).toEqual([]);
    expect(log.info).toHaveBeenCalledWith('test job 1 succeeded: 2 pages');
  });

  it('refuses a second run while the first holds the lease, and closes a run a dead instance left running', async () => {
    const { runs, job } = setup();
    let finish!: () => void;
    const first = await job.start('manual', undefined, () => ({
      counts: { pages: 0, seen: 0 },
      work: () => new Promise((resolve) => (finish = () => resolve({ counts: { pages: 1, seen: 1 } }))),
    }));
    expect(
      await job.start('schedule', undefined, () => ({
        counts: { pages: 0, seen: 0 },
        work: async () => ({ counts: { pages: 0, seen: 0 } }),
      }))
    ).toEqual({
      started: false,
      reason: 'running',
    });
    finish();
    if (first.started) await first.done;

    runs.rows.push({ id: 99, status: 'running', pages: 3, seen: 3, message: null, finished_at: null }); // a dead instance's
    const next = await job.start('schedule', undefined, () => ({
      counts: { pages: 0, seen: 0 },
      work: async () => ({ counts: { pages: 0, seen: 0 } }),
    }));
    if (next.started) await next.done;
    expect(runs.rows.find((row) => row.id === 99)).toMatchObject({ status: 'failed', message: 'interrupted: died' });
    expect(runs.rows.find((row) => row.id === 99)?.finished_at).toBeInstanceOf(Date);
  });

  it('on shutdown stops the run between pages, records it as stopped with its counts so far, and refuses new runs', async () => {
    const { runs, lease, job } = setup();
    let pageDone!: () => void;
    const onPage = new Promise<void>((resolve) => (pageDone = resolve));
    const start = await job.start('manual', undefined, () => ({
      counts: { pages: 0, seen: 0 },
      work: async ({ signal, afterPage }) => {
        await afterPage({ pages: 1, seen: 4 });
        pageDone();
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        throw signal.reason;
      },
    }));
    await onPage;
    await job.stop();
    if (!start.started) throw new Error('not started');
    expect(await start.done).toMatchObject({ status: 'failed', pages: 1, seen: 4, message: 'stopped: shut down' });
    expect(runs.rows[0]?.finished_at).toBeInstanceOf(Date);
    expect(lease.rows).toEqual([]);
    expect(
      await job.start('manual', undefined, () => ({
        counts: { pages: 0, seen: 0 },
        work: async () => ({ counts: { pages: 0, seen: 0 } }),
      }))
    ).toEqual({
      started: false,
      reason: 'running',
    });
  });

  it('records a failure with its message cut to 500 characters', async () => {
    const { job, log } = setup();
    const start = await job.start('manual', undefined, () => ({
      counts: { pages: 0, seen: 0 },
      work: async () => {
        throw new Error('x'.repeat(2_000));
      },
    }));
    if (!start.started) throw new Error('not started');
    const run = await start.done;
    expect(run.status).toBe('failed');
    expect(run.message).toHaveLength(500);
    expect(log.error).toHaveBeenCalledTimes(1);
  });

  it('frees the lease even when recording the end of the run fails', async () => {
    const { runs, lease, job } = setup();
    const start = await job.start('manual', undefined, () => ({
      counts: { pages: 0, seen: 0 },
      work: async () => {
        runs.failNextUpdate(new Error('connection lost'));
        return { counts: { pages: 1, seen: 1 } };
      },
    }));
    if (!start.started) throw new Error('not started');
    await expect(start.done).rejects.toThrow('connection lost');
    expect(lease.rows).toEqual([]);
  });

  it('frees the lease and writes no row when planning the run fails', async () => {
    const { runs, lease, job } = setup();
    await expect(
      job.start('manual', undefined, () => {
        throw new Error('no window');
      })
    ).rejects.toThrow('no window');
    expect(runs.rows).toEqual([]);
    expect(lease.rows).toEqual([]);
  });

  it('lists runs newest first and finds the newest matching one', async () => {
    const { job } = setup();
    for (const seen of [1, 2, 3]) {
      const start = await job.start('manual', undefined, () => ({
        counts: { pages: 0, seen: 0 },
        work: async () => ({ counts: { pages: 1, seen } }),
      }));
      if (start.started) await start.done;
    }
    expect((await job.history(2)).map((run) => run.seen)).toEqual([3, 2]);
    expect(await job.latest({ status: 'succeeded' })).toMatchObject({ seen: 3 });
    expect(await job.latest({ status: 'running' })).toBeNull();
  });
});

describe('stored column readers', () => {
  it('reads timestamps and booleans as every database returns them', () => {
    expect(isoTimestamp('2026-11-26T10:00:00.000Z')).toBe('2026-11-26T10:00:00.000Z');
    expect(isoTimestamp(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(isoTimestamp(null)).toBeNull();
    expect([true, 1, '1', false, 0, '0', null].map(storedBoolean)).toEqual([true, true, true, false, false, false, false]);
  });
});
