import { TRANSACTION_UID, WEBHOOK_EVENT_UID } from '../constants';
import type { StoredTransactionRow } from './ledger/record';
import type { LedgerDb } from './db';

/** The ledger's reads for the admin (Commissions page, pubRef debugger), over the service's narrow db. */

export interface CommissionFilters {
  status?: 'pending' | 'validated' | 'declined';
  /** Only transactions with at least one conflicting event (see ledger/transition.ts). */
  conflicts?: boolean;
  /** Only transactions carrying this click id (one served offer normally buys once: reuse shows here). */
  clickId?: string;
  brand?: string;
  from?: Date;
  to?: Date;
}

export const LIST_FIELDS = [
  'transaction_id',
  'status',
  'category',
  'amount',
  'currency',
  'order_total',
  'order_currency',
  'commerce_organization',
  'pub_ref_status',
  'pub_ref_stale',
  'conflict_count',
  'click_id',
  'offer_id',
  'rate_kind',
  'rate_value',
  'rate_currency',
  'created_date',
  'modified_date',
  'validated_date',
] as const satisfies ReadonlyArray<keyof StoredTransactionRow>;

/** The columns the Commissions list shows (the admin contract's `CommissionRow`). */
export type CommissionListField = (typeof LIST_FIELDS)[number];

/** Filters as a Query Engine `where`, shared by the list and the totals so they always agree. */
export function whereOf(filters: CommissionFilters) {
  const where: Record<string, unknown> = {};
  if (filters.status) where.status = filters.status;
  if (filters.conflicts) where.conflict_count = { $gt: 0 };
  if (filters.clickId) where.click_id = filters.clickId;
  if (filters.brand) where.commerce_organization = filters.brand;
  if (filters.from || filters.to) {
    where.created_date = { ...(filters.from ? { $gte: filters.from } : {}), ...(filters.to ? { $lte: filters.to } : {}) };
  }
  return where;
}

interface AmountRow {
  status: string;
  commerce_organization: string | null;
  currency: string | null;
  amount: number | string | null;
}

/**
 * Totals by status and by brand, per currency (amounts in minor units never mix currencies). Summed in memory
 * over the matching rows' four small columns, which keeps the code identical on SQLite, PostgreSQL and MySQL.
 */
export async function commissionTotals(db: LedgerDb, filters: CommissionFilters) {
  const rows = (await db.query(TRANSACTION_UID).findMany({
    select: ['status', 'commerce_organization', 'currency', 'amount'],
    where: whereOf(filters),
  })) as AmountRow[];
  const group = (key: (row: AmountRow) => string) => {
    const groups = new Map<string, { count: number; amounts: Record<string, number> }>();
    for (const row of rows) {
      const name = key(row);
      const entry = groups.get(name) ?? { count: 0, amounts: {} };
      entry.count += 1;
      const currency = row.currency ?? 'unknown';
      entry.amounts[currency] = (entry.amounts[currency] ?? 0) + Number(row.amount ?? 0);
      groups.set(name, entry);
    }
    return [...groups.entries()].map(([name, value]) => ({ key: name, ...value })).sort((a, b) => b.count - a.count);
  };
  return {
    count: rows.length,
    by_status: group((row) => row.status),
    by_brand: group((row) => row.commerce_organization ?? 'unknown'),
  };
}

export async function listCommissions(db: LedgerDb, filters: CommissionFilters, page: number, pageSize: number) {
  const { results, pagination } = await db.query(TRANSACTION_UID).findPage({
    select: LIST_FIELDS,
    where: whereOf(filters),
    orderBy: [{ modified_date: 'desc' }, { id: 'desc' }],
    page,
    pageSize,
  });
  return { results, pagination };
}

/** One transaction with its full (redacted) payload and every webhook event that touched it, oldest first. */
export async function commissionDetail(db: LedgerDb, transactionId: string) {
  const transaction = await db.query(TRANSACTION_UID).findOne({ where: { transaction_id: transactionId } });
  if (!transaction) return null;
  const events = await db.query(WEBHOOK_EVENT_UID).findMany({
    where: { transaction_id: transactionId },
    orderBy: [{ id: 'asc' }],
  });
  const { id: _id, documentId: _documentId, ...visible } = transaction as Record<string, unknown>;
  // Click-id reuse: how many OTHER ledger transactions carry this transaction's click id.
  const clickId = typeof visible.click_id === 'string' ? visible.click_id : null;
  const shared =
    clickId === null
      ? 0
      : await db.query(TRANSACTION_UID).count({ where: { click_id: clickId, transaction_id: { $ne: transactionId } } });
  return {
    transaction: { ...visible, click_id_transactions: Number(shared) },
    events: (events as Array<Record<string, unknown>>).map(({ id: _eventId, documentId: _doc, ...event }) => event),
  };
}

const PUB_REF_FIELDS = [
  'transaction_id',
  'status',
  'amount',
  'currency',
  'commerce_organization',
  'pub_ref_status',
  'pub_ref_stale',
  'conflict_count',
  'modified_date',
];

/** The pubRef debugger: transactions carrying this pubRef, or (when it decodes) its click id; newest 50. */
export async function transactionsForPubRef(db: LedgerDb, pubRef: string, clickId: string | null) {
  const where = clickId === null ? { pub_ref: pubRef } : { $or: [{ pub_ref: pubRef }, { click_id: clickId }] };
  return db.query(TRANSACTION_UID).findMany({ select: PUB_REF_FIELDS, where, orderBy: { modified_date: 'desc' }, limit: 50 });
}
