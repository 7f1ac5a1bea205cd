import { AsyncLocalStorage } from 'node:async_hooks';
import type { LedgerDb, LedgerQuery, LedgerUid } from '../../../server/src/commissions/db';
import { isLedgerWriter } from '../../../server/src/commissions/ledger/scope';

/**
 * An in-memory stand-in for the Query Engine methods the commissions capability uses, on its three tables:
 * - unique indexes as in the schemas (a violation throws as better-sqlite3 does: code SQLITE_CONSTRAINT_UNIQUE, a
 *   message naming `table.column`), numeric ids per table;
 * - `where` with equality, `$ne`, `$gt`, `$gte`, `$lt`, `$lte` (numbers, strings or Dates), `$in`, `$or`, `$and`;
 *   `orderBy`, `limit`, `offset`, `select`;
 * - rows are copied in and out (a caller never holds the stored object, as with a real database);
 * - one connection, as Strapi's SQLite pool: a transaction runs alone, queries outside it wait for it, and a throw
 *   inside it rolls back everything it wrote;
 * - the ledger guard of bootstrap (guard.ts): a write outside `runAsLedgerWriter` is refused.
 * `failNext` injects one driver error.
 */
type Row = Record<string, unknown>;

const TABLES: Record<LedgerUid, { table: string; unique: string }> = {
  'plugin::button-personalization.transaction': { table: 'button_transactions', unique: 'transaction_id' },
  'plugin::button-personalization.webhook-event': { table: 'button_webhook_events', unique: 'event_id' },
  'plugin::button-personalization.hook-delivery': { table: 'button_hook_deliveries', unique: 'event_id' },
};

export interface FakeDb extends LedgerDb {
  /** A copy of the table's rows, in insertion order. */
  rows(uid: LedgerUid): Row[];
  /** The next call of `method` on `uid` throws `error` (or, for updateMany, answers `{count: 0}` when error is null). */
  failNext(uid: LedgerUid, method: keyof LedgerQuery, error: unknown): void;
  calls: Array<{ uid: LedgerUid; method: string; params: unknown }>;
}

export function createFakeDb(): FakeDb {
  let data: Record<string, Row[]> = Object.fromEntries(Object.values(TABLES).map(({ table }) => [table, []]));
  const nextIds: Record<string, number> = Object.fromEntries(Object.values(TABLES).map(({ table }) => [table, 1]));
  const failures = new Map<string, unknown>();
  const calls: FakeDb['calls'] = [];
  const inTransaction = new AsyncLocalStorage<true>();
  let connection: Promise<unknown> = Promise.resolve();

  /** Runs `work` once the single connection is free (or at once inside the transaction that holds it). */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    if (inTransaction.getStore()) return work();
    const run = connection.then(work, work);
    connection = run.catch(() => undefined);
    return run;
  };

  const failure = (uid: LedgerUid, method: string) => {
    const key = `${uid}#${method}`;
    if (!failures.has(key)) return undefined;
    const error = failures.get(key);
    failures.delete(key);
    return { error };
  };

  const query = (uid: LedgerUid): LedgerQuery => {
    const { table, unique } = TABLES[uid];
    const rows = () => data[table] as Row[];
    const record = (method: string, params: unknown) => {
      calls.push({ uid, method, params: structuredClone(params) });
      const failed = failure(uid, method);
      if (failed && failed.error !== null) throw failed.error;
      return failed;
    };
    const guard = (action: string) => {
      if (!isLedgerWriter()) {
        throw Object.assign(new Error(`${action} on ${uid} is refused outside the ledger writer`), { code: 'LEDGER_READ_ONLY' });
      }
    };
    const violation = () =>
      Object.assign(new Error(`UNIQUE constraint failed: ${table}.${unique}`), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
    const select = (params: Row) => {
      const all = sorted(
        rows().filter((row) => matches(row, params.where)),
        params.orderBy
      );
      const offset = Number(params.offset ?? 0);
      const limit = params.limit === undefined ? all.length : Number(params.limit);
      return all.slice(offset, offset + limit).map((row) => pick(row, params.select));
    };
    return {
      findOne: (params) =>
        exclusive(async () => {
          record('findOne', params);
          const [row] = select({ ...params, limit: 1 });
          return row ?? null;
        }),
      findMany: (params) =>
        exclusive(async () => {
          record('findMany', params);
          return select(params);
        }),
      findPage: (params) =>
        exclusive(async () => {
          record('findPage', params);
          const all = select({ ...params, limit: undefined, offset: undefined });
          const page = Number(params.page ?? 1);
          const pageSize = Number(params.pageSize ?? 10);
          return {
            results: all.slice((page - 1) * pageSize, page * pageSize),
            pagination: { page, pageSize, pageCount: Math.ceil(all.length / pageSize), total: all.length },
          };
        }),
      count: (params) =>
        exclusive(async () => {
          record('count', params);
          return rows().filter((row) => matches(row, params.where)).length;
        }),
      create: ({ data: values }) =>
        exclusive(async () => {
          record('create', { data: values });
          guard('create');
          if (rows().some((row) => equal(row[unique], values[unique]))) throw violation();
          const row = { id: nextIds[table]!++, ...structuredClone(values) };
          rows().push(row);
          return structuredClone(row);
        }),
      updateMany: ({ where, data: values }) =>
        exclusive(async () => {
          const failed = record('updateMany', { where, data: values });
          guard('updateMany');
          if (failed) return { count: 0 };
          const hit = rows().filter((row) => matches(row, where));
          if (unique in values) {
            const others = rows().filter((row) => !hit.includes(row));
            if (hit.length > 1 || others.some((row) => equal(row[unique], values[unique]))) throw violation();
          }
          for (const row of hit) Object.assign(row, structuredClone(values));
          return { count: hit.length };
        }),
      deleteMany: ({ where }) =>
        exclusive(async () => {
          record('deleteMany', { where });
          guard('deleteMany');
          const before = rows().length;
          data[table] = rows().filter((row) => !matches(row, where));
          return { count: before - rows().length };
        }),
    };
  };

  return {
    query,
    transaction<T>(work: () => Promise<T>): Promise<T> {
      return exclusive(() =>
        inTransaction.run(true, async () => {
          const snapshot = structuredClone(data);
          try {
            return await work();
          } catch (error) {
            data = snapshot;
            throw error;
          }
        })
      );
    },
    rows: (uid) => structuredClone(data[TABLES[uid].table] as Row[]),
    failNext(uid, method, error) {
      failures.set(`${uid}#${method}`, error);
    },
    calls,
  };
}

type Comparable = number | string;

/** Dates compare by their instant, as a datetime column does. */
const comparable = (value: unknown): Comparable => (value instanceof Date ? value.getTime() : (value as Comparable));

const equal = (a: unknown, b: unknown): boolean => comparable(a ?? null) === comparable(b ?? null);

function matches(row: Row, where: unknown): boolean {
  if (where === undefined || where === null) return true;
  return Object.entries(where as Record<string, unknown>).every(([key, condition]) => {
    if (key === '$or') return (condition as unknown[]).some((branch) => matches(row, branch));
    if (key === '$and') return (condition as unknown[]).every((branch) => matches(row, branch));
    if (key.startsWith('$')) throw new Error(`fake db: unsupported operator ${key}`);
    const value = row[key];
    if (condition !== null && typeof condition === 'object' && !(condition instanceof Date)) {
      return Object.entries(condition as Record<string, unknown>).every(([op, operand]) => {
        // SQL: a comparison with NULL is never true.
        const ordered = (test: (x: Comparable, y: Comparable) => boolean) =>
          value !== null && value !== undefined && test(comparable(value), comparable(operand));
        if (op === '$eq') return equal(value, operand);
        if (op === '$ne') return value !== null && value !== undefined && !equal(value, operand);
        if (op === '$gt') return ordered((x, y) => x > y);
        if (op === '$gte') return ordered((x, y) => x >= y);
        if (op === '$lt') return ordered((x, y) => x < y);
        if (op === '$lte') return ordered((x, y) => x <= y);
        if (op === '$in') return (operand as unknown[]).some((candidate) => equal(value, candidate));
        throw new Error(`fake db: unsupported operator ${op}`);
      });
    }
    return equal(value, condition);
  });
}

function pick(row: Row, select: unknown): Row {
  const copy = structuredClone(row);
  if (!Array.isArray(select)) return copy;
  return Object.fromEntries(select.map((key: string) => [key, copy[key]]));
}

function sorted(rows: Row[], orderBy: unknown): Row[] {
  const keys = (Array.isArray(orderBy) ? orderBy : orderBy ? [orderBy] : []).flatMap((entry) =>
    Object.entries(entry as Record<string, 'asc' | 'desc'>)
  );
  return [...rows].sort((a, b) => {
    for (const [key, direction] of keys) {
      const x = comparable(a[key]);
      const y = comparable(b[key]);
      if (x < y) return direction === 'asc' ? -1 : 1;
      if (x > y) return direction === 'asc' ? 1 : -1;
    }
    return 0;
  });
}
