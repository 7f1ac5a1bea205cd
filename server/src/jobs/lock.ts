import { JOB_LOCK_UID } from '../constants';
import { isUniqueViolation } from '../commissions/ledger/db-errors';

/**
 * A lease in the database that keeps a job (reconciliation, retention) to one instance at a time, on SQLite,
 * PostgreSQL and MySQL alike, with or without Redis: the lock table's unique index on `name` decides who inserts
 * the row; a holder that died is replaced once its lease has run out (compare-and-set on `lease_until`); a holder
 * renews while it works and deletes the row when done.
 */
export interface LockQuery {
  create(params: { data: Record<string, unknown> }): Promise<unknown>;
  updateMany(params: { where: Record<string, unknown>; data: Record<string, unknown> }): Promise<{ count: number }>;
  deleteMany(params: { where: Record<string, unknown> }): Promise<{ count: number }>;
}

export interface JobLockDeps {
  query: (uid: typeof JOB_LOCK_UID) => LockQuery;
  holder: string;
  now: () => Date;
}

export interface Lease {
  /** Pushes the lease `ms` further from now; false when it was lost (expired and taken by another instance). */
  renew(ms: number): Promise<boolean>;
  release(): Promise<void>;
}

export function createJobLocks(deps: JobLockDeps) {
  const locks = () => deps.query(JOB_LOCK_UID);
  return {
    /** The lease on `name` for `ms`, or null when another instance holds it. */
    async acquire(name: string, ms: number): Promise<Lease | null> {
      const now = deps.now();
      const until = new Date(now.getTime() + ms);
      try {
        await locks().create({ data: { name, holder: deps.holder, lease_until: until, createdAt: now, updatedAt: now } });
      } catch (error) {
        if (!isUniqueViolation(error, 'button_job_locks')) throw error;
        const { count } = await locks().updateMany({
          where: { name, lease_until: { $lt: now } },
          data: { holder: deps.holder, lease_until: until, updatedAt: now },
        });
        if (count !== 1) return null;
      }
      return {
        async renew(extendMs) {
          const at = deps.now();
          const { count } = await locks().updateMany({
            where: { name, holder: deps.holder },
            data: { lease_until: new Date(at.getTime() + extendMs), updatedAt: at },
          });
          return count === 1;
        },
        async release() {
          await locks().deleteMany({ where: { name, holder: deps.holder } });
        },
      };
    },
  };
}

export type JobLocks = ReturnType<typeof createJobLocks>;
