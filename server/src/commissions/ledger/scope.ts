import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The ledger's write scope. Only code running inside `runAsLedgerWriter` (the webhook path, after the signature
 * was verified) may write commission rows; the database guard (guard.ts) refuses every other write. The scope
 * follows the async call chain, so a concurrent request never inherits it.
 */
const scope = new AsyncLocalStorage<true>();

export function runAsLedgerWriter<T>(work: () => Promise<T>): Promise<T> {
  return scope.run(true, work);
}

export function isLedgerWriter(): boolean {
  return scope.getStore() === true;
}
