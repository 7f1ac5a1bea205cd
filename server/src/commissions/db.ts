import type { HOOK_DELIVERY_UID, TRANSACTION_UID, WEBHOOK_EVENT_UID } from '../constants';

/**
 * The few Query Engine methods the commissions capability uses, on its own tables only: what the service
 * factory takes instead of `strapi`, so unit tests pass a small fake (tests/unit/commissions/fake-db.ts).
 */

export type LedgerUid = typeof TRANSACTION_UID | typeof WEBHOOK_EVENT_UID | typeof HOOK_DELIVERY_UID;
type Params = Record<string, unknown>;

export interface LedgerQuery {
  findOne(params: Params): Promise<unknown>;
  findMany(params: Params): Promise<unknown[]>;
  findPage(params: Params): Promise<{ results: unknown[]; pagination: unknown }>;
  count(params: Params): Promise<number | string>;
  create(params: { data: Params }): Promise<unknown>;
  updateMany(params: { where: Params; data: Params }): Promise<{ count: number }>;
  deleteMany(params: { where: Params }): Promise<{ count: number }>;
}

export interface LedgerDb {
  query(uid: LedgerUid): LedgerQuery;
  /** One database transaction: every query made inside `work` commits or rolls back with it. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

export interface CommissionsLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
