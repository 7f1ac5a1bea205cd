import { TRANSACTION_UID } from '../constants';
import type { LedgerDb } from './db';
import { LIST_FIELDS, whereOf, type CommissionFilters } from './reads';

/**
 * The Commissions list as CSV for finance, with the list's filters, streamed a page at a time (a ledger of any
 * size never sits in memory). Amounts stay in minor units, as Button sends them, with their currency beside them.
 */
export const EXPORT_COLUMNS = [
  ...LIST_FIELDS,
  // Beyond the list: what finance matches against Button's and the merchant's records, and where a row came from.
  'button_order_id',
  'order_id',
  'last_source',
  'erased_at',
] as const;

const PAGE_SIZE = 500;

export async function* commissionsCsv(db: LedgerDb, filters: CommissionFilters): AsyncGenerator<string> {
  yield `${EXPORT_COLUMNS.join(',')}\r\n`;
  let lastId = 0;
  for (;;) {
    // Keyset pagination on id: stable while new transactions arrive during the export, and cheap at any depth.
    const rows = (await db.query(TRANSACTION_UID).findMany({
      select: ['id', ...EXPORT_COLUMNS],
      where: { ...whereOf(filters), id: { $gt: lastId } },
      orderBy: [{ id: 'asc' }],
      limit: PAGE_SIZE,
    })) as Array<Record<string, unknown>>;
    if (rows.length === 0) return;
    yield rows.map((row) => `${EXPORT_COLUMNS.map((column) => csvCell(row[column])).join(',')}\r\n`).join('');
    lastId = Number(rows[rows.length - 1]!.id);
    if (rows.length < PAGE_SIZE) return;
  }
}

/**
 * One CSV cell (RFC 4180 quoting). Text a spreadsheet would run as a formula (starting with =, +, -, @, tab or
 * carriage return: a brand name or an order id comes from outside) is prefixed with an apostrophe.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : typeof value === 'boolean' ? String(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
