import type { LedgerDb, LedgerQuery, LedgerUid } from '../../../server/src/commissions/db';

/**
 * An in-memory stand-in for the Query Engine methods the commissions service uses: the two ledger tables with
 * their unique indexes (a violation throws as better-sqlite3 does), `where` with equality, `$ne`, `$gt`, `$gte`,
 * `$lte` and `$or`, and transactions that roll back on a throw. `failNext` injects one driver error.
 */
type Row = Record<string, unknown>;

const TABLES: Record<LedgerUid, { table: string; unique: string }> = {
  'plugin::button-personalization.transaction': { table: 'button_transactions', unique: 'transaction_id' },
  'plugin::button-personalization.webhook-event': { table: 'button_webhook_events', unique: 'event_id' },
};

export interface FakeDb extends LedgerDb {
  rows(uid: LedgerUid): Row[];
  /** The next call of `method` on `uid` throws `error` (or, for updateMany, answers `{count: 0}` when error is null). */
  failNext(uid: LedgerUid, method: keyof LedgerQuery, error: unknown): void;
  calls: Array<{ uid: LedgerUid; method: string; params: unknown }>;
}

export function createFakeDb(): FakeDb {
  let data: Record<string, Row[]> = {
    [TABLES['plugin::button-personalization.transaction'].table]: [],
    [TABLES['plugin::button-personalization.webhook-event'].table]: [],
  };
  const failures = new Map<string, unknown>();
  const calls: FakeDb['calls'] = [];
  let nextId = 1;

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
      calls.push({ uid, method, params });
      const failed = failure(uid, method);
      if (failed && failed.error !== null) throw failed.error;
      return failed;
    };
    return {
      async findOne(params) {
        record('findOne', params);
        const row = rows().find((candidate) => matches(candidate, params.where));
        return row ? pick(row, params.select) : null;
      },
      async findMany(params) {
        record('findMany', params);
        return sorted(
          rows().filter((row) => matches(row, params.where)),
          params.orderBy
        ).map((row) => pick(row, params.select));
      },
      async findPage(params) {
        record('findPage', params);
        const all = sorted(
          rows().filter((row) => matches(row, params.where)),
          params.orderBy
        );
        const page = Number(params.page ?? 1);
        const pageSize = Number(params.pageSize ?? 10);
        return {
          results: all.slice((page - 1) * pageSize, page * pageSize).map((row) => pick(row, params.select)),
          pagination: { page, pageSize, pageCount: Math.ceil(all.length / pageSize), total: all.length },
        };
      },
      async count(params) {
        record('count', params);
        return rows().filter((row) => matches(row, params.where)).length;
      },
      async create({ data: values }) {
        record('create', { data: values });
        if (rows().some((row) => row[unique] === values[unique])) {
          throw Object.assign(new Error(`UNIQUE constraint failed: ${table}.${unique}`), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
        }
        const row = { id: nextId++, ...values };
        rows().push(row);
        return row;
      },
      async updateMany({ where, data: values }) {
        const failed = record('updateMany', { where, data: values });
        if (failed) return { count: 0 };
        const hit = rows().filter((row) => matches(row, where));
        for (const row of hit) Object.assign(row, values);
        return { count: hit.length };
      },
    };
  };

  return {
    query,
    async transaction(work) {
      const snapshot = structuredClone(data);
      try {
        return await work();
      } catch (error) {
        data = snapshot;
        throw error;
      }
    },
    rows: (uid) => data[TABLES[uid].table] as Row[],
    failNext(uid, method, error) {
      failures.set(`${uid}#${method}`, error);
    },
    calls,
  };
}

function matches(row: Row, where: unknown): boolean {
  if (where === undefined || where === null) return true;
  return Object.entries(where as Record<string, unknown>).every(([key, condition]) => {
    if (key === '$or') return (condition as unknown[]).some((branch) => matches(row, branch));
    const value = row[key];
    if (condition !== null && typeof condition === 'object' && !(condition instanceof Date)) {
      return Object.entries(condition as Record<string, unknown>).every(([op, operand]) => {
        if (op === '$ne') return value !== operand;
        if (op === '$gt') return (value as number) > (operand as number);
        if (op === '$gte') return (value as number) >= (operand as number);
        if (op === '$lte') return (value as number) <= (operand as number);
        throw new Error(`fake db: unsupported operator ${op}`);
      });
    }
    return (value ?? null) === (condition ?? null);
  });
}

function pick(row: Row, select: unknown): Row {
  if (!Array.isArray(select)) return { ...row };
  return Object.fromEntries(select.map((key: string) => [key, row[key]]));
}

function sorted(rows: Row[], orderBy: unknown): Row[] {
  const keys = (Array.isArray(orderBy) ? orderBy : orderBy ? [orderBy] : []).flatMap((entry) =>
    Object.entries(entry as Record<string, 'asc' | 'desc'>)
  );
  return [...rows].sort((a, b) => {
    for (const [key, direction] of keys) {
      const x = a[key] as number;
      const y = b[key] as number;
      if (x < y) return direction === 'asc' ? -1 : 1;
      if (x > y) return direction === 'asc' ? 1 : -1;
    }
    return 0;
  });
}
