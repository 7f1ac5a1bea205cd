// @ts-check
'use strict';

/**
 * Button's own record of transactions, as its Transactions API serves them: the latest state of each
 * transaction, whether or not the webhook announcing it ever reached the publisher. The webhook sender writes
 * every event here before (and regardless of) delivering it, so reconciliation has something true to converge on.
 */

/** @typedef {Record<string, unknown> & { id: string, modified_date: string }} StoredTransaction */
/** @typedef {'created_date' | 'modified_date'} TimeField */
/**
 * @typedef {{
 *   start?: Date | string | number,  // inclusive; omitted: no lower bound
 *   end?: Date | string | number,    // exclusive; omitted: no upper bound
 *   timeField?: TimeField,           // Button's default: created_date
 * }} ListQuery
 * @typedef {[number, string]} PageKey  // a position in a listing: (time field in epoch ms, id)
 * @typedef {ListQuery & { after?: PageKey, before?: PageKey, limit: number }} PageQuery
 * @typedef {{ objects: StoredTransaction[], first?: PageKey, last?: PageKey, hasBefore: boolean,
 *   hasAfter: boolean }} Page
 */

const TIME_FIELDS = new Set(['created_date', 'modified_date']);
// 100,000 transactions is far beyond any test or benchmark run, and keeps a long-running simulator bounded.
const DEFAULT_MAX_TRANSACTIONS = 100_000;

/**
 * Whether `data` is something Button could have recorded: a deliberately broken event (no id, no date) is sent
 * to test the receiver, not remembered.
 * @param {unknown} data
 * @returns {data is StoredTransaction}
 */
function isTransaction(data) {
  if (data === null || typeof data !== 'object') return false;
  const { id, modified_date: modified } = /** @type {Record<string, unknown>} */ (data);
  return typeof id === 'string' && id !== '' && typeof modified === 'string' && Number.isFinite(Date.parse(modified));
}

/**
 * @param {Date | string | number | undefined} value
 * @param {number} fallback
 */
function toMs(value, fallback) {
  if (value === undefined) return fallback;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new TypeError(`not a date: ${String(value)}`);
  return ms;
}

/**
 * Epoch ms of a transaction's time field. Infinity when absent or unreadable: such a transaction sorts last and
 * falls outside every window (a window's end is exclusive), instead of breaking the sort with NaN.
 * @param {Record<string, unknown>} tx
 * @param {TimeField} field
 */
function timeOf(tx, field) {
  const value = tx[field];
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : Infinity;
}

/**
 * @param {StoredTransaction} tx
 * @param {TimeField} field
 * @param {PageKey} key
 */
function compareToKey(tx, field, key) {
  const at = timeOf(tx, field);
  return at < key[0] ? -1 : at > key[0] ? 1 : compareIds(tx.id, key[1]);
}

/**
 * The first index whose element is not before the target (`before` says when an element is).
 * @template T
 * @param {T[]} items
 * @param {(item: T) => boolean} before
 */
function lowerBound(items, before) {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(/** @type {T} */ (items[mid]))) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** @param {{ maxTransactions?: number }} [options] */
function createTransactionStore(options = {}) {
  const max = options.maxTransactions ?? DEFAULT_MAX_TRANSACTIONS;
  if (!(Number.isInteger(max) && max > 0)) throw new TypeError('maxTransactions must be a positive integer');
  /** Insertion order is eviction order: the transaction least recently changed goes first. */
  /** @type {Map<string, StoredTransaction>} */
  const byId = new Map();
  let version = 0;
  /** @type {{ version: number, field: TimeField, sorted: StoredTransaction[] } | undefined} */
  let sortedCache;

  /**
   * Records a transaction's state unless Button already knows a later one (by modified_date; a tie goes to the
   * one recorded last, as a re-sent state replaces the earlier copy).
   * @param {unknown} tx
   * @returns {boolean} whether it is now the current state
   */
  function put(tx) {
    if (!isTransaction(tx)) throw new TypeError('a transaction needs a string id and an ISO modified_date');
    const known = byId.get(tx.id);
    if (known !== undefined && timeOf(known, 'modified_date') > timeOf(tx, 'modified_date')) return false;
    byId.delete(tx.id);
    byId.set(tx.id, structuredClone(tx));
    if (byId.size > max) byId.delete(/** @type {string} */ (byId.keys().next().value));
    version += 1;
    return true;
  }

  /** @param {TimeField} field */
  function sortedBy(field) {
    if (sortedCache?.version === version && sortedCache.field === field) return sortedCache.sorted;
    // Sorted once per change rather than per page: a reconciliation pages through the same listing many times.
    const sorted = [...byId.values()].sort((a, b) => {
      const at = timeOf(a, field);
      const bt = timeOf(b, field);
      return at < bt ? -1 : at > bt ? 1 : compareIds(a.id, b.id);
    });
    sortedCache = { version, field, sorted };
    return sorted;
  }

  /**
   * The sorted listing for a query's time field, and the index range [lo, hi) of its window.
   * @param {ListQuery} query
   */
  function windowOf(query) {
    const field = query.timeField ?? 'created_date';
    if (!TIME_FIELDS.has(field)) throw new TypeError(`timeField must be one of ${[...TIME_FIELDS].join(', ')}`);
    const start = toMs(query.start, -Infinity);
    const end = toMs(query.end, Infinity);
    const sorted = sortedBy(field);
    const lo = lowerBound(sorted, (tx) => timeOf(tx, field) < start);
    const hi = Math.max(
      lo,
      lowerBound(sorted, (tx) => timeOf(tx, field) < end && timeOf(tx, field) !== Infinity)
    );
    return { field, sorted, lo, hi };
  }

  /**
   * The transactions whose time field is in [start, end), ordered by that field then id (copies).
   * @param {ListQuery} [query]
   */
  function list(query = {}) {
    const { sorted, lo, hi } = windowOf(query);
    return sorted.slice(lo, hi).map((tx) => structuredClone(tx));
  }

  /**
   * One page of a window, positioned by key rather than offset: a transaction recorded or moved while a client
   * pages through does not shift the pages it has not read yet.
   * @param {PageQuery} query `after`: the page following that key; `before`: the page preceding it
   * @returns {Page}
   */
  function page(query) {
    const { field, sorted, lo, hi } = windowOf(query);
    const { after, before, limit } = query;
    let from;
    let to;
    if (before !== undefined) {
      to = Math.max(
        lo,
        Math.min(
          hi,
          lowerBound(sorted, (tx) => compareToKey(tx, field, before) < 0)
        )
      );
      from = Math.max(lo, to - limit);
    } else {
      from =
        after === undefined
          ? lo
          : Math.min(
              hi,
              Math.max(
                lo,
                lowerBound(sorted, (tx) => compareToKey(tx, field, after) <= 0)
              )
            );
      to = Math.min(hi, from + limit);
    }
    const items = sorted.slice(from, to);
    /** @param {StoredTransaction | undefined} tx @returns {PageKey | undefined} */
    const keyOf = (tx) => (tx === undefined ? undefined : [timeOf(tx, field), tx.id]);
    return {
      objects: items.map((tx) => structuredClone(tx)),
      first: keyOf(items[0]),
      last: keyOf(items[items.length - 1]),
      hasBefore: items.length > 0 && from > lo,
      hasAfter: items.length > 0 && to < hi,
    };
  }

  return {
    put,
    /** @param {string} id */
    get(id) {
      const tx = byId.get(id);
      return tx === undefined ? undefined : structuredClone(tx);
    },
    list,
    page,
    clear() {
      byId.clear();
      version += 1;
      sortedCache = undefined;
    },
    get size() {
      return byId.size;
    },
  };
}

/**
 * Code-unit order, not locale order: the same on every machine, as a cursor needs.
 * @param {string} a
 * @param {string} b
 */
function compareIds(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

module.exports = { createTransactionStore, isTransaction, compareIds, timeOf, TIME_FIELDS, DEFAULT_MAX_TRANSACTIONS };
